"""Token rotation once per workspace, however many workers notice the expiry together.

Bolt (on a request) and `oauth.StoredTokens` (the scheduler's DMs) both ask
this rotator. A bot near expiry is refreshed under the team's lock
(`SharedInstallationStore.team_lock`): the worker that takes it second
re-reads the bot from the database and finds the first one's fresh token,
so Slack's `oauth.v2.access` is called once. The fresh bot is saved before
the lock is let go.
"""
from __future__ import annotations

from time import time
from typing import Optional

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import SharedInstallationStore


def due(bot: Bot, minutes_before_expiration: int) -> bool:
    """A rotating token that expires within the window (slack-sdk's own test)."""
    return bool(bot.bot_refresh_token) and bot.bot_token_expires_at is not None and (
        bot.bot_token_expires_at <= time() + minutes_before_expiration * 60
    )


class OnceRotator(AsyncTokenRotator):
    def __init__(self, *, store: SharedInstallationStore, client_id: str, client_secret: str, client: AsyncWebClient) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self.store = store

    async def perform_bot_token_rotation(self, *, bot: Bot, minutes_before_expiration: int = 120) -> Optional[Bot]:  # type: ignore[override]
        if not due(bot, minutes_before_expiration):
            return None
        async with self.store.team_lock(f"{bot.enterprise_id or ''}:{bot.team_id or ''}"):
            current = await self.store.async_read_bot(
                enterprise_id=bot.enterprise_id, team_id=bot.team_id, is_enterprise_install=bot.is_enterprise_install
            )
            if current is None:
                return None  # uninstalled meanwhile: a refresh saved now would bring the installation back
            if current.bot_token != bot.bot_token and not due(current, minutes_before_expiration):
                return current  # another worker (or task) refreshed it meanwhile
            fresh = await super().perform_bot_token_rotation(bot=current, minutes_before_expiration=minutes_before_expiration)
            if fresh is not None:
                await self.store.async_save_bot(fresh)
            return fresh
