"""The structure that keeps the event loop free during a big sweep, asserted without a stopwatch.

The loop stalled during a 10 000-due sweep because of what the sweep kept
alive, not because of where it ran: every plan was built before the first
claim, and a full garbage collection over ~100 000 objects (started in the
claiming thread, but stopping every thread) held the loop for 50–150 ms
(`python -m bench.delivery 10000 --why` showed it). These tests pin the
structure instead of timing it: no SQL on the loop's thread, a bounded number
of tasks, and no per-reminder object alive beyond the one client being
claimed or the DMs in flight, for a small and a larger sweep alike.
"""
from __future__ import annotations

import asyncio
import gc
import threading
from typing import Sequence

import pytest

from bot.notify import Recipient
from bot.nudges import sweep as sweep_module
from bot.nudges.delivery import DeliverySettings, Job
from bot.nudges.report import Outcome
from bot.nudges.sweep import Plan, run_sweep
from bot.context import Context
from bot.replies import Reply
from storage.records import Candidate
from tests.nudges.conftest import utc

AT = utc(2026, 11, 25, 9)
CONCURRENCY = 3
PER_SWEEP = (Plan, Candidate, Context, Outcome, Job)  # made once per due invoice, client or DM


def live() -> dict[type, int]:
    """Objects still reachable: garbage not yet collected is not alive, whatever the timing."""
    gc.collect()
    counts = {cls: 0 for cls in PER_SWEEP}
    for obj in gc.get_objects():
        cls = type(obj)
        if cls in counts:
            counts[cls] += 1
    return counts


class WatchingNotifier:
    """A DM endpoint that, at every DM, notes the tasks alive and the per-sweep objects alive."""

    platform = "console"

    def __init__(self) -> None:
        self.sent: list[Recipient] = []
        self.tasks: list[int] = []
        self.alive: list[dict[type, int]] = []

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        self.tasks.append(len(asyncio.all_tasks()))
        if len(self.sent) % 5 == 0:  # a look at the heap every fifth DM is plenty
            self.alive.append(live())
        await asyncio.sleep(0)  # let the other DMs in flight run, as a network call would
        self.sent.append(recipient)


@pytest.fixture
def due(books):
    """`n` clients with one overdue invoice each, for one user."""

    def _due(n: int) -> None:
        books.user("UTC", 9)
        for i in range(n):
            books.client(f"Client {i}")
            books.invoice(f"INV-{i}", "2026-11-18", client=f"Client {i}")

    return _due


@pytest.mark.parametrize("n", [6, 30])
# SQLite alone: the SQL is seen through the SQLite connection's trace callback (the store runs compiled SQL
# straight on the driver's connection, where PostgreSQL's driver has no such hook); the threads that run it
# are the same code on both engines.
@pytest.mark.parametrize("engine", ["sqlite"])
async def test_a_sweep_runs_no_sql_on_the_loop_and_keeps_nothing_per_reminder_alive(n, due, store, core, clock,
                                                                                    monkeypatch):
    due(n)
    clock.set(AT)
    loop_thread = threading.get_ident()
    sql_threads: list[int] = []
    store.database.conn.set_trace_callback(lambda _sql: sql_threads.append(threading.get_ident()))

    claims: list[tuple[int, dict[type, int], int]] = []
    real_claim = sweep_module.claim

    def watched_claim(store_, at, plan, now=None, opened=None):  # type: ignore[no-untyped-def]
        claims.append((threading.get_ident(), live(), len(plan.decisions)))
        return real_claim(store_, at, plan, now, opened)

    monkeypatch.setattr(sweep_module, "claim", watched_claim)
    notifier = WatchingNotifier()
    try:
        report = await run_sweep(store, {"console": notifier}, AT, core=core,
                                 settings=DeliverySettings(concurrency=CONCURRENCY))
    finally:
        store.database.conn.set_trace_callback(None)

    assert report.claimed == n and report.count("delivered") == n and len(notifier.sent) == n

    # Off the loop: every statement of the sweep (scan, plan, claim, lease, mark) ran in a worker thread.
    assert sql_threads and loop_thread not in sql_threads
    assert len(claims) == n and all(thread != loop_thread for thread, _, _ in claims)

    # Claiming: one client's plan at a time, never the whole sweep's plans or candidates at once. Each
    # batch is delivered while the next is claimed, so the DMs in flight (bounded by the pool) overlap it.
    for _, alive, decisions in claims:
        assert alive[Plan] <= 1, alive
        assert alive[Candidate] <= decisions, alive
        assert alive[Job] <= CONCURRENCY and alive[Outcome] <= 2 * CONCURRENCY, alive

    # Delivering: a bounded pool, not a task per DM; only the DMs in flight are objects.
    # Workers, their heartbeats, the feeder and this test; a heartbeat just cancelled may linger one step.
    assert max(notifier.tasks) <= 3 * CONCURRENCY + 2 < 30
    for alive in notifier.alive:
        # at most the one plan being claimed meanwhile (each client here has one invoice)
        assert alive[Plan] <= 1 and alive[Candidate] <= 1, alive
        # An outcome lives from its DM's end until the report takes it as a row: one per worker, and on a
        # busy machine one more per worker waiting to be taken. Bounded by the pool, never by the sweep's size.
        assert alive[Job] <= CONCURRENCY and alive[Outcome] <= 2 * CONCURRENCY < 30, alive

    # The report keeps every outcome, as rows the collector does not traverse.
    gc.collect()
    assert live()[Outcome] == 0
    assert [o.status for o in report.outcomes] == ["delivered"] * n
    assert report.outcomes[0].kind == "nudge" and report.outcomes[-1].status == "delivered"


async def test_scanned_rows_are_untracked_by_the_collector_and_claimed_client_by_client(due, store, clock):
    due(12)
    rows = sweep_module.scan(store, AT)
    gc.collect()
    assert len(rows) == 12
    assert not any(gc.is_tracked(row) for row in rows)  # a full collection never walks them
    grouped = list(sweep_module.groups(rows))
    assert len(grouped) == 12 and all(isinstance(c, Candidate) for _, cands in grouped for c in cands)
    assert len({key for key, _ in grouped}) == 12  # each client exactly once


async def test_a_client_s_invoices_are_claimed_together_even_when_the_scan_pages_split_them(books, store, core,
                                                                                           monkeypatch):
    """Rows arrive in index order (due date, id); grouping must still give one DM per client."""
    books.user("UTC", 9)
    books.client("Acme")
    books.client("Beta")
    books.invoice("A-1", "2026-11-10", client="Acme")
    books.invoice("B-1", "2026-11-11", client="Beta")
    books.invoice("A-2", "2026-11-12", client="Acme")
    monkeypatch.setattr(sweep_module, "PAGE", 1)  # every row its own page
    rows = sweep_module.scan(store, AT)
    grouped = [(key[2], [c.invoice_id for c in cands]) for key, cands in sweep_module.groups(rows)]
    assert len(grouped) == 2 and [len(ids) for _, ids in grouped] == [2, 1]  # Acme first: it appears first
    from tests.nudges.conftest import RecordingNotifier

    notifier = RecordingNotifier()
    report = await run_sweep(store, {"console": notifier}, AT, core=core)
    assert report.claimed == 3 and len(notifier.sent) == 2
