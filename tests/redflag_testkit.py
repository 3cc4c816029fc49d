"""Test helpers importable from any test module (conftest modules shadow each other by name)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.events import Address
from bot.replies import Reply


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def set(self, dt: datetime) -> None:
        self.now = dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


def address(user: str = "U1", workspace: str = "W1", platform: str = "console", locale: str | None = None, timezone_name: str | None = None) -> Address:
    return Address(platform=platform, workspace=workspace, user=user, channel="C1", locale=locale, timezone=timezone_name)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.plain() for r in replies)
