"""Several sweepers on one PostgreSQL (issue 16): disjoint batches, the work shared, each DM exactly once,
and leases on the database's clock, so a sweeper whose host clock runs ahead never takes a live lease.

The sweepers are real `redflag nudges run` processes posting to the fake Slack Web API of tests/slack;
the batches and leases are checked on the real database.
"""
from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))

from bot.core import Core  # noqa: E402
from bot.events import Address, Command  # noqa: E402
from bot.nudges.delivery import DeliverySettings  # noqa: E402
from bot.nudges.sweep import SweepReport, claim_due, run_sweep  # noqa: E402
from slack_harness import BOT_TOKEN, SIGNING_SECRET, STEVE, started_fake  # noqa: E402
from storage.store import Store  # noqa: E402
from tests.nudges.conftest import RecordingNotifier, utc  # noqa: E402

pytestmark = pytest.mark.parametrize("engine", ["postgresql"])

USER = Address(platform="slack", workspace="T1", user="U1", channel="C1", locale="en-US", timezone="Europe/Amsterdam")
AT = "2026-11-25T09:00:00+00:00"
CLIENTS = 24


def books(core: Core, clients: int, platform_user: Address = USER) -> None:
    for n in range(clients):
        core.handle(Command(platform_user, "client", f'add "Client {n}" currency=EUR'))
        core.handle(Command(platform_user, "invoice", f'add "Client {n}" 400 issued=2026-10-01 due=2026-11-01 ref=LATE-{n}'))


async def test_two_sweeper_processes_share_the_work_and_send_each_dm_once(engine, store, core, store_url):
    books(core, CLIENTS)
    fake = await started_fake(STEVE)
    try:
        fake.slow("chat.postMessage", 0.15)  # long enough that both sweepers are delivering at once
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
        environ.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.url,
                        "REDFLAG_DATABASE_URL": store_url, "REDFLAG_NUDGE_BATCH": "2",
                        "REDFLAG_NUDGE_CONCURRENCY": "2"})
        redflag = Path(sys.executable).with_name("redflag")
        procs = [await asyncio.create_subprocess_exec(str(redflag), "nudges", "run", "--at", AT, env=environ,
                                                      stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
                 for _ in range(2)]
        outputs = [await asyncio.wait_for(p.communicate(), timeout=120) for p in procs]
        for p, (_, err) in zip(procs, outputs):
            assert p.returncode == 0, err.decode()
        reports = [out.decode() for out, _ in outputs]

        # What Slack saw: one post per client's DM, none twice.
        by_delivery = fake.posts_by_delivery()
        assert len(fake.calls_to("chat.postMessage")) == CLIENTS
        assert len(by_delivery) == CLIENTS and set(by_delivery.values()) == {1}
        texts = " ".join(str(c.params) for c in fake.calls_to("chat.postMessage"))
        assert all(len(re.findall(rf"LATE-{n}\b", texts)) >= 1 for n in range(CLIENTS))

        # Each sweeper delivered a share; the claims add up to one per invoice (each claimed once).
        delivered = [len(re.findall(r"^• .*#\d+: ", r, re.M)) for r in reports]
        claimed = [int(re.search(r"queued for sending: (\d+)", r).group(1)) for r in reports]  # type: ignore[union-attr]
        assert sum(delivered) == CLIENTS and all(n > 0 for n in delivered), reports
        assert sum(claimed) == CLIENTS, reports
        rows = store.database.rows("SELECT status, count(*) FROM nudge_messages GROUP BY status")
        assert dict(rows) == {"delivered": CLIENTS}
        assert store.database.rows("SELECT count(*) FROM nudge_ledger")[0][0] == CLIENTS
    finally:
        await fake.stop()


def test_batches_on_one_postgresql_are_disjoint_and_never_wait(engine, store, core, store_url):
    """A sweeper holding a batch's locks neither blocks another nor gives it the same clients."""
    books(core, 6)
    horizon = datetime(2026, 11, 26).date()
    other = Store(store_url)
    first_batch: list[int] = []
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with store.database.transaction():
            first_batch.extend(store.invoices.due_clients(horizon, 0, 3))
            held.set()
            release.wait(60)

    holder = threading.Thread(target=first)
    holder.start()
    try:
        assert held.wait(30)
        second: list[int] = []
        taker = threading.Thread(target=lambda: second.extend(_locked_batch(other, horizon)))
        taker.start()
        taker.join(30)
        assert not taker.is_alive(), "the second sweeper waited on the first one's locks"
        assert len(first_batch) == 3 and len(second) == 3 and not set(first_batch) & set(second)
    finally:
        release.set()
        holder.join()
        other.close()
    # Once the first batch is given back (nothing claimed), it can be taken again.
    with store.database.transaction():
        assert store.invoices.due_clients(horizon, 0, 6) == sorted(first_batch + second)


def _locked_batch(store: Store, horizon) -> list[int]:  # type: ignore[no-untyped-def]
    with store.database.transaction():
        return store.invoices.due_clients(horizon, 0, 3)


async def test_a_sweeper_whose_clock_runs_ahead_never_takes_a_live_lease(engine, store, core):
    """Leases run on the database's clock: an hour of skew on one host does not expire another's lease."""
    books(core, 1)
    at = utc(2026, 11, 25, 9)
    claim_due(store, core, at, SweepReport(at=at), datetime.now(timezone.utc))
    [message_id] = [r[0] for r in store.database.rows("SELECT id FROM nudge_messages")]
    real_now = datetime.now(timezone.utc)
    state = store.nudges.delivery
    assert state.lease_nudge(message_id, "sweeper-a", real_now, real_now + timedelta(minutes=10)) is not None

    # Another sweeper, its host clock an hour ahead: on its clock sweeper A's lease ran out long ago.
    ahead = lambda: datetime.now(timezone.utc) + timedelta(hours=1)  # noqa: E731
    notifier = RecordingNotifier(platform="slack")
    report = await run_sweep(store, {"slack": notifier}, at, core=Core(store, ahead), clock=ahead,
                             settings=DeliverySettings(lease=timedelta(minutes=10)))
    assert notifier.sent == [] and notifier.attempts == 0
    assert report.count("delivered") == 0
    assert state.lease_nudge(message_id, "sweeper-b", ahead(), ahead() + timedelta(minutes=10)) is None

    # The lease it would take itself is also on the database's clock: ten minutes from the database's now,
    # not from its own skewed one.
    state.release("nudge", message_id, "sweeper-a")
    assert state.lease_nudge(message_id, "sweeper-b", ahead(), ahead() + timedelta(minutes=10)) is not None
    until = datetime.fromisoformat(store.database.rows("SELECT lease_until FROM nudge_messages")[0][0])
    db_now = store.database.rows("SELECT clock_timestamp()")[0][0]
    assert timedelta(minutes=9) <= until - db_now <= timedelta(minutes=10)
    # and its heartbeat renews from the database's now too
    assert state.renew("nudge", message_id, "sweeper-b", ahead() + timedelta(minutes=10), ahead())
    until = datetime.fromisoformat(store.database.rows("SELECT lease_until FROM nudge_messages")[0][0])
    assert until - store.database.rows("SELECT clock_timestamp()")[0][0] <= timedelta(minutes=10)
