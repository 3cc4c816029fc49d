"""How the core reaches a user outside a request: a direct message.

Each adapter implements `Notifier` for its platform; the scheduler hands it
the replies to deliver. A delivery either succeeds or raises
`DeliveryFailed`, with `permanent=True` when retrying is pointless (DMs
closed, user gone, app uninstalled) and `unknown=True` when the request went
out but no answer came back (it may have arrived). The adapter translates
its platform's failure into the core's own `Reason` (what the user is told
in `/invoice list`); `reason` keeps the platform's words for the operator.

A notifier that can make delivery exactly once also takes a `Delivery`: a
key naming the ledger entry (Slack message metadata, Discord nonce), the
first part still to send, the part whose outcome is unknown (to look for
before resending), and two callbacks that record each part before and after
it is posted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Awaitable, Callable, Protocol, Sequence

from bot.replies import Reply


@dataclass(frozen=True)
class Recipient:
    """Whom a DM goes to, across platforms."""
    platform: str
    workspace: str
    user: str


class Reason(str, Enum):
    """Why a DM did not arrive, in the core's words; each adapter maps its platform's codes onto these."""

    DMS_CLOSED = "dms_closed"  # the person does not accept DMs from the bot
    NOT_INSTALLED = "not_installed"  # the app is not installed where the person is
    ACCESS_REVOKED = "access_revoked"  # the bot's token was revoked or is no longer valid
    NOT_FOUND = "not_found"  # the person or their DM channel does not exist (any more)
    RATE_LIMITED = "rate_limited"  # the platform asked the bot to slow down
    NETWORK = "network"  # the platform could not be reached, or failed on its side
    OTHER = "other"  # anything else: the platform's own words are shown

    @classmethod
    def of(cls, value: str | None) -> "Reason":
        """A stored value back as a Reason (OTHER for none or one this version does not know)."""
        try:
            return cls(value)
        except ValueError:
            return cls.OTHER


class DeliveryFailed(Exception):
    def __init__(self, reason: str, permanent: bool = False, retry_after: float | None = None,
                 unknown: bool = False, kind: Reason = Reason.OTHER, everywhere: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason  # the platform's own words ("channel_not_found", "not found (10013)")
        self.kind = kind
        self.permanent = permanent
        self.retry_after = retry_after
        self.unknown = unknown  # sent, but the answer was lost: look before resending
        self.everywhere = everywhere  # the rate limit is the bot's own on this platform, not one workspace's


@dataclass(frozen=True)
class Delivery:
    """One attempt at one DM, as the sweep's ledger sees it."""

    key: str  # names the ledger entry, e.g. "nudge-12"; stable across attempts
    start: int  # parts before this one arrived
    unknown_part: int | None  # this part may have arrived: verify before resending it
    unknown_since: datetime | None
    sending: Callable[[int], Awaitable[None]]  # call before posting part i
    sent: Callable[[int], Awaitable[None]]  # call once part i is known to have arrived


class Notifier(Protocol):
    platform: str

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        """Deliver the replies as one direct message, or raise DeliveryFailed."""
        ...
