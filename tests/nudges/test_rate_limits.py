"""A `Retry-After` pauses one workspace's DMs; the other workspaces' DMs go on in the same sweep."""
from __future__ import annotations

from datetime import timedelta
from typing import Sequence

from bot.notify import DeliveryFailed, Recipient
from bot.nudges.delivery import DeliverySettings
from bot.nudges.sweep import run_sweep
from bot.replies import Reply
from tests.nudges.conftest import utc

AT = utc(2026, 11, 25, 9)


class OneWorkspaceLimited:
    """A platform whose rate limit has hit one workspace (W1) for ten minutes."""

    platform = "console"

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self.sent: list[Recipient] = []

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        self.attempts.append(recipient.workspace)
        if recipient.workspace == "W1":
            raise DeliveryFailed("ratelimited", retry_after=600)
        self.sent.append(recipient)


async def test_a_long_retry_after_holds_only_that_workspace(say, store, core, clock):
    for workspace in ("W1", "W2"):
        assert not say("/redflag settings tz=UTC hour=9 digest=off", workspace=workspace)[0].is_error
        for i in range(4):
            assert not say(f'/client add "C{i}" currency=EUR', workspace=workspace)[0].is_error
            reply = say(f'/invoice add "C{i}" 100 EUR issued=2026-06-01 due=2026-11-18 ref=R{i}', workspace=workspace)
            assert not reply[0].is_error, reply[0].plain()
    clock.set(AT)
    notifier = OneWorkspaceLimited()
    settings = DeliverySettings(concurrency=2, max_inline_wait=30)

    report = await run_sweep(store, {"console": notifier}, AT, core=core, settings=settings)

    assert report.claimed == 8
    assert sorted(r.workspace for r in notifier.sent) == ["W2"] * 4  # the other workspace went on
    assert notifier.attempts.count("W1") <= 2  # the first 429s paused W1: its other DMs were not tried
    rows = store.database.query("SELECT workspace, status, attempts, next_attempt_at FROM nudge_messages")
    w1 = [r for r in rows if r["workspace"] == "W1"]
    assert len(w1) == 4 and all(r["status"] == "pending" and r["attempts"] == 0 for r in w1)  # waiting is no failure
    resume = (AT + timedelta(seconds=600)).isoformat(timespec="seconds")
    assert all(r["next_attempt_at"] >= resume for r in w1)  # held for the whole Retry-After, across sweeps

    clock.set(AT + timedelta(minutes=5))  # a later sweep before the wait is over tries nothing in W1
    await run_sweep(store, {"console": notifier}, AT + timedelta(minutes=5), core=core, settings=settings)
    assert notifier.attempts.count("W1") <= 2

    class Open(OneWorkspaceLimited):
        async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
            self.sent.append(recipient)

    clock.set(AT + timedelta(minutes=11))
    after = Open()
    await run_sweep(store, {"console": after}, AT + timedelta(minutes=11), core=core, settings=settings)
    assert sorted(r.workspace for r in after.sent) == ["W1"] * 4  # then each once, none for W2 again
