"""Notifiers for a one-off sweep (`redflag nudges run` from cron), without serving anything.

Slack needs only its Web API client; Discord logs in over REST (no gateway).
Each surface is imported only when its tokens are set.
"""
from __future__ import annotations

from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, AsyncIterator, Mapping

from bot.notify import Notifier

if TYPE_CHECKING:
    from bot.core import Core


@asynccontextmanager
async def notifiers_from_env(core: "Core", env: Mapping[str, str]) -> AsyncIterator[dict[str, Notifier]]:
    from adapters.surfaces import configured_surfaces

    found: dict[str, Notifier] = {}
    async with AsyncExitStack() as stack:
        surfaces = configured_surfaces(env)
        if "slack" in surfaces:
            from adapters.slack import oauth
            from adapters.slack.config import SlackConfig
            from adapters.slack.notifier import SlackNotifier

            config = SlackConfig.from_env(env)
            tokens: oauth.BotTokens
            if config.oauth:
                tokens = oauth.StoredTokens(config, oauth.installation_store(config), route=lambda w: core.routing.installation_for("slack", w))
            else:
                tokens = oauth.FixedToken(config.bot_token or "")
            found["slack"] = SlackNotifier(config.api_url, tokens)
            stack.push_async_callback(found["slack"].close)  # type: ignore[attr-defined]
        if "discord" in surfaces:
            from adapters.discord import endpoints
            from adapters.discord.client import RedflagClient
            from adapters.discord.notifier import DiscordNotifier

            endpoints.apply(env)
            client = RedflagClient(core)
            await client.login(env["DISCORD_TOKEN"].strip())
            stack.push_async_callback(client.close)
            found["discord"] = DiscordNotifier(client)
        yield found
