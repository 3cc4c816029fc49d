"""What `redflag` starts: one `Service` per configured surface, all on one asyncio loop."""
from __future__ import annotations

from typing import Protocol

from bot.notify import Notifier


class Service(Protocol):
    name: str  # "slack" | "discord" | "console"
    notifier: Notifier | None  # how the scheduler DMs this surface's users

    async def stop(self) -> None: ...
