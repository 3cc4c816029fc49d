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


def frozen(pid: int):
    """A slow command's worker process frozen (SIGSTOP) for the block: a command in it takes as long as the
    test needs, as a long report would (bot/slow_process.py); SIGCONT after, whatever happened."""
    import contextlib
    import os
    import signal

    @contextlib.contextmanager
    def held():
        os.kill(pid, signal.SIGSTOP)
        try:
            yield pid
        finally:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:  # the test killed it
                pass

    return held()
