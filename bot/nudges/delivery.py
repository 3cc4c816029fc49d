"""Delivering claimed DMs: concurrent, polite, exactly once, on the real clock.

A small pool of workers (`concurrency`, the bound on DMs in flight) takes
pending DMs by id: first each batch the sweep claims, as it commits (so
delivery starts with the first batch), then every other pending DM that is
due. For each one a worker takes a lease (on the database's clock on
PostgreSQL, so sweepers on hosts whose clocks disagree agree on who holds
it; on the injected real `clock` on SQLite, never the sweep's `--at`),
keeps it alive with a
heartbeat while the platform works, renders the DM from the invoices as they
are now and hands it to the platform's `Notifier` with a `Delivery`: the key
naming the ledger entry, the first part not yet delivered and the part whose
outcome is unknown. The part is marked in flight, and the lease pushed on, in one
statement that also checks the lease is still this sweep's: a sweep slower than
its lease (its heartbeat starved) whose DM another sweep took over never posts
beside it (`LeaseLost`). Database work runs in a worker thread, so the event loop
that also serves Slack and Discord only waits on the network.

Rate limits are per workspace: a `Retry-After` pauses that workspace's DMs
(the others go on; a limit on the bot itself, Discord's global one, pauses
every workspace on that platform for the rest of the sweep); a short one is waited out, a long one leaves the DM for a
later sweep without counting an attempt. A `stop` event (SIGTERM) lets the
DMs in flight finish and leaves the rest pending.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Awaitable, Callable, Mapping

from bot.notify import Delivery, DeliveryFailed, Notifier, Recipient
from bot.nudges.report import Outcomes
from storage.nudge_delivery import Lease

if TYPE_CHECKING:
    from bot.core import Core
    from bot.nudges.report import Outcome
    from bot.replies import Reply
    from storage.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: The pool's first source of DMs (`bot/nudges/sweep.py`): called with `put`, awaited until it is done.
Claims = Callable[[Callable[[int], Awaitable[None]]], Awaitable[None]]


def real_clock() -> datetime:
    return datetime.now(timezone.utc)


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class DeliverySettings:
    """Timings of delivery; the environment can shorten them (tests, small installations)."""

    lease: timedelta = timedelta(minutes=10)
    heartbeat: timedelta = timedelta(minutes=2)
    concurrency: int = 16
    #: How long after an unknown outcome the DM is looked for and, if absent, sent again.
    unknown_retry: timedelta = timedelta(minutes=1)
    #: Retry-After up to this is waited out within the sweep; longer leaves the DM for a later sweep.
    max_inline_wait: float = 30.0
    #: Multiplies the retry backoff (1 in production).
    backoff_scale: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "DeliverySettings":
        env = os.environ if env is None else env
        lease = _env_float(env, "REDFLAG_NUDGE_LEASE_SECONDS", 600)
        return cls(
            lease=timedelta(seconds=lease),
            heartbeat=timedelta(seconds=_env_float(env, "REDFLAG_NUDGE_HEARTBEAT_SECONDS", lease / 5)),
            concurrency=max(1, int(_env_float(env, "REDFLAG_NUDGE_CONCURRENCY", 16))),
            unknown_retry=timedelta(seconds=_env_float(env, "REDFLAG_NUDGE_UNKNOWN_RETRY_SECONDS", 60)),
            max_inline_wait=_env_float(env, "REDFLAG_NUDGE_MAX_INLINE_WAIT", 30),
            backoff_scale=_env_float(env, "REDFLAG_NUDGE_BACKOFF_SCALE", 1.0),
        )


class RateGate:
    """Per (platform, workspace): no request before the last `Retry-After` has passed.

    A limit on the bot itself (Discord's global one) pauses `(platform, "*")`: every workspace there.
    """

    def __init__(self) -> None:
        self._until: dict[tuple[str, str], float] = {}

    def pause(self, key: tuple[str, str], seconds: float) -> None:
        self._until[key] = max(self._until.get(key, 0.0), time.monotonic() + seconds)

    def remaining(self, key: tuple[str, str]) -> float:
        until = max(self._until.get(key, 0.0), self._until.get((key[0], "*"), 0.0))
        return max(0.0, until - time.monotonic())

    async def wait(self, key: tuple[str, str], stop: asyncio.Event) -> bool:
        """Wait out the pause; False if the sweep was asked to stop meanwhile."""
        while (left := self.remaining(key)) > 0:
            try:
                await asyncio.wait_for(stop.wait(), left)
                return False
            except asyncio.TimeoutError:
                pass
        return not stop.is_set()


class LeaseLost(Exception):
    """This sweep's lease was taken over (it was slower than the lease): it must not post the DM."""


@dataclass
class Job:
    """One DM ready to go: leased, rendered, with its recipient and notifier."""

    kind: str
    id: int
    lease: Lease
    recipient: Recipient
    notifier: Notifier
    replies: list["Reply"]
    attempts: int
    base: dict = field(default_factory=dict)


def _accepts_delivery(notifier: Notifier) -> bool:
    try:
        return "delivery" in inspect.signature(notifier.send_dm).parameters
    except (TypeError, ValueError):
        return False


class Deliverer:
    """Delivers every pending DM of one sweep (see the module docstring)."""

    def __init__(self, store: "Store", core: "Core", notifiers: Mapping[str, Notifier], at: datetime,
                 clock: Clock, settings: DeliverySettings, stop: asyncio.Event | None = None) -> None:
        self.store = store
        self.core = core
        self.notifiers = notifiers
        self.at = at
        self.clock = clock
        self.settings = settings
        self.stop = stop or asyncio.Event()
        self.gate = RateGate()
        self.token = uuid.uuid4().hex
        self.outcomes = Outcomes()  # plain tuples until read: see `Outcomes`
        # One thread for the sweep's database work: SQLite serialises writes anyway, and fewer threads
        # competing for the GIL keep the event loop's waits short.
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redflag-sweep")
        self._claiming = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redflag-claim")

    async def db(self, fn: Callable, *args: object):  # type: ignore[no-untyped-def]
        """Run one piece of database work off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)

    async def claiming(self, fn: Callable, *args: object):  # type: ignore[no-untyped-def]
        """The sweep's claims, on a thread of their own beside the deliveries' (both end with `run`)."""
        return await asyncio.get_running_loop().run_in_executor(self._claiming, fn, *args)

    def notifier_for(self, platform: str) -> Notifier | None:
        return self.notifiers.get(platform) or self.notifiers.get("*")

    # -- the pool ---------------------------------------------------------------------
    async def run(self, claims: "Claims | None" = None) -> "Outcomes":
        """Deliver until nothing is left: first what `claims` hands over (each claimed batch's DMs, as the
        sweep claims them), then every other pending DM due, the follow-ups and the alerts.

        An error while claiming stops the feeding; the DMs already in flight finish, then it is raised.
        """
        queue: asyncio.Queue[tuple[str, int] | None] = asyncio.Queue(maxsize=self.settings.concurrency * 4)
        workers = [asyncio.create_task(self._worker(queue)) for _ in range(self.settings.concurrency)]
        failed: list[BaseException] = []
        feeder = asyncio.create_task(self._feed(queue, claims, failed))
        try:
            await asyncio.gather(feeder, *workers)
        except BaseException:
            for task in (feeder, *workers):
                task.cancel()
            await asyncio.gather(feeder, *workers, return_exceptions=True)
            raise
        finally:
            # No database call of this sweep outlives it: the caller may close the store next, and a
            # connection closed under a running query can crash the process (SQLite).
            for pool in (self._claiming, self._db):
                await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)
        if failed:
            raise failed[0]
        return self.outcomes

    async def _feed(self, queue: asyncio.Queue, claims: "Claims | None" = None,
                    failed: list[BaseException] | None = None) -> None:
        queued: set[int] = set()  # handed over by the claims: the pending pass below skips them

        async def put_nudge(message_id: int) -> None:
            if message_id not in queued:
                queued.add(message_id)
                await queue.put(("nudge", message_id))

        try:
            if claims is not None:
                try:
                    await claims(put_nudge)
                except Exception as err:
                    if failed is None:
                        raise
                    failed.append(err)
                    return
            after = 0
            while not self.stop.is_set():
                ids = await self.db(self.store.nudges.delivery.deliverable_ids, self.clock(), after, 500)
                for message_id in ids:
                    await put_nudge(message_id)
                if len(ids) < 500:
                    break
                after = ids[-1]
            if not self.stop.is_set():
                for f in await self.db(self.store.followups.due, self.at, 500):
                    await queue.put(("followup", f.id))
            if not self.stop.is_set():
                for alert_id in await self.db(self.store.alerts.deliverable_ids, self.at, self.clock(), 500):
                    await queue.put(("alert", alert_id))
        finally:
            for _ in range(self.settings.concurrency):
                await queue.put(None)

    async def _worker(self, queue: asyncio.Queue) -> None:
        while True:
            item = await queue.get()
            if item is None:
                return
            if self.stop.is_set():
                continue  # left pending for the next sweep
            kind, item_id = item
            outcome = await self.deliver(kind, item_id)
            if outcome is not None:
                self.outcomes.append(outcome)

    # -- one DM -------------------------------------------------------------------------
    async def deliver(self, kind: str, item_id: int) -> "Outcome | None":
        from bot.nudges import prepare

        prepared = await self.db(prepare.prepare, self, kind, item_id)
        if prepared is None or not isinstance(prepared, Job):
            return prepared
        job = prepared
        heartbeat = asyncio.create_task(self._heartbeat(job))
        try:
            return await self._attempt(job)
        finally:
            heartbeat.cancel()

    async def _heartbeat(self, job: Job) -> None:
        interval = max(self.settings.heartbeat.total_seconds(), 0.05)
        while True:
            await asyncio.sleep(interval)
            now = self.clock()
            if not await self.db(self.store.nudges.delivery.renew, job.kind, job.id, self.token,
                                 now + self.settings.lease, now):
                log.warning("lost the lease on %s %s", job.kind, job.id)
                return

    def _delivery(self, job: Job, lease: Lease) -> Delivery:
        state = self.store.nudges.delivery

        async def sending(part: int) -> None:
            now = self.clock()
            if not await self.db(state.sending, job.kind, job.id, self.token, part, now, now + self.settings.lease):
                raise LeaseLost(f"{job.kind} {job.id}")  # another sweep delivers it now: never post beside it

        async def sent(part: int) -> None:
            await self.db(state.sent, job.kind, job.id, self.token, part)

        return Delivery(key=f"{job.kind}-{job.id}", start=lease.parts_done, unknown_part=lease.inflight_part,
                        unknown_since=lease.inflight_at, sending=sending, sent=sent)

    async def _send(self, job: Job) -> None:
        lease = await self.db(self.store.nudges.delivery.read, job.kind, job.id, self.token)
        delivery = self._delivery(job, lease)
        if _accepts_delivery(job.notifier):
            await job.notifier.send_dm(job.recipient, job.replies, delivery=delivery)  # type: ignore[call-arg]
            return
        # A notifier that cannot look back (the console's print): one part, resent when unknown.
        await delivery.sending(0)
        await job.notifier.send_dm(job.recipient, job.replies)
        await delivery.sent(0)

    async def _attempt(self, job: Job) -> "Outcome":
        from bot.nudges import prepare

        key = (job.recipient.platform, job.recipient.workspace)
        while True:
            if (paused := self.gate.remaining(key)) > self.settings.max_inline_wait:
                return await self.db(prepare.held, self, job, paused)  # the workspace waits long: so does this DM
            if not await self.gate.wait(key, self.stop):
                return await self.db(prepare.leave, self, job, "stopped")
            try:
                await self._send(job)
            except LeaseLost:
                log.warning("lease on %s %s taken over before posting: left to its new holder", job.kind, job.id)
                return await self.db(prepare.leave, self, job, "lease lost")
            except DeliveryFailed as err:
                if err.retry_after is not None and not err.permanent:
                    # every DM to this workspace waits, not only this one (to every workspace, if the bot's own)
                    self.gate.pause((key[0], "*") if err.everywhere else key, err.retry_after)
                    if err.retry_after <= self.settings.max_inline_wait and not self.stop.is_set():
                        continue  # wait it out with the lease kept alive, then the same part again
                    if not err.unknown:
                        return await self.db(prepare.rate_limited, self, job, err)
                return await self.db(prepare.failed, self, job, err.reason, err.permanent, err.unknown, err.kind.value)
            except Exception as err:  # a bug or an unexpected error: the part may have gone out
                log.exception("delivering %s %s failed", job.kind, job.id)
                return await self.db(prepare.failed, self, job, f"{type(err).__name__}: {err}", False, True)
            return await self.db(prepare.delivered, self, job)


def scaled_backoff(settings: DeliverySettings, attempts: int, retry_after: float | None) -> timedelta:
    from bot.nudges.sweep import backoff

    wait = backoff(attempts, None) * settings.backoff_scale
    if retry_after:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait

