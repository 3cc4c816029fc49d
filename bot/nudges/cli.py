"""`redflag nudges run [--at ISO] [--dry-run]` and `redflag nudges preview [--at ISO]`, for operators and cron.

`run_once` is the scheduler's sweep, once, as of a chosen moment; DMs for
console users are printed to stdout (there is no chat to deliver them to),
DMs for other platforms are delivered by the notifiers passed in, or left
pending for the running bot. With `dry_run` the very same sweep runs on a
private copy of the database with every DM printed instead of sent, so it
shows exactly what would go out (catch-ups, follow-ups, one DM per client per
day) and writes nothing. `preview` reads only: it lists what a sweep at that
time would send, the follow-ups, and what comes after, without claiming
anything.
"""
from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence, TextIO

from bot import fmt
from bot.i18n import Messages, console_language, messages
from bot.notify import Notifier, Recipient
from bot.nudges import policy
from bot.nudges.sweep import Outcome, as_table, groups, offsets_for, plan, run_sweep, scan, user_context
from bot.nudges.texts import STAGE_LABELS
from bot.replies import Reply, strip_markup
from storage.records import Owner

if TYPE_CHECKING:
    from storage.store import Store


class PrintNotifier:
    """A 'DM' that is printed: for console users when the sweep runs from the command line."""

    platform = "console"

    def __init__(self, stream: TextIO | None = None, t: Messages | None = None) -> None:
        self.stream = stream
        self.t = t or messages(console_language())

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        out = self.stream or sys.stdout
        rule = "─" * 8
        out.write(f"{rule} {self.t('nudge.cli.dm_header', user=recipient.user, workspace=recipient.workspace)} {rule}\n")
        for reply in replies:
            out.write(strip_markup(reply.plain()) + "\n")  # a terminal shows no *bold* markers
        out.write("\n")
        out.flush()


def _now() -> datetime:
    return datetime.now(timezone.utc)


#: One delivery outcome per line, by its status.
OUTCOME_LINES: dict[str, str] = {
    "delivered": "nudge.cli.delivered",
    "retry": "nudge.cli.retry",
    "failed": "nudge.cli.failed",
    "cancelled": "nudge.cli.cancelled",
    "no_notifier": "nudge.cli.no_notifier",
    "waiting": "nudge.cli.waiting",
    "unknown": "nudge.cli.unknown",
    "left": "nudge.cli.left",
}


def _outcome_line(t: Messages, o: Outcome) -> str:
    values = dict(user=o.user, workspace=o.workspace, platform=o.platform, summary=o.summary, error=o.error)
    prefix = {"followup": t("nudge.cli.kind_followup"), "alert": t("alert.cli.kind")}.get(o.kind) or t("nudge.cli.kind_nudge")
    return f"• {prefix} #{o.id}: " + t(OUTCOME_LINES[o.status], **values)


async def run_once(store: "Store", notifiers: Mapping[str, Notifier] | Iterable[Notifier] | None,
                   at: datetime | None = None, stream: TextIO | None = None, *, dry_run: bool = False,
                   stop: "asyncio.Event | None" = None, clock: "Callable[[], datetime] | None" = None) -> str:
    """One sweep as of `at` (default: now); returns the operator's report.

    Leases, retries and delivery times use the real clock whatever `at` is
    (`clock` replaces it in tests); `stop` (SIGTERM) lets the DMs in flight
    finish and leaves the rest for the next sweep.
    """
    from bot.nudges.delivery import real_clock

    t = messages(console_language())
    at = (at or _now()).astimezone(timezone.utc)
    if dry_run:
        return await _dry_run(store, at, stream, t)
    table = as_table(notifiers)
    table.setdefault("console", PrintNotifier(stream, t))
    report = await run_sweep(store, table, at, clock=clock or real_clock, stop=stop)
    lines = [t("nudge.cli.run_header", at=at.isoformat(timespec="minutes"), checked=report.checked, claimed=report.claimed)]
    if not report.outcomes:
        lines.append(t("nudge.cli.nothing"))
    lines.extend(_outcome_line(t, o) for o in report.outcomes)
    return "\n".join(lines)


async def _dry_run(store: "Store", at: datetime, stream: TextIO | None, t: Messages) -> str:
    """The real sweep on a throw-away copy of the database, every DM printed: the real file is not touched."""
    import tempfile
    from pathlib import Path

    from bot.nudges.delivery import real_clock
    from storage.store import Store

    with tempfile.TemporaryDirectory(prefix="redflag-dry-run-") as tmp:
        copy_path = Path(tmp) / "copy.db"
        store.database.copy_to(copy_path)
        copy = Store(copy_path)
        try:
            printer = PrintNotifier(stream, t)
            out = stream or sys.stdout
            out.write(t("nudge.cli.dry_run_header", at=at.isoformat(timespec="minutes")) + "\n\n")
            report = await run_sweep(copy, {"*": printer, "console": printer}, at, clock=real_clock)
        finally:
            copy.close()
    lines = [t("nudge.cli.run_header", at=at.isoformat(timespec="minutes"), checked=report.checked, claimed=report.claimed)]
    if not report.outcomes:
        lines.append(t("nudge.cli.nothing"))
    lines.extend(_outcome_line(t, o) for o in report.outcomes)
    return "\n".join(lines)


def preview(store: "Store", at: datetime | None = None, limit: int = 10) -> str:
    """What the next sweep would send as of `at`, and the next checks after it. Writes nothing."""
    from bot.core import Core

    t = messages(console_language())
    lang = t.language
    at = (at or _now()).astimezone(timezone.utc)
    core = Core(store, clock=lambda: at)
    lines = [t("nudge.cli.preview_header", at=at.isoformat(timespec="minutes"))]
    due: list[str] = []
    for p in plan(store, core, at, groups(scan(store, at))):
        for cand, decision in p.decisions:
            if decision.stage is None:
                continue
            invoice = store.invoices.get(p.owner, cand.invoice_id)
            if invoice is None:
                continue
            due.append("• " + t("nudge.cli.preview_due", user=p.owner.user, workspace=p.owner.workspace,
                                client=p.client.name, ref=invoice.ref, stage=t(STAGE_LABELS[decision.stage]),
                                balance=fmt.money(lang, invoice.balance_minor, invoice.currency)))
    for msg in store.nudges.pending():
        due.append("• " + t("nudge.cli.preview_pending", id=msg.id, user=msg.owner, workspace=msg.workspace,
                            platform=msg.platform, at=msg.next_attempt_at.isoformat(timespec="minutes"),
                            attempts=msg.attempts))
    lines.append(t("nudge.cli.preview_due_title"))
    lines.extend(due or [t("nudge.cli.preview_none")])
    lines.append(t("nudge.cli.preview_followups_title"))
    lines.extend(_followups(store, core, at, limit, t) or [t("nudge.cli.preview_none")])
    lines.append(t("nudge.cli.preview_next_title"))
    upcoming = _upcoming(store, core, at, limit, lang, t)
    lines.extend(upcoming or [t("nudge.cli.preview_none")])
    from bot.alerts.deliver import preview_digests

    lines.extend(preview_digests(store, core, at, limit, t))  # issue 21: the next weekly digest, in full
    return "\n".join(lines)


def _followups(store: "Store", core, at: datetime, limit: int, t: Messages) -> list[str]:  # type: ignore[no-untyped-def]
    """Follow-ups still to send, soonest first, in each user's zone (those due by `at` go out in that sweep)."""
    out = []
    for f in store.followups.pending(limit):
        owner = Owner(f.workspace, f.owner)
        ctx = user_context(core, store.users.get(owner), owner, f.platform, at)
        client = (f.payload or {}).get("client_name") or "?"
        out.append("• " + t("nudge.cli.preview_followup", when=fmt.local_iso(ctx.tz, f.due_at),
                            user=f.owner, workspace=f.workspace, client=client))
    return out


def _upcoming(store: "Store", core, at: datetime, limit: int, lang: str, t: Messages) -> list[str]:  # type: ignore[no-untyped-def]
    out: list[str] = []
    offsets_cache: dict[str, dict[str, int]] = {}
    for cand in store.invoices.upcoming(limit * 5):
        if len(out) >= limit:
            break
        owner = Owner(cand.workspace, cand.owner)
        settings = store.users.get(owner)
        client = store.clients.get(owner, cand.client_id)
        invoice = store.invoices.get(owner, cand.invoice_id)
        if client is None or invoice is None:
            continue
        ctx = user_context(core, settings, owner, settings.platform if settings else "console", at)
        offsets = offsets_for(store, cand.workspace, offsets_cache)
        sent = store.nudges.sent_stages(invoice.id, invoice.due_on)
        top = max(sent, key=policy.stage_rank) if sent else None
        today = policy.local_day(at, ctx.tz)
        stage = policy.next_stage(top)
        overdue_stage = policy.due_stage(policy.days_overdue(invoice.due_on, today), offsets)
        if overdue_stage and (top is None or policy.stage_rank(overdue_stage) > policy.stage_rank(top)):
            stage = overdue_stage  # catch-up: the highest stage due goes out, once
        if stage is None:
            continue
        day = max(policy.stage_date(invoice.due_on, stage, offsets), cand.next_nudge_on, today)
        if invoice.snoozed_until:
            day = max(day, invoice.snoozed_until)
        if client.paused and client.paused_until:
            day = max(day, client.paused_until)
        when = policy.local_moment(day, policy.send_hour_of(settings), ctx.tz)
        if when < at:
            when = policy.next_window_start(at, policy.send_hour_of(settings), ctx.tz)
        key = "nudge.cli.preview_next_paused" if client.paused and not client.paused_until else "nudge.cli.preview_next"
        out.append("• " + t(key, when=fmt.local_iso(ctx.tz, when), user=owner.user, workspace=owner.workspace,
                            client=client.name, ref=invoice.ref, stage=t(STAGE_LABELS[stage]),
                            balance=fmt.money(lang, invoice.balance_minor, invoice.currency)))
    return out
