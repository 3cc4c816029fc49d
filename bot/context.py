"""Everything a handler needs about the person it answers, resolved once per event.

It carries the store the handler reads and writes (not the core: a handler
never routes another event), and the person as `bot/who.py` resolved them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.events import Address
from bot.i18n import Messages
from storage.records import Owner, UserSettings

if TYPE_CHECKING:
    from storage.store import Store


@dataclass(frozen=True)
class Context:
    """Everything a handler needs about one request, resolved once: who, where, their settings and clock."""
    store: "Store"
    address: Address
    owner: Owner
    settings: UserSettings
    t: Messages
    tz: ZoneInfo
    now: datetime  # UTC, from the core's clock
    request_id: str | None = None

    @property
    def language(self) -> str:
        return self.t.language

    @property
    def today(self) -> date:
        """Today in the user's own time zone."""
        return self.now.astimezone(self.tz).date()
