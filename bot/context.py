"""Everything a handler needs about the person it answers, resolved once per event."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.events import Address
from bot.i18n import Messages
from storage.records import Owner, UserSettings

if TYPE_CHECKING:
    from bot.core import Core
    from storage.store import Store


@dataclass(frozen=True)
class Context:
    core: "Core"
    address: Address
    owner: Owner
    settings: UserSettings
    t: Messages
    tz: ZoneInfo
    now: datetime  # UTC, from the core's clock
    request_id: str | None = None

    @property
    def store(self) -> "Store":
        return self.core.store

    @property
    def language(self) -> str:
        return self.t.language

    @property
    def today(self) -> date:
        """Today in the user's own time zone."""
        return self.now.astimezone(self.tz).date()
