"""How the core reaches a user outside a request: a direct message.

Each adapter implements `Notifier` for its platform; the scheduler hands it
the replies to deliver. A delivery either succeeds or raises
`DeliveryFailed`, with `permanent=True` when retrying is pointless (DMs
closed, user gone, app uninstalled).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from bot.replies import Reply


@dataclass(frozen=True)
class Recipient:
    platform: str
    workspace: str
    user: str


class DeliveryFailed(Exception):
    def __init__(self, reason: str, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


class Notifier(Protocol):
    platform: str

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        """Deliver the replies as one direct message, or raise DeliveryFailed."""
        ...
