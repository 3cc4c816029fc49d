"""Installations: one fixed bot token, or many workspaces through OAuth kept in the shared database.

OAuth uses slack-sdk's own SQLAlchemy installation and state stores
(`installations.py`) on the same database as the rest (PostgreSQL's
`REDFLAG_DATABASE_URL` or the `REDFLAG_DB` file), so any worker serves any
workspace; their tables sit beside ours and never touch them. Token rotation,
on a request (Bolt's authorize) or outside one, goes through one
`rotation.OnceRotator` per process: one refresh per workspace across workers.
`BotTokens` is what runs outside a request (the scheduler's DMs): it finds a
workspace's (or, for an org-wide Enterprise Grid install, the org's) bot token and rotates it when it is about to expire, so
reminders keep going with token rotation switched on.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable, Protocol

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackClientError

from adapters.slack.client import api_error, web_client
from adapters.slack.config import SlackConfig

if TYPE_CHECKING:  # imported when OAuth is configured: slack-sdk's SQLAlchemy stores load the ORM (start-up, issue 20)
    from adapters.slack.installations import SharedInstallationStore, SharedStateStore
    from adapters.slack.rotation import OnceRotator

log = logging.getLogger(__name__)

#: Bot scopes, exactly what the app calls (the manifest test holds the two together).
BOT_SCOPES: tuple[str, ...] = (
    "commands",  # slash commands and the message shortcut
    "chat:write",  # replies, reminder DMs, chat.update, chat.postEphemeral
    "im:write",  # conversations.open for DMs
    "im:history",  # conversations.history (did a reminder whose answer was lost arrive?) and message.im (a CSV to import)
    "users:read",  # users.info: locale (include_locale) and time zone
    "files:write",  # exports and charts
    "files:read",  # a CSV shared in the DM for /invoice import (downloaded from its private URL)
)
#: Minutes before expiry at which a rotating token is refreshed.
ROTATE_BEFORE_MINUTES = 120
STATE_EXPIRATION_SECONDS = 600


def installation_store(config: SlackConfig) -> SharedInstallationStore:
    from adapters.slack.installations import SharedInstallationStore, open_engine

    return SharedInstallationStore(client_id=config.client_id or "", engine=open_engine(config.database), logger=log)


def state_store(config: SlackConfig, installations: SharedInstallationStore | None = None) -> SharedStateStore:
    """On the installations' engine when there is one (one pool per process)."""
    from adapters.slack.installations import SharedStateStore, open_engine

    engine = installations.engine if installations is not None else open_engine(config.database)
    return SharedStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine, logger=log)


def rotator(config: SlackConfig, installations: SharedInstallationStore) -> OnceRotator:
    from adapters.slack.rotation import OnceRotator

    return OnceRotator(store=installations, client_id=config.client_id or "", client_secret=config.client_secret or "",
                       client=web_client(config.api_url))


def oauth_settings(config: SlackConfig, installations=None, states=None) -> AsyncOAuthSettings:
    installations = installations or installation_store(config)
    settings = AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=config.redirect_uri,
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        authorization_url=config.authorization_url,
        installation_store=installations,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        state_store=states or state_store(config, installations),
        logger=log,
    )
    settings.authorize.token_rotator = rotator(config, installations)  # type: ignore[attr-defined]  (Bolt's, once per team)
    return settings


def add_revocation_listeners(app: AsyncApp, bridge) -> None:
    """`app_uninstalled` / `tokens_revoked` delete the stored installation (Bolt's own listeners)."""
    uninstalled = app.default_app_uninstalled_event_listener()
    revoked = app.default_tokens_revoked_event_listener()

    async def on_uninstalled(context) -> None:
        log.info("app uninstalled from team %s; installation removed", context.team_id)
        bridge.people.forget(context.team_id or "")
        await uninstalled(context=context)

    async def on_revoked(event: dict, context) -> None:
        log.info("tokens revoked in team %s", context.team_id)
        await revoked(event=event, context=context)

    app.event("app_uninstalled")(bridge.continuations.listener(on_uninstalled))
    app.event("tokens_revoked")(bridge.continuations.listener(on_revoked))


class NotInstalled(Exception):
    """No usable bot token for this workspace (never installed, uninstalled, revoked)."""


class BotTokens(Protocol):
    async def token(self, workspace: str) -> str: ...


class FixedToken:
    """Single-workspace mode: the one `SLACK_BOT_TOKEN`."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self, workspace: str) -> str:
        return self._token


class StoredTokens:
    """OAuth mode: the workspace's bot from the installation store, rotated when near expiry."""

    def __init__(self, config: SlackConfig, installations: SharedInstallationStore, route: Callable[[str], str | None] | None = None) -> None:
        self.config = config
        self.installations = installations
        self.rotator = rotator(config, installations)
        self.route = route  # workspace -> the installation that serves its people (Slack Connect)

    async def _find(self, workspace: str):
        if workspace.startswith("E"):
            # An org-wide (Enterprise Grid) install: its people's records are keyed on the org.
            return await self.installations.async_find_bot(enterprise_id=workspace, team_id=None, is_enterprise_install=True)
        return await self.installations.async_find_bot(enterprise_id=None, team_id=workspace)

    async def token(self, workspace: str) -> str:
        bot = await self._find(workspace)
        if (bot is None or not bot.bot_token) and self.route is not None:
            via = self.route(workspace)
            if via and via != workspace:
                bot = await self._find(via)
        if bot is None or not bot.bot_token:
            raise NotInstalled(workspace)
        if bot.bot_refresh_token:
            try:
                fresh = await self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=ROTATE_BEFORE_MINUTES)
            except SlackClientError as err:
                code = api_error(err)
                log.warning("token rotation for team %s failed: %s", workspace, code)
                if code in ("invalid_refresh_token", "invalid_client_id", "bad_client_secret", "token_revoked"):
                    raise NotInstalled(workspace) from None
                raise
            if fresh is not None:  # saved by the rotator, under the team's lock
                bot = fresh
        return bot.bot_token
