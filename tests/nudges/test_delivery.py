"""Delivery faults: retries with backoff, recorded failures, crashes, and two sweeps racing."""
from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from bot.nudges import sweep as sweep_module
from bot.nudges.delivery import DeliverySettings
from bot.nudges.sweep import MAX_ATTEMPTS, run_sweep
from bot.core import Core
from storage.records import Owner
from storage.store import Store
from tests.nudges.conftest import RecordingNotifier, utc

OWNER = Owner("W1", "U1")
AT = utc(2026, 11, 25, 9)


@pytest.fixture
def overdue(books):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")


async def test_transient_failures_are_retried_with_backoff_and_sent_once(overdue, sweep, notifier, store):
    notifier.fail_next = 2
    report = await sweep(AT)
    assert report.count("retry") == 1 and notifier.sent == []
    msg = store.nudges.pending()[0]
    assert msg.status == "pending" and msg.attempts == 1 and msg.last_error == "network"
    await sweep(AT + timedelta(minutes=1))  # too early for the next attempt
    assert notifier.attempts == 1
    await sweep(AT + timedelta(minutes=2))
    assert notifier.attempts == 2 and notifier.sent == []
    await sweep(AT + timedelta(minutes=4))  # the second wait is longer
    assert notifier.attempts == 2
    await sweep(AT + timedelta(minutes=7))
    assert len(notifier.sent) == 1
    await sweep(AT + timedelta(hours=2))
    assert len(notifier.sent) == 1
    assert store.nudges.failures(OWNER) == []


async def test_permanent_failure_is_recorded_and_shown_in_invoice_list(overdue, sweep, notifier, store, say):
    notifier.permanent = True
    report = await sweep(AT)
    assert report.count("failed") == 1 and notifier.attempts == 1
    await sweep(AT + timedelta(hours=1))
    assert notifier.attempts == 1  # pointless to retry
    failures = store.nudges.failures(OWNER)
    assert [(f.ref, f.stage, f.reason) for f in failures] == [("INV-1", "friendly", "cannot_dm")]
    listing = say("/invoice list")[0].plain()
    assert "could not be delivered" in listing and "cannot_dm" in listing
    # Once the invoice is paid, the failure no longer matters.
    say("/invoice paid INV-1")
    assert store.nudges.failures(OWNER) == []


async def test_repeated_transient_failures_end_as_a_recorded_failure(overdue, sweep, notifier, store):
    notifier.fail_next = 100
    at = AT
    for _ in range(MAX_ATTEMPTS):
        await sweep(at)
        at += timedelta(hours=1)
    assert notifier.attempts == MAX_ATTEMPTS and notifier.sent == []
    assert [f.attempts for f in store.nudges.failures(OWNER)] == [MAX_ATTEMPTS]
    await sweep(at + timedelta(days=1))
    assert notifier.attempts == MAX_ATTEMPTS


class Crash(BaseException):
    """The process dies mid-sweep (not an error the sweep could catch)."""


class CrashingNotifier(RecordingNotifier):
    async def send_dm(self, recipient, replies):  # type: ignore[no-untyped-def]
        raise Crash()


async def test_crash_between_claim_and_delivery_delivers_later(overdue, store_url, notifier):
    # A short lease: on PostgreSQL leases run on the database's clock, which the test's clock does not move.
    settings = DeliverySettings(lease=timedelta(seconds=1), heartbeat=timedelta(seconds=5))
    first = Store(store_url)
    with pytest.raises(Crash):
        await run_sweep(first, {"console": CrashingNotifier()}, AT, core=Core(first, lambda: AT), settings=settings)
    first.close()  # the process is gone; the claim is on disk, the delivery is not
    await asyncio.sleep(1.5)  # the dead sweep's lease runs out, on every clock
    second = Store(store_url)
    later = AT + timedelta(minutes=15)
    report = await run_sweep(second, {"console": notifier}, later, core=Core(second, lambda: later), settings=settings)
    assert report.claimed == 0 and report.count("delivered") == 1
    assert len(notifier.sent) == 1 and "INV-1" in notifier.texts[0]
    second.close()


async def test_claim_without_delivery_is_never_skipped(overdue, store, core, notifier):
    report = sweep_module.SweepReport(at=AT)
    sweep_module.claim_due(store, core, AT, report)  # claimed, then the process stopped
    assert report.claimed == 1
    later = AT + timedelta(hours=3)
    await run_sweep(store, {"console": notifier}, later, core=core)
    assert len(notifier.sent) == 1


async def test_paid_before_delivery_is_not_sent(overdue, store, core, notifier, say):
    sweep_module.claim_due(store, core, AT, sweep_module.SweepReport(at=AT))
    say("/invoice paid INV-1")
    report = await run_sweep(store, {"console": notifier}, AT, core=core)
    assert report.count("cancelled") == 1 and notifier.sent == []


async def test_no_notifier_for_the_platform_leaves_it_pending(overdue, store, core, notifier):
    report = await run_sweep(store, {"slack": RecordingNotifier(platform="slack")}, AT, core=core)
    assert report.count("no_notifier") == 1
    await run_sweep(store, {"console": notifier}, AT + timedelta(minutes=5), core=core)
    assert len(notifier.sent) == 1


def test_two_sweeps_racing_on_one_file_send_each_nudge_once(books, store_url):
    books.user("UTC", 9)
    for n in range(12):
        books.client(f"Client {n}")
        books.invoice(f"INV-{n}a", "2026-11-18", client=f"Client {n}")
        books.invoice(f"INV-{n}b", "2026-11-10", client=f"Client {n}")
    notifier = RecordingNotifier()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        store = Store(store_url)
        try:
            barrier.wait()
            asyncio.run(run_sweep(store, {"console": notifier}, AT, core=Core(store, lambda: AT)))
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            store.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(notifier.sent) == 12
    texts = notifier.texts
    for n in range(12):
        assert sum(f"INV-{n}a" in t for t in texts) == 1 and sum(f"INV-{n}b" in t for t in texts) == 1


async def test_followups_are_delivered_by_the_same_sweep(books, store, core, notifier, monkeypatch):
    import bot.dialogue
    from bot.replies import Reply

    books.user("UTC", 9)
    books.client()
    client = store.clients.by_name(OWNER, "Acme")
    monkeypatch.setattr(bot.dialogue, "followup_replies",
                        lambda ctx, f: [Reply(title="Decide about Acme", text=f.payload["note"])], raising=False)
    store.followups.add(OWNER, "console", "decide", AT + timedelta(days=3), {"note": "cool head"},
                        client_id=client.id, key="k1", now=AT)
    await run_sweep(store, {"console": notifier}, AT, core=core)
    assert notifier.sent == []
    failing = RecordingNotifier(fail_next=1)
    later = AT + timedelta(days=3)
    report = await run_sweep(store, {"console": failing}, later, core=core)
    assert report.count("retry", kind="followup") == 1
    await run_sweep(store, {"console": notifier}, later + timedelta(hours=1), core=core)
    await run_sweep(store, {"console": notifier}, later + timedelta(hours=2), core=core)
    assert notifier.texts == ["Decide about Acme\ncool head"]


async def test_the_dialogues_decide_followup_arrives_through_the_sweep(books, store, core, notifier):
    books.user("UTC", 9)
    books.client()
    client = store.clients.by_name(OWNER, "Acme")
    store.followups.add(OWNER, "console", "decide", AT, {"client_name": "Acme"}, client_id=client.id, key="d1", now=AT)
    report = await run_sweep(store, {"console": notifier}, AT, core=core)
    assert report.count("delivered", kind="followup") == 1
    assert len(notifier.sent) == 1 and "Acme" in notifier.texts[0]
    await run_sweep(store, {"console": notifier}, AT + timedelta(hours=1), core=core)
    assert len(notifier.sent) == 1
