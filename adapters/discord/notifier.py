"""Reminder DMs on Discord: `bot.notify.Notifier` for the scheduler.

A DM's buttons carry the guild the data belongs to, so a click in the DM
acts on that guild's records. Closed DMs (50007), unknown users and other
refusals are permanent failures; rate limits are retried by discord.py and
only surface when Discord asks for a long wait.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Sequence

import aiohttp
import discord

from adapters.discord.dynamic import Target
from adapters.discord.render import render
from bot.i18n import language_from_locale, messages
from bot.notify import DeliveryFailed, Recipient
from bot.replies import Reply
from storage.records import Owner

if TYPE_CHECKING:
    from adapters.discord.client import RedflagClient

log = logging.getLogger(__name__)

CANNOT_DM = 50007
UNKNOWN_USER = 10013
UNKNOWN_CHANNEL = 10003


class DiscordNotifier:
    platform = "discord"

    def __init__(self, client: "RedflagClient") -> None:
        self.client = client

    def _messages(self, recipient: Recipient):  # type: ignore[no-untyped-def]
        settings = self.client.bridge.core.store.users.get(Owner(recipient.workspace, recipient.user))
        language = None
        if settings is not None:
            language = settings.language or language_from_locale(settings.platform_locale)
        return messages(language)

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        if self.client.is_closed():
            raise DeliveryFailed("discord client is closed")
        workspace = None if recipient.workspace == "dm" else recipient.workspace
        target = Target(recipient.user, workspace)
        t = self._messages(recipient)
        try:
            channel = await self.client.create_dm(discord.Object(int(recipient.user)))
            for reply in replies:
                for out in render(reply, target, t):
                    await channel.send(**out.kwargs())
        except discord.RateLimited as err:
            raise DeliveryFailed("rate limited", retry_after=err.retry_after) from err
        except discord.Forbidden as err:
            reason = "dms_closed" if err.code == CANNOT_DM else f"forbidden ({err.code})"
            log.info("DM to %s refused: %s", recipient.user, reason)
            raise DeliveryFailed(reason, permanent=True) from err
        except discord.NotFound as err:
            raise DeliveryFailed(f"not found ({err.code})", permanent=err.code in (UNKNOWN_USER, UNKNOWN_CHANNEL)) from err
        except discord.HTTPException as err:
            permanent = 400 <= err.status < 500 and err.status != 429
            raise DeliveryFailed(f"discord error {err.status} ({err.code})", permanent=permanent) from err
        except (aiohttp.ClientError, OSError) as err:
            raise DeliveryFailed(f"network: {type(err).__name__}") from err
        except ValueError as err:  # a user id that is not a snowflake
            raise DeliveryFailed("bad recipient", permanent=True) from err
