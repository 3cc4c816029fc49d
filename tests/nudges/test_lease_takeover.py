"""A sweep slower than its lease: the DM another sweep took over is never posted by both.

Seen under the chaos test (tests/chaos): on a loaded machine a sweep's heartbeat
was starved past the lease, a second sweep leased the DM and posted it, and the
first one, still alive, posted it too — `sending` did not check that the lease
was still its own.
"""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Sequence

import pytest

from storage.db import from_iso, to_iso
from bot.notify import Delivery, Recipient
from bot.replies import Reply
from tests.nudges.conftest import utc

AT = utc(2026, 11, 25, 9)
#: Both engines every run: the shared database of many workers is PostgreSQL.
pytestmark = pytest.mark.parametrize("engine", ["sqlite", "postgresql"])


@pytest.fixture
def overdue(books):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")


class SlowNotifier:
    """Posts like a platform would, but stalls before posting while another sweep takes the DM over."""

    platform = "console"

    def __init__(self, store, clock) -> None:
        self.store, self.clock = store, clock
        self.posted: list[str] = []

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply], delivery: Delivery | None = None) -> None:
        assert delivery is not None
        message_id = int(delivery.key.split("-")[1])
        later = self.clock.now + timedelta(hours=1)  # past this sweep's lease: the heartbeat never ran
        # ...on both clocks: PostgreSQL's leases run on the database's, which the test clock does not move
        await asyncio.to_thread(self.store.database.execute, "UPDATE nudge_messages SET lease_until = ? WHERE id = ?",
                                (to_iso(self.clock.now - timedelta(hours=1)), message_id))
        taken = await asyncio.to_thread(self.store.nudges.delivery.lease_nudge, message_id, "other-sweep",
                                        later, later + timedelta(minutes=10))
        assert taken is not None, "the expired lease should be free to take"
        await delivery.sending(0)
        self.posted.append(delivery.key)
        await delivery.sent(0)


async def test_a_sweep_that_lost_its_lease_does_not_post(overdue, sweep, store, clock):
    slow = SlowNotifier(store, clock)
    report = await sweep(AT, notifiers={"console": slow})
    assert slow.posted == [], "posted by a sweep whose lease another sweep held"
    assert report.count("delivered") == 0, [(o.status, o.error) for o in report.outcomes]
    assert report.count("left") == 1, [(o.status, o.error) for o in report.outcomes]
    row = store.database.one("SELECT status, lease_owner, inflight_part FROM nudge_messages")
    assert (row["status"], row["lease_owner"], row["inflight_part"]) == ("pending", "other-sweep", None)


def test_sending_is_refused_to_a_token_that_no_longer_holds_the_lease(overdue, store, core, notifier):
    from bot.nudges.sweep import SweepReport, claim_due

    claim_due(store, core, AT, SweepReport(at=AT))
    message_id = store.database.one("SELECT id FROM nudge_messages")["id"]
    state = store.nudges.delivery
    # A's lease runs out: on SQLite by the caller's clock (B comes 2 s later), on PostgreSQL by the
    # database's own clock, which only real time moves (hence the short lease and the sleep).
    assert state.lease_nudge(message_id, "A", AT, AT + timedelta(seconds=0.3)) is not None
    time.sleep(0.5)
    assert state.lease_nudge(message_id, "B", AT + timedelta(seconds=2), AT + timedelta(seconds=3)) is not None
    before = from_iso(store.database.one("SELECT lease_until FROM nudge_messages")["lease_until"])
    assert state.sending("nudge", message_id, "A", 0, AT + timedelta(seconds=2)) is False
    assert state.sending("nudge", message_id, "B", 0, AT + timedelta(seconds=2), AT + timedelta(seconds=9)) is True
    row = store.database.one("SELECT lease_owner, inflight_part, lease_until FROM nudge_messages")
    assert (row["lease_owner"], row["inflight_part"]) == ("B", 0)
    pushed = (from_iso(row["lease_until"]) - before).total_seconds()
    assert 6 <= pushed < 8, pushed  # pushed on by the 6 s asked for, on the leases' clock


def test_each_leased_table_has_the_statements_its_owner_asks_for(store) -> None:
    """Every table a `LeasedRows` holds has its lease statements made (`storage/sql/nudge_delivery.py`, from
    `LEASED`), ready-made for SQLite; `release` writes NULL, or '' where the column is NOT NULL."""
    from storage.compiled_sqlite import STATEMENTS
    from storage.nudge_delivery import LEASED

    held = [store.nudges.leases, store.followups.leases, store.alerts.leases]
    assert {rows.table for rows in held} == set(LEASED)
    assert {rows.table: rows.expired for rows in held} == {"nudge_messages": None, "nudge_followup_leases": "",
                                                          "alerts": ""}
    for rows in held:
        for what in ("READ", "RENEW", "SENDING", "SENDING_PUSH", "SENT", "NOT_SENT", "RELEASE"):
            assert f"storage.sql.nudge_delivery:{rows.table.upper()}_{what}" in STATEMENTS
