"""One reminder sweep: claim what is due in batches, and deliver each batch as it is claimed.

Claiming and delivering are separate steps on purpose. A claim (a ledger row
per invoice stage, and one DM row per client per local day) is written with
every re-check inside one transaction, so two sweeps never claim a stage
twice; it runs in a worker thread, off the event loop. Claims are made a
batch of clients at a time (`REDFLAG_NUDGE_BATCH`, see `bot/process_settings.py`): on PostgreSQL the batch's client rows
are locked `FOR NO KEY UPDATE SKIP LOCKED` for the batch's one transaction,
so several sweepers on one database take disjoint batches and none waits on
another's locks; on SQLite (one writer, no row locks) each client's claim
is its own `BEGIN IMMEDIATE` transaction, as before. Each batch's DMs go to
the delivery pool as soon as the batch commits, so delivery starts with the
first batch and a second sweeper halves the work instead of repeating it.

Delivery (`bot/nudges/delivery.py`) leases each pending DM (on the
database's clock on PostgreSQL, the real clock on SQLite), renders it from
the invoices as they are *now* and hands it to the platform's `Notifier`
with the key of its ledger entry, so a DM whose outcome is unknown is looked
for on the platform before it is sent again. Failures are retried with
backoff and, after `MAX_ATTEMPTS` or a permanent error, recorded for
`/invoice list`.

The sweep's `at` only decides what is due. The scan reads only invoices whose
indexed `next_nudge_on` has come, and each check moves that date to the next
moment something can happen, so a sweep costs what is due, not what is stored.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from contextlib import nullcontext
from itertools import groupby
from typing import TYPE_CHECKING, Awaitable, Callable, Iterable, Iterator, Mapping

from bot.context import Context
from bot.events import Address
from bot.i18n import messages
from bot.notify import Notifier
from bot import process_settings
from bot.nudges import policy
from bot.nudges.report import Outcome, Outcomes, SweepReport  # noqa: F401  (where callers have found them)
from bot.who import who
from storage.nudges import Message
from storage.records import Candidate, Client, Owner, UserSettings

if TYPE_CHECKING:
    from bot.core import Core
    from bot.nudges.delivery import Clock, DeliverySettings
    from storage.store import Store

log = logging.getLogger(__name__)

#: Attempts before a DM is recorded as failed.
MAX_ATTEMPTS = 5
#: Waits between attempts (the last one repeats); a platform's retry_after wins when longer.
BACKOFF = (timedelta(minutes=2), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30))
PAGE = 500


def batch_size() -> int:
    """Clients per claimed batch: `REDFLAG_NUDGE_BATCH`, checked at start-up (`bot/process_settings.py`)."""
    return process_settings.nudge_batch(os.environ)


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    wait = BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]
    if retry_after:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


# -- the scan's rows (see `scan`) ---------------------------------------------------------
Key = tuple[str, str, int]  # (workspace, user, client id)
#: A scanned row: a `Candidate`'s fields as a plain tuple (see `scan`).
Row = tuple
_FIELDS = tuple(f.name for f in fields(Candidate))
_KEY = tuple(_FIELDS.index(name) for name in ("workspace", "owner", "client_id"))


def _key(row: Row) -> Key:
    return (row[_KEY[0]], row[_KEY[1]], row[_KEY[2]])


# -- who the user is, without a request --------------------------------------------
def user_context(core: "Core", settings: UserSettings | None, owner: Owner, platform: str, at: datetime) -> Context:
    """The person as `bot/who.py` resolves them from stored settings only (no request to report a locale)."""
    person = who(settings)
    if settings is None:
        settings = UserSettings(owner.workspace, owner.user, None, None, person.send_hour, platform, None, None)
    else:
        platform = settings.platform or platform
    return Context(
        store=core.store,
        address=Address(platform=platform, workspace=owner.workspace, user=owner.user),
        owner=owner,
        settings=settings,
        t=messages(person.language),
        tz=person.tz,
        now=at,
    )


def offsets_for(store: "Store", workspace: str, cache: dict[str, dict[str, int]]) -> dict[str, int]:
    if workspace not in cache:
        cache[workspace] = policy.offsets_of(store.workspaces.offsets(workspace), workspace)
    return cache[workspace]


# -- step 1: claim ---------------------------------------------------------------------
def scan(store: "Store", at: datetime) -> list[Row]:
    """Every open invoice whose next check has come, client by client (in the order each client first appears).

    This is the preview's read (`redflag nudges preview`), not the sweep's: it
    takes no lock and skips nothing, so it shows the clients a running sweeper
    holds too, where the sweep's `claim_batches` skips them (`SKIP LOCKED`).
    The horizon is tomorrow in UTC: no zone's local date is later than that.
    The rows are kept as plain tuples of strings, numbers and dates, which the
    garbage collector stops tracking: ten thousand due invoices held as
    objects made the collector's full passes (which stop every thread, the
    event loop's too) long enough to stall the bot. `groups` turns them back
    into `Candidate`s one client at a time.
    """
    horizon = at.astimezone(timezone.utc).date() + timedelta(days=1)
    first_seen: dict[Key, int] = {}
    rows: list[Row] = []
    after = None
    while True:
        page = store.invoices.candidates(horizon, after=after, limit=PAGE)
        for cand in page:
            row = tuple(getattr(cand, name) for name in _FIELDS)
            first_seen.setdefault(_key(row), len(first_seen))
            rows.append(row)
        if len(page) < PAGE:
            break
        after = (page[-1].next_nudge_on.isoformat(), page[-1].invoice_id)
    rows.sort(key=lambda row: first_seen[_key(row)])  # stable: index order within a client
    return rows


def groups(rows: Iterable[Row]) -> Iterator[tuple[Key, list[Candidate]]]:
    """The scanned rows as one list of `Candidate`s per client, made only when that client's turn comes."""
    for key, client_rows in groupby(rows, key=_key):
        yield key, [Candidate(*row) for row in client_rows]


@dataclass(frozen=True)
class Plan:
    """The decisions for one client's due invoices, before claiming."""

    owner: Owner
    client: Client
    ctx: Context
    today: date
    decisions: tuple[tuple[Candidate, policy.Decision], ...]

    @property
    def to_send(self) -> list[tuple[Candidate, policy.Decision]]:
        return [(c, d) for c, d in self.decisions if d.stage is not None]


def plan(store: "Store", core: "Core", at: datetime, grouped: Iterable[tuple[Key, list[Candidate]]]) -> Iterator[Plan]:
    """Decide for every scanned invoice, one client at a time (reads only; the claim re-checks).

    A generator on purpose: a sweep claims each plan as soon as it is made, so
    at most one plan is alive at a time. Ten thousand plans held together are
    some 100 000 objects for the garbage collector, and a full collection over
    them (started in the claiming thread, but stopping every thread, the event
    loop's too) was the loop's longest stall.
    """
    users: dict[Owner, UserSettings | None] = {}
    offsets_cache: dict[str, dict[str, int]] = {}
    for (workspace, user, client_id), cands in grouped:
        owner = Owner(workspace, user)
        if owner not in users:
            users[owner] = store.users.get(owner)
        settings = users[owner]
        client = store.clients.get(owner, client_id)
        if client is None:
            continue
        ctx = user_context(core, settings, owner, settings.platform if settings else "console", at)
        send_hour = policy.send_hour_of(settings)
        offsets = offsets_for(store, workspace, offsets_cache)
        decisions = []
        for cand in cands:
            decision = policy.decide(
                now=at,
                tz=ctx.tz,
                send_hour=send_hour,
                due_on=cand.due_on,
                sent=store.nudges.sent_stages(cand.invoice_id, cand.due_on),
                snoozed_until=cand.snoozed_until,
                paused=client.paused,
                paused_until=client.paused_until,
                offsets=offsets,
            )
            decisions.append((cand, decision))
        yield Plan(owner, client, ctx, policy.local_day(at, ctx.tz), tuple(decisions))


def claim(store: "Store", at: datetime, p: Plan, now: datetime | None = None, opened: list[int] | None = None) -> int:
    """Claim one client's due stages in one transaction; returns how many were claimed.

    The DM the claim opened (if any stage was claimed) is appended to `opened`, for the delivery pool.
    """
    db = store.database
    claimed = 0
    with db.transaction():
        # Advance the invoices with nothing to send now (only if nobody moved them meanwhile).
        for cand, decision in p.decisions:
            if decision.stage is None and decision.next_check != cand.next_nudge_on:
                store.invoices.set_next_check(cand.invoice_id, decision.next_check, expected=cand.next_nudge_on)
        sending = p.to_send
        if not sending:
            return 0
        client = store.clients.get(p.owner, p.client.id)
        if client is None:
            return 0
        if client.paused and (client.paused_until is None or p.today < client.paused_until):
            return 0  # paused since we looked: the next sweep advances these
        if store.nudges.message_for_day(p.owner, client.id, p.today) is not None:
            # One nudge DM per client per day: the rest waits for tomorrow.
            for cand, _ in sending:
                store.invoices.set_next_check(cand.invoice_id, p.today + timedelta(days=1), expected=cand.next_nudge_on)
            return 0
        message_id = store.nudges.open_message(p.owner, client.id, p.today, p.ctx.address.platform, now or at)
        if message_id is None:
            return 0
        for cand, decision in sending:
            assert decision.stage is not None
            invoice = store.invoices.get(p.owner, cand.invoice_id)
            if invoice is None or invoice.status != "open" or invoice.balance_minor <= 0:
                continue
            if invoice.due_on != cand.due_on:
                continue  # the due date moved: the ladder re-armed, the next sweep decides afresh
            if invoice.snoozed_until is not None and p.today < invoice.snoozed_until:
                continue
            current = store.invoices.next_check_of(invoice.id)
            if current is None or current > p.today:
                continue  # another sweep has been here
            if not store.nudges.claim(p.owner, client.id, invoice.id, invoice.due_on, decision.stage,
                                      decision.overdue, message_id, at):
                continue
            claimed += 1
            if policy.at_least_final(decision.stage):
                store.incidents.add(
                    p.owner,
                    client.id,
                    "late-payment",
                    p.ctx.t.n("nudge.incident_note", decision.overdue, ref=invoice.ref),
                    occurred_at=at,
                    source="nudge",
                    source_ref=invoice.ref,
                    request_id=f"nudge:late-payment:{invoice.id}",
                )
            store.invoices.set_next_check(invoice.id, decision.next_check)
        if claimed == 0:
            store.nudges.drop_message(message_id)
        elif opened is not None:
            opened.append(message_id)
    return claimed


# -- claiming in batches ---------------------------------------------------------------
def _as_rows(cands: Iterable[Candidate]) -> list[Row]:
    return [tuple(getattr(c, name) for name in _FIELDS) for c in cands]


def claim_batch(store: "Store", core: "Core", at: datetime, report: SweepReport, after: int,
                now: datetime | None = None) -> tuple[int, list[int]] | None:
    """Claim the next batch of clients with something due (ids after `after`); None when none is left.

    Returns the last client id of the batch (the cursor for the next one) and the DMs it opened. On
    PostgreSQL the whole batch is one transaction holding its clients' rows (`Invoices.due_clients`),
    each client's claim a savepoint in it; on SQLite the batch is read without a lock and each client
    claimed in a transaction of its own, so the bot's own writes never wait for a whole batch.
    """
    horizon = at.astimezone(timezone.utc).date() + timedelta(days=1)
    db = store.database
    opened: list[int] = []
    with (nullcontext() if db.dialect.sqlite else db.transaction()):
        client_ids = store.invoices.due_clients(horizon, after, batch_size())
        if not client_ids:
            return None
        rows = _as_rows(store.invoices.candidates_of(client_ids, horizon))  # plain tuples: see `scan`
        report.checked += len(rows)
        for p in plan(store, core, at, groups(rows)):
            report.claimed += claim(store, at, p, now, opened)
    return client_ids[-1], opened


def claim_batches(store: "Store", core: "Core", at: datetime, report: SweepReport, now: datetime | None = None,
                  stop: asyncio.Event | None = None) -> Iterator[list[int]]:
    """Every batch due as of `at`, one after another (a generator: the caller delivers between batches)."""
    after = 0
    while stop is None or not stop.is_set():
        batch = claim_batch(store, core, at, report, after, now)
        if batch is None:
            return
        after, opened = batch
        yield opened


def claim_due(store: "Store", core: "Core", at: datetime, report: SweepReport, now: datetime | None = None) -> None:
    """Claim everything due as of `at` (no delivery); `now` (the real clock) stamps the DMs' first attempt."""
    for _ in claim_batches(store, core, at, report, now):
        pass
    queue_digests(store, core, at, now)


def queue_digests(store: "Store", core: "Core", at: datetime, now: datetime | None = None) -> None:
    from bot.alerts.deliver import queue_digests as queue

    queue(store, core, at, now or at)  # the weekly digests due by `at`, delivered below with the reminders


# -- step 2: deliver (bot/nudges/delivery.py) -------------------------------------------
def _claims(store: "Store", core: "Core", at: datetime, report: SweepReport, now: datetime,
            stop: asyncio.Event, db: Callable[..., Awaitable]) -> Callable[[Callable[[int], Awaitable[None]]], Awaitable[None]]:
    """The delivery pool's first source: each batch's DMs, handed over as the batch commits.

    The claims run on the pool's claiming thread (`db`), which the pool waits for before it returns.
    """

    async def feed(put: Callable[[int], Awaitable[None]]) -> None:
        batches = claim_batches(store, core, at, report, now, stop)
        done = object()
        while (opened := await db(next, batches, done)) is not done:
            for message_id in opened:  # type: ignore[union-attr]
                await put(message_id)
        if not stop.is_set():
            await db(queue_digests, store, core, at, now)

    return feed


async def run_sweep(store: "Store", notifiers: Mapping[str, Notifier] | Iterable[Notifier], at: datetime,
                    core: "Core | None" = None, *, clock: "Clock | None" = None,
                    settings: "DeliverySettings | None" = None, stop: asyncio.Event | None = None) -> SweepReport:
    """One full sweep as of `at` (UTC): claim batch by batch (in a worker thread), delivering each batch's
    DMs as it commits, then whatever else is pending (retries, follow-ups, alerts).

    `at` decides only what is due. Attempts and backoff use `clock`: the real clock, or the core's clock
    when a core is given (tests inject one); leases use the database's clock on PostgreSQL.
    """
    from bot.core import Core
    from bot.nudges.delivery import Deliverer, DeliverySettings, real_clock

    if at.tzinfo is None:
        raise ValueError("naive datetime")
    at = at.astimezone(timezone.utc)
    if clock is None:
        clock = core.clock if core is not None else real_clock
    core = core or Core(store, clock=lambda: at)
    table = as_table(notifiers)
    report = SweepReport(at=at)
    deliverer = Deliverer(store, core, table, at, clock, settings or DeliverySettings.from_env(), stop)
    report.outcomes.extend(await deliverer.run(_claims(store, core, at, report, clock(), deliverer.stop, deliverer.claiming)))
    return report


def as_table(notifiers: Mapping[str, Notifier] | Iterable[Notifier] | None) -> dict[str, Notifier]:
    if notifiers is None:
        return {}
    if isinstance(notifiers, Mapping):
        return dict(notifiers)
    return {n.platform: n for n in notifiers}
