"""Helpers for the reminder tests: a recording notifier and a sweep at a chosen moment."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Sequence

import pytest

from bot.notify import DeliveryFailed, Recipient
from bot.nudges.sweep import SweepReport, run_sweep
from bot.replies import Reply


@dataclass
class RecordingNotifier:
    """Stands in for a chat platform's DM endpoint; can fail on demand."""

    platform: str = "console"
    sent: list[tuple[Recipient, tuple[Reply, ...]]] = field(default_factory=list)
    fail_next: int = 0  # transient failures to raise before succeeding
    permanent: bool = False  # every delivery fails for good (DMs closed)
    attempts: int = 0

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        self.attempts += 1
        if self.permanent:
            raise DeliveryFailed("cannot_dm", permanent=True)
        if self.fail_next > 0:
            self.fail_next -= 1
            raise DeliveryFailed("network")  # a transient failure (rate limits: tests/faults)
        self.sent.append((recipient, tuple(replies)))

    @property
    def texts(self) -> list[str]:
        return ["\n".join(r.plain() for r in replies) for _, replies in self.sent]

    def reset(self) -> None:
        self.sent.clear()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def sweep(store, core, clock, notifier):
    """Run one sweep as of the clock (or `at`)."""

    async def _sweep(at: datetime | None = None, notifiers=None) -> SweepReport:
        if at is not None:
            clock.set(at)
        return await run_sweep(store, notifiers or {"console": notifier}, clock.now, core=core)

    return _sweep


@pytest.fixture
def books(say):
    """Set up a user, clients and invoices through the real commands."""

    class Books:
        def user(self, tz: str = "Europe/Amsterdam", hour: int = 9, user: str = "U1", lang: str = "en",
                 digest: str = "off") -> None:
            # The weekly digest (issue 21) rides the same sweep; reminder tests count reminders alone.
            replies = say(f"/redflag settings tz={tz} hour={hour} lang={lang} digest={digest}", user=user)
            assert not replies[0].is_error, replies[0].plain()

        def client(self, name: str = "Acme", user: str = "U1", terms: int = 30) -> None:
            replies = say(f'/client add "{name}" terms={terms} currency=EUR', user=user)
            assert not replies[0].is_error, replies[0].plain()

        def invoice(self, ref: str, due: str, amount: str = "1200", client: str = "Acme", issued: str = "2026-06-01",
                    currency: str = "EUR", user: str = "U1") -> None:
            replies = say(f'/invoice add "{client}" {amount} {currency} issued={issued} due={due} ref={ref}', user=user)
            assert not replies[0].is_error, replies[0].plain()

    return Books()
