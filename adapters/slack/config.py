"""Which Slack setup the environment asks for: one workspace or OAuth, HTTP or Socket Mode.

Read once from the environment mapping handed to `start()` (never from
`os.environ` behind its back) so tests and operators see the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000


@dataclass(frozen=True)
class SlackConfig:
    """The Slack settings from the environment, read once at start-up."""
    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    client_id: str | None
    client_secret: str | None
    api_url: str
    port: int
    host: str
    db_path: str
    redirect_uri: str | None = None
    database_url: str | None = None  # REDFLAG_DATABASE_URL when it names PostgreSQL

    @property
    def database(self) -> str:
        """Where installations and OAuth state live: the shared database (PostgreSQL), else the SQLite file."""
        return self.database_url or self.db_path

    @property
    def oauth(self) -> bool:
        """Many workspaces: installations come from the OAuth flow, not a fixed token."""
        return bool(self.client_id and self.client_secret)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def authorization_url(self) -> str:
        """The install page on the same Slack host as the Web API (slack.com, slack-gov.com, a proxy)."""
        base = self.api_url.rstrip("/")
        if base.endswith("/api"):
            base = base[: -len("/api")]
        return base + "/oauth/v2/authorize"

    def secrets(self) -> tuple[str, ...]:
        """Every configured secret, so logging can scrub them."""
        return tuple(
            s for s in (self.bot_token, self.signing_secret, self.app_token, self.client_secret) if s
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "SlackConfig":
        def get(name: str) -> str | None:
            value = (env.get(name) or "").strip()
            return value or None

        api_url = get("SLACK_API_URL") or DEFAULT_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        port_text = get("REDFLAG_PORT")
        try:
            port = int(port_text) if port_text is not None else DEFAULT_PORT
        except ValueError:
            raise ValueError(f"REDFLAG_PORT must be a number, not {port_text!r}") from None
        return cls(
            bot_token=get("SLACK_BOT_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=get("SLACK_APP_TOKEN"),
            client_id=get("SLACK_CLIENT_ID"),
            client_secret=get("SLACK_CLIENT_SECRET"),
            api_url=api_url,
            port=port,
            host=get("REDFLAG_HOST") or "0.0.0.0",
            db_path=get("REDFLAG_DB") or "./redflag.db",
            redirect_uri=get("SLACK_REDIRECT_URI"),
            database_url=get("REDFLAG_DATABASE_URL") if (get("REDFLAG_DATABASE_URL") or "").lower().startswith(("postgres://", "postgresql")) else None,
        )


def configured(env: Mapping[str, str]) -> bool:
    """True when the environment holds enough to serve Slack in some mode."""
    c = SlackConfig.from_env(env)
    if c.oauth:
        # OAuth needs signed requests over HTTP, or Socket Mode's app token.
        return bool(c.signing_secret or c.app_token)
    if c.bot_token:
        return bool(c.signing_secret or c.app_token)
    return False


def incomplete(env: Mapping[str, str]) -> str | None:
    """Why Slack cannot be served although some of its settings are there (None when it can, or is not asked for)."""
    if configured(env):
        return None
    if (env.get("SLACK_CLIENT_ID") or env.get("SLACK_BOT_TOKEN")) and not (env.get("SLACK_SIGNING_SECRET") or env.get("SLACK_APP_TOKEN")):
        return "Slack needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) as well"
    return None
