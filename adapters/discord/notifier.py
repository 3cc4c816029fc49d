"""Reminder DMs on Discord: `bot.notify.Notifier` for the scheduler.

A DM's buttons carry the guild the data belongs to, so a click in the DM
acts on that guild's records. Closed DMs (50007), unknown users and other
refusals are permanent failures. discord.py waits out a 429 of up to
`wire.RATE_LIMIT_WAIT` itself (per route and global, as it tracks them; the
DM timeout does not run meanwhile); a longer one raises `discord.RateLimited`,
which becomes the core's `Reason.RATE_LIMITED` with its `retry_after`, and
the sweep holds that workspace's DMs back until then (every guild's, for the
rest of the sweep, when the 429 was Discord's global limit).

Exactly once: every part is sent with a nonce derived from its ledger entry
(`rf<id>p<part>` for nudge DMs, `rg…` for follow-ups, `ra…` for alerts) and `enforce_nonce`
(discord.py sets it with every nonce), so Discord itself answers a repeat
within its nonce window with the message it already created. A send that
whose request has no answer in `REDFLAG_DISCORD_DM_TIMEOUT` seconds is an unknown
outcome; before it is tried again after that window the DM's messages since
the attempt are read, and a message from the bot with the same nonce (or,
where Discord leaves the nonce out, the same content and embeds) counts as
arrived.
"""
from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta
from typing import TYPE_CHECKING, Sequence

import aiohttp
import discord

from adapters.discord import wire
from adapters.discord.dynamic import Target
from adapters.discord.render import render
from bot.events import Address
from bot.i18n import Messages
from bot.notify import Delivery, DeliveryFailed, Reason, Recipient
from bot.replies import Reply

if TYPE_CHECKING:
    from adapters.discord.client import RedflagClient

log = logging.getLogger(__name__)

CANNOT_DM = 50007
UNKNOWN_USER = 10013
UNKNOWN_CHANNEL = 10003




def _timeout() -> float:
    try:
        return float(os.environ.get("REDFLAG_DISCORD_DM_TIMEOUT", "") or 15)
    except ValueError:
        return 15.0


def nonce(key: str, part: int) -> str:
    """At most 25 characters, the same for every attempt at one part of one DM, and unique across kinds.

    (A follow-up and an alert with the same row id once shared `rg<id>`: within the nonce window
    Discord would have answered the second with the first and never shown it.)
    """
    kind, _, number = key.partition("-")
    return f"r{_NONCE_KINDS.get(kind, 'x' + kind[:3])}{number}p{part}"[:25]


_NONCE_KINDS = {"nudge": "f", "followup": "g", "alert": "a"}


def _same(message: discord.Message, out_kwargs: dict, wanted_nonce: str) -> bool:
    if message.nonce is not None:
        return str(message.nonce) == wanted_nonce
    embeds = [e.to_dict() for e in out_kwargs.get("embeds") or []]
    got = [e.to_dict() for e in message.embeds]
    strip = lambda items: [{k: v for k, v in e.items() if k in ("title", "description")} for e in items]  # noqa: E731
    return (message.content or "") == (out_kwargs.get("content") or "") and strip(got) == strip(embeds)


class DiscordNotifier:
    platform = "discord"

    def __init__(self, client: "RedflagClient", timeout: float | None = None) -> None:
        self.client = client
        self.timeout = timeout if timeout is not None else _timeout()

    def _messages(self, recipient: Recipient) -> Messages:
        return self.client.bridge.core.messages_for(Address(self.platform, recipient.workspace, recipient.user))

    async def _arrived(self, channel: discord.DMChannel, delivery: Delivery, part: int, kwargs: dict,
                       watch: wire.Watch) -> bool:
        """Look in the DM for this part among the bot's messages since the unknown attempt."""
        after = None
        if delivery.unknown_since is not None:
            after = discord.Object(discord.utils.time_snowflake(delivery.unknown_since - timedelta(minutes=5)))
        me = self.client.user.id if self.client.user else None
        wanted = nonce(delivery.key, part)
        async def look() -> bool:
            async for message in channel.history(limit=100, after=after):
                if (me is None or message.author.id == me) and _same(message, kwargs, wanted):
                    return True
            return False

        return await wire.timed(look(), self.timeout, watch)

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply], delivery: Delivery | None = None) -> None:
        if self.client.is_closed():
            raise DeliveryFailed("discord client is closed")
        workspace = None if recipient.workspace == "dm" else recipient.workspace
        target = Target(recipient.user, workspace)
        t = self._messages(recipient)
        posting = verifying = False
        watch = wire.Watch()
        try:
            channel = await wire.timed(self.client.create_dm(discord.Object(int(recipient.user))), self.timeout, watch)
            parts = [out.kwargs() for reply in replies for out in render(reply, target, t)]
            start = delivery.start if delivery else 0
            for i, kwargs in enumerate(parts):
                if i < start:
                    continue
                if delivery is not None:
                    if delivery.unknown_part == i:
                        verifying = True  # whatever goes wrong now, the part's outcome stays unknown
                        found = await self._arrived(channel, delivery, i, kwargs, watch)
                        verifying = False
                        if found:
                            await delivery.sent(i)
                            continue
                    await delivery.sending(i)
                    kwargs = dict(kwargs, nonce=nonce(delivery.key, i))
                posting = True
                await wire.timed(channel.send(**kwargs), self.timeout, watch)
                posting = False
                if delivery is not None:
                    await delivery.sent(i)
        except asyncio.TimeoutError:
            raise DeliveryFailed("no answer from Discord", unknown=posting or verifying) from None
        except discord.RateLimited as err:  # a 429 (or discord.py's own count) before anything was created
            raise DeliveryFailed("rate limited", retry_after=err.retry_after, unknown=verifying,
                                 kind=Reason.RATE_LIMITED, everywhere=watch.global_limit) from err
        except discord.Forbidden as err:
            closed = err.code == CANNOT_DM
            reason = "dms_closed" if closed else f"forbidden ({err.code})"
            log.info("DM to %s refused: %s", recipient.user, reason)
            raise DeliveryFailed(reason, permanent=True, kind=Reason.DMS_CLOSED if closed else Reason.OTHER) from err
        except discord.NotFound as err:
            raise DeliveryFailed(f"not found ({err.code})", permanent=err.code in (UNKNOWN_USER, UNKNOWN_CHANNEL),
                                 kind=Reason.NOT_FOUND) from err
        except discord.DiscordServerError as err:
            raise DeliveryFailed(f"discord error {err.status}", unknown=posting or verifying) from err
        except discord.HTTPException as err:
            if err.status == 429:  # discord.py gave up waiting (or a proxy said so): the sweep waits per workspace
                try:
                    wait = float(err.response.headers.get("Retry-After", "") or 1)
                except (AttributeError, ValueError):
                    wait = 1.0
                raise DeliveryFailed("rate limited", retry_after=wait, unknown=verifying, kind=Reason.RATE_LIMITED) from err
            if err.status == 401:  # the token was reset or the application deleted: no DM will go out
                raise DeliveryFailed("unauthorized (401)", permanent=True, kind=Reason.ACCESS_REVOKED) from err
            permanent = 400 <= err.status < 500 and err.status != 429
            raise DeliveryFailed(f"discord error {err.status} ({err.code})", permanent=permanent) from err
        except aiohttp.ClientConnectorError as err:
            raise DeliveryFailed(f"network: {type(err).__name__}", kind=Reason.NETWORK) from err
        except (aiohttp.ClientError, OSError) as err:
            raise DeliveryFailed(f"network: {type(err).__name__}", unknown=posting, kind=Reason.NETWORK) from err
        except ValueError as err:  # a user id that is not a snowflake
            raise DeliveryFailed("bad recipient", permanent=True) from err
