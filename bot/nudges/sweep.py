"""One reminder sweep: claim what is due, then deliver what is pending.

Claiming and delivering are separate steps on purpose. A claim (a ledger row
per invoice stage, and one DM row per client per local day) is written with
every re-check inside one `BEGIN IMMEDIATE` transaction, so two sweeps on one
file never claim a stage twice. Delivery reads pending DMs, takes a short
lease on each, renders it from the invoices as they are *now* and hands it
to the platform's `Notifier`; only a successful send marks it delivered. A
crash after the claim leaves the DM pending, so a later sweep delivers it
(at worst twice, never zero times). Failures are retried with backoff and,
after `MAX_ATTEMPTS` or a permanent error, recorded for `/invoice list`.

The scan reads only invoices whose indexed `next_nudge_on` has come, and each
check moves that date to the next moment something can happen, so a sweep
costs what is due, not what is stored.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Iterable, Mapping
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.core import zone
from bot.events import Address
from bot.i18n import DEFAULT_LANGUAGE, language_from_locale, messages
from bot.notify import DeliveryFailed, Notifier, Recipient
from bot.nudges import policy
from storage.nudges import Candidate, Message
from storage.records import Client, Owner, UserSettings

if TYPE_CHECKING:
    from bot.core import Core
    from storage.store import Store

log = logging.getLogger(__name__)

#: Attempts before a DM is recorded as failed.
MAX_ATTEMPTS = 5
#: Waits between attempts (the last one repeats); a platform's retry_after wins when longer.
BACKOFF = (timedelta(minutes=2), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30))
#: How long a sweep holds the right to deliver one DM; a crash lets it lapse.
LEASE = timedelta(minutes=10)
PAGE = 500


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    wait = BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]
    if retry_after:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


@dataclass(frozen=True)
class Outcome:
    """What happened to one DM in this sweep (for the operator's report)."""

    kind: str  # "nudge" | "followup"
    id: int
    workspace: str
    user: str
    platform: str
    status: str  # "delivered" | "retry" | "failed" | "cancelled" | "no_notifier" | "waiting"
    summary: str = ""
    text: str = ""
    error: str = ""


@dataclass
class SweepReport:
    at: datetime
    claimed: int = 0  # invoice stages claimed in this sweep
    checked: int = 0  # invoices looked at
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str, kind: str | None = None) -> int:
        return sum(1 for o in self.outcomes if o.status == status and (kind is None or o.kind == kind))


# -- who the user is, without a request --------------------------------------------
def user_context(core: "Core", settings: UserSettings | None, owner: Owner, platform: str, at: datetime) -> Context:
    """The same language and zone resolution as `Core.context`, from stored settings only."""
    if settings is None:
        language, tz = DEFAULT_LANGUAGE, ZoneInfo("UTC")
    else:
        language = settings.language or language_from_locale(settings.platform_locale) or DEFAULT_LANGUAGE
        tz = zone(settings.timezone) or zone(settings.platform_timezone) or ZoneInfo("UTC")
        platform = settings.platform or platform
    from storage.users import DEFAULT_SEND_HOUR

    if settings is None:
        settings = UserSettings(owner.workspace, owner.user, None, None, DEFAULT_SEND_HOUR, platform, None, None)
    return Context(
        core=core,
        address=Address(platform=platform, workspace=owner.workspace, user=owner.user),
        owner=owner,
        settings=settings,
        t=messages(language),
        tz=tz,
        now=at,
    )


def offsets_for(store: "Store", workspace: str, cache: dict[str, dict[str, int]]) -> dict[str, int]:
    if workspace not in cache:
        custom = store.nudges.offsets(workspace)
        try:
            cache[workspace] = policy.validate_offsets(custom) if custom else dict(policy.DEFAULT_OFFSETS)
        except policy.BadOffsets:
            log.warning("workspace %s has invalid nudge offsets %r; using the defaults", workspace, custom)
            cache[workspace] = dict(policy.DEFAULT_OFFSETS)
    return cache[workspace]


# -- step 1: claim ---------------------------------------------------------------------
def scan(store: "Store", at: datetime) -> "OrderedDict[tuple[str, str, int], list[Candidate]]":
    """Every open invoice whose next check has come, grouped by (workspace, user, client).

    The horizon is tomorrow in UTC: no zone's local date is later than that.
    """
    horizon = at.astimezone(timezone.utc).date() + timedelta(days=1)
    groups: OrderedDict[tuple[str, str, int], list[Candidate]] = OrderedDict()
    after = None
    while True:
        page = store.nudges.candidates(horizon, after=after, limit=PAGE)
        for cand in page:
            groups.setdefault((cand.workspace, cand.owner, cand.client_id), []).append(cand)
        if len(page) < PAGE:
            return groups
        after = (page[-1].next_nudge_on.isoformat(), page[-1].invoice_id)


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


def plan(store: "Store", core: "Core", at: datetime, groups: Mapping[tuple[str, str, int], list[Candidate]]) -> list[Plan]:
    """Decide for every scanned invoice (reads only; the claim re-checks)."""
    users: dict[Owner, UserSettings | None] = {}
    offsets_cache: dict[str, dict[str, int]] = {}
    plans: list[Plan] = []
    for (workspace, user, client_id), cands in groups.items():
        owner = Owner(workspace, user)
        if owner not in users:
            users[owner] = store.users.get(owner)
        settings = users[owner]
        client = store.clients.get(owner, client_id)
        if client is None:
            continue
        ctx = user_context(core, settings, owner, settings.platform if settings else "console", at)
        send_hour = settings.send_hour if settings else 9
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
        plans.append(Plan(owner, client, ctx, policy.local_day(at, ctx.tz), tuple(decisions)))
    return plans


def claim(store: "Store", at: datetime, p: Plan) -> int:
    """Claim one client's due stages in one transaction; returns how many were claimed."""
    db = store.database
    claimed = 0
    with db.transaction():
        # Advance the invoices with nothing to send now (only if nobody moved them meanwhile).
        for cand, decision in p.decisions:
            if decision.stage is None and decision.next_check != cand.next_nudge_on:
                store.nudges.set_next_check(cand.invoice_id, decision.next_check, expected=cand.next_nudge_on)
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
                store.nudges.set_next_check(cand.invoice_id, p.today + timedelta(days=1), expected=cand.next_nudge_on)
            return 0
        message_id = store.nudges.open_message(p.owner, client.id, p.today, p.ctx.address.platform, at)
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
            current = store.nudges.next_check_of(invoice.id)
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
            store.nudges.set_next_check(invoice.id, decision.next_check)
        if claimed == 0:
            store.nudges.drop_message(message_id)
    return claimed


# -- step 2: deliver -----------------------------------------------------------------
def _notifier(notifiers: Mapping[str, Notifier], platform: str) -> Notifier | None:
    return notifiers.get(platform) or notifiers.get("*")


async def deliver_message(store: "Store", core: "Core", notifiers: Mapping[str, Notifier], at: datetime,
                          msg: Message) -> Outcome | None:
    from bot.nudges.render import message_replies

    owner = Owner(msg.workspace, msg.owner)
    settings = store.users.get(owner)
    ctx = user_context(core, settings, owner, msg.platform, at)
    base = dict(kind="nudge", id=msg.id, workspace=msg.workspace, user=msg.owner, platform=msg.platform)
    notifier = _notifier(notifiers, msg.platform)
    if notifier is None:
        return Outcome(status="no_notifier", **base)
    send_hour = settings.send_hour if settings else 9
    if not policy.in_window(at, send_hour, ctx.tz):
        # A retry or a late re-delivery still never arrives at night.
        store.nudges.mark_retry(msg.id, policy.next_window_start(at, send_hour, ctx.tz), None, count_attempt=False)
        return Outcome(status="waiting", **base)
    if not store.nudges.lease(msg.id, at, at + LEASE):
        return None  # another sweep is delivering it
    replies = message_replies(ctx, msg)
    if not replies:
        store.nudges.mark_cancelled(msg.id)
        return Outcome(status="cancelled", **base)
    summary = replies[0].title
    text = "\n\n".join(r.plain() for r in replies)
    try:
        await notifier.send_dm(Recipient(msg.platform, msg.workspace, msg.owner), replies)
    except DeliveryFailed as err:
        return _failed(store, msg.id, msg.attempts, at, err.reason, err.permanent, err.retry_after, base, summary)
    except Exception as err:  # a bug or an unexpected network error: retry like a transient failure
        log.exception("delivering nudge message %s failed", msg.id)
        return _failed(store, msg.id, msg.attempts, at, f"{type(err).__name__}: {err}", False, None, base, summary)
    store.nudges.mark_delivered(msg.id, at)
    return Outcome(status="delivered", summary=summary, text=text, **base)


def _failed(store: "Store", message_id: int, attempts_before: int, at: datetime, reason: str, permanent: bool,
            retry_after: float | None, base: dict, summary: str) -> Outcome:
    attempts = attempts_before + 1
    if permanent or attempts >= MAX_ATTEMPTS:
        store.nudges.mark_failed(message_id, at, reason[:500])
        return Outcome(status="failed", summary=summary, error=reason, **base)
    store.nudges.mark_retry(message_id, at + backoff(attempts, retry_after), reason[:500])
    return Outcome(status="retry", summary=summary, error=reason, **base)


async def deliver_followups(store: "Store", core: "Core", notifiers: Mapping[str, Notifier], at: datetime) -> list[Outcome]:
    """Scheduled DMs other features asked for (the dialogue's "remind me in 3 days")."""
    followups = getattr(store, "followups", None)
    if followups is None:
        return []
    try:
        from bot.dialogue import followup_replies  # type: ignore[attr-defined]
    except ImportError:
        return []
    outcomes: list[Outcome] = []
    for f in followups.due(at, limit=PAGE):
        base = dict(kind="followup", id=f.id, workspace=f.workspace, user=f.owner, platform=f.platform)
        notifier = _notifier(notifiers, f.platform)
        if notifier is None:
            outcomes.append(Outcome(status="no_notifier", **base))
            continue
        if not store.nudges.lease_followup(f.id, at, at + LEASE):
            continue
        owner = Owner(f.workspace, f.owner)
        ctx = user_context(core, store.users.get(owner), owner, f.platform, at)
        replies = followup_replies(ctx, f)
        try:
            await notifier.send_dm(Recipient(f.platform, f.workspace, f.owner), replies)
        except DeliveryFailed as err:
            after = followups.mark_failed(f.id, err.reason, at, permanent=err.permanent, retry_after=err.retry_after)
            given_up = after is not None and after.gave_up_at is not None
            outcomes.append(Outcome(status="failed" if given_up else "retry", error=err.reason, **base))
            store.nudges.release_followup(f.id)
            continue
        except Exception as err:
            log.exception("delivering follow-up %s failed", f.id)
            followups.mark_failed(f.id, f"{type(err).__name__}: {err}", at)
            store.nudges.release_followup(f.id)
            outcomes.append(Outcome(status="retry", error=str(err), **base))
            continue
        followups.mark_delivered(f.id, at)
        outcomes.append(Outcome(status="delivered", summary=replies[0].title if replies else "",
                                text="\n\n".join(r.plain() for r in replies), **base))
    return outcomes


# -- the whole sweep -----------------------------------------------------------------------
def claim_due(store: "Store", core: "Core", at: datetime, report: SweepReport) -> None:
    groups = scan(store, at)
    report.checked = sum(len(v) for v in groups.values())
    for p in plan(store, core, at, groups):
        report.claimed += claim(store, at, p)


async def run_sweep(store: "Store", notifiers: Mapping[str, Notifier] | Iterable[Notifier], at: datetime,
                    core: "Core | None" = None) -> SweepReport:
    """One full sweep as of `at` (UTC): claim, deliver nudges, deliver follow-ups."""
    from bot.core import Core

    if at.tzinfo is None:
        raise ValueError("naive datetime")
    at = at.astimezone(timezone.utc)
    core = core or Core(store, clock=lambda: at)
    table = as_table(notifiers)
    report = SweepReport(at=at)
    claim_due(store, core, at, report)
    while True:
        batch = store.nudges.deliverable(at, limit=PAGE)
        moved = 0
        for msg in batch:
            outcome = await deliver_message(store, core, table, at, msg)
            if outcome is not None:
                report.outcomes.append(outcome)
                moved += outcome.status != "no_notifier"
        # A DM with no notifier here stays pending and would come back: stop when nothing moved.
        if len(batch) < PAGE or moved == 0:
            break
    report.outcomes.extend(await deliver_followups(store, core, table, at))
    return report


def as_table(notifiers: Mapping[str, Notifier] | Iterable[Notifier] | None) -> dict[str, Notifier]:
    if notifiers is None:
        return {}
    if isinstance(notifiers, Mapping):
        return dict(notifiers)
    return {n.platform: n for n in notifiers}
