"""A person's home summary: how many clients, what is owed, and what reminds them next.

The Slack App Home shows it (`adapters/slack/home.py` renders the answer);
any surface with a home screen can. The rule for "the next reminder" lives
here, not in an adapter: an open invoice with a balance, of a client who is
not paused, is next checked on the day the sweep's index says (its due date
when never checked), or later when snoozed; a dialogue's follow-up
(`storage/followups.py`) comes at its own moment, shown in the person's zone.

Read-only: nothing here writes a row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import fmt
from bot.context import Context
from bot.money import per_currency
from storage.records import Invoice

#: How many coming reminders and follow-ups a home shows.
MAX_NEXT = 5


@dataclass(frozen=True)
class HomeSummary:
    """Neutral data, already worded in the person's language; a surface only lays it out."""

    clients: tuple[str, ...]  # client names, as stored
    owed: tuple[str, ...]  # money still owed, one amount per currency (alphabetical)
    upcoming: tuple[str, ...]  # the next reminders and follow-ups, soonest first, at most MAX_NEXT


def client_names(ctx: Context) -> tuple[str, ...]:
    """The person's clients by name (a home's "which client?" picker)."""
    return tuple(c.name for c in ctx.store.clients.list(ctx.owner))


def next_reminder_day(ctx: Context, inv: Invoice) -> date:
    """The day an open invoice is next looked at by the sweep: its next check, never before a snooze ends."""
    day = ctx.store.invoices.next_check_of(inv.id) or inv.due_on
    if inv.snoozed_until and inv.snoozed_until > day:
        day = inv.snoozed_until
    return day


def _owed(ctx: Context, invoices: list[Invoice]) -> tuple[str, ...]:
    owed = per_currency((inv.currency, inv.balance_minor) for inv in invoices if inv.status == "open" and inv.balance_minor > 0)
    return tuple(fmt.money(ctx.language, minor, cur) for cur, minor in owed)


def _upcoming(ctx: Context, invoices: list[Invoice], names: dict[int, str], paused: set[int], limit: int) -> tuple[str, ...]:
    """The next reminders and follow-ups, soonest first (a follow-up at its send hour, in the user's zone)."""
    upcoming: list[tuple[date, int, str]] = []
    for inv in invoices:
        if inv.status != "open" or inv.balance_minor <= 0 or inv.client_id in paused:
            continue
        day = next_reminder_day(ctx, inv)
        line = ctx.t("slack.home.next_line", day=fmt.day(ctx.language, day), ref=inv.ref,
                     name=names.get(inv.client_id, "?"),
                     amount=fmt.money(ctx.language, inv.balance_minor, inv.currency))
        upcoming.append((day, inv.id, line))
    for f in ctx.store.followups.for_owner(ctx.owner):
        if not f.pending:
            continue
        name = names.get(f.client_id or 0) or (f.payload or {}).get("client_name") or "?"
        line = ctx.t("slack.home.next_followup", when=fmt.moment(ctx.language, ctx.tz, f.due_at), name=name)
        upcoming.append((f.due_at.astimezone(ctx.tz).date(), -f.id, line))
    upcoming.sort(key=lambda item: (item[0], item[1]))
    return tuple(line for _, _, line in upcoming[:limit])


def summary(ctx: Context, limit: int = MAX_NEXT) -> HomeSummary:
    clients = ctx.store.clients.list(ctx.owner)
    invoices = ctx.store.invoices.list(ctx.owner)
    names = {c.id: c.name for c in clients}
    paused = {c.id for c in clients if c.paused}
    return HomeSummary(
        clients=tuple(c.name for c in clients),
        owed=_owed(ctx, invoices),
        upcoming=_upcoming(ctx, invoices, names, paused, limit),
    )
