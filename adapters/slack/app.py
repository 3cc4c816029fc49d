"""The Bolt `AsyncApp`: what it serves (commands, shortcut, events) and its listeners wired up.

The parts live in modules of one job each: `bridge.py` (the core, who is
asking, one run per request key), `listeners/` (one module per kind of
request), `delivery.py` and `modals.py` (answers back to Slack), `home.py`
(the App Home layout). Nothing here decides anything about clients or
invoices; that lives once, in the core.
"""
from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from adapters.slack import listeners, quiet
from adapters.slack.bridge import SlackBridge
from adapters.slack.client import web_client
from adapters.slack.config import SlackConfig
from adapters.slack.people import People
from bot import registry
from bot.core import Core

__all__ = ["EVENTS", "SHORTCUT_LOG_INCIDENT", "SlackBridge", "build_app", "slash_commands"]

SHORTCUT_LOG_INCIDENT = "log_incident"
#: Button and form ids owned by the adapter itself (App Home), never sent to the core.
UI_PREFIX = "slackui:"
#: Events the app subscribes to (the manifest lists exactly these).
EVENTS: tuple[str, ...] = ("app_home_opened", "app_uninstalled", "tokens_revoked", "message.im")


def slash_commands() -> tuple[str, ...]:
    """The slash commands the app serves: every command the core declares (manifest.yml lists the same)."""
    import bot.commands  # noqa: F401  (registers every declaration)

    return registry.slash_commands()


def build_app(
    core: Core,
    config: SlackConfig,
    *,
    installation_store=None,
    state_store=None,
    people: People | None = None,
) -> tuple[AsyncApp, SlackBridge]:
    """The Bolt app with every listener wired to the bridge."""
    from adapters.slack import oauth

    client = web_client(config.api_url, None if config.oauth else config.bot_token)
    kwargs: dict[str, Any] = {
        "client": client,
        "name": "redflag",
        "signing_secret": config.signing_secret or "",
        "request_verification_enabled": not config.socket_mode,
        # Bolt answers when the listener returns, not at its next 10 ms poll of the ack; each listener
        # is wrapped so that it returns at its ack and finishes its work after (`acking.py`).
        "process_before_response": True,
        "logger": quiet.install(logging.getLogger("adapters.slack.bolt")),
    }
    if config.oauth:
        settings: AsyncOAuthSettings = oauth.oauth_settings(config, installation_store, state_store)
        kwargs["oauth_settings"] = settings  # its store and its authorize (with the once-per-team rotator) serve the app
    app = AsyncApp(**kwargs)
    bridge = SlackBridge(core, people)

    listeners.register(app, bridge, slash_commands(), SHORTCUT_LOG_INCIDENT)
    return app, bridge
