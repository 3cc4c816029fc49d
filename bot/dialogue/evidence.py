"""What is already on file about a client, gathered once for the decision dialogue.

The dialogue opens with this, and it answers questions by itself: three
invoices paid late need no "do they pay late?", only a confirmation. Kept as a
plain frozen value so the verdict can be a pure function of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Iterable

from bot.money import per_currency
from storage.records import Client, Incident, Invoice

if TYPE_CHECKING:
    from bot.context import Context

#: An incident logged this recently means the user may be deciding in anger.
COOL_OFF = timedelta(hours=48)
#: Deciding about the same client this often within a month: trust the feeling (DOMAIN.md §4.1).
AGAIN_WINDOW = timedelta(days=30)
AGAIN_TRUST = 2


@dataclass(frozen=True)
class KindCount:
    kind: str
    count: int
    last: datetime  # UTC


@dataclass(frozen=True)
class Evidence:
    client_id: int
    client_name: str
    client_since: date
    client_days: int
    kinds: tuple[KindCount, ...] = ()  # incidents by kind, most frequent first
    paid_late: int = 0  # settled invoices paid after their due date
    late_avg_days: int = 0  # average days late over those (rounded)
    late_worst_days: int = 0  # the worst of those
    overdue_now: int = 0  # open invoices past their due date
    overdue_worst_days: int = 0  # days past due of the oldest of those
    owed: tuple[tuple[str, int], ...] = ()  # (currency, minor units) still unpaid, per currency
    recent: int = 0  # incidents logged in the last 48 hours
    decided_lately: int = 0  # decisions taken about this client in the last 30 days
    invoices: int = 0

    def count(self, kind: str) -> int:
        for k in self.kinds:
            if k.kind == kind:
                return k.count
        return 0

    def last(self, kind: str) -> datetime | None:
        for k in self.kinds:
            if k.kind == kind:
                return k.last
        return None

    @property
    def hot(self) -> bool:
        """An incident is fresh and this is not a recurring doubt: suggest sleeping on it.

        Someone who keeps coming back to the same client within a month is
        not deciding in a flash of anger; the advice then is to trust it.
        """
        return self.recent > 0 and self.decided_lately < AGAIN_TRUST

    @property
    def incidents(self) -> int:
        return sum(k.count for k in self.kinds)

    @property
    def late_signals(self) -> int:
        """How often lateness shows on file: late or overdue invoices, or logged late payments.

        The larger of the two, not the sum: the reminder ladder logs a
        `late-payment` incident for the same invoice it nudges about.
        """
        return max(self.paid_late + self.overdue_now, self.count("late-payment"))


def gather(
    client: Client,
    incidents: Iterable[Incident],
    invoices: Iterable[Invoice],
    today: date,
    now: datetime,
    decisions: Iterable[datetime] = (),
    since: date | None = None,
) -> Evidence:
    """Summarise a client's records as of `today` (the user's date) and `now` (UTC).

    `since` is the day the client relationship began in the user's zone
    (`bot/since.py`); without it, the day the client was added (UTC).
    """
    incidents, invoices = list(incidents), list(invoices)
    by_kind: dict[str, list[datetime]] = {}
    recent = 0
    for incident in incidents:
        by_kind.setdefault(incident.kind, []).append(incident.occurred_at)
        if any(now - COOL_OFF <= stamp <= now + timedelta(minutes=5) for stamp in (incident.occurred_at, incident.logged_at)):
            recent += 1
    kinds = tuple(
        sorted(
            (KindCount(kind, len(times), max(times)) for kind, times in by_kind.items()),
            key=lambda k: (-k.count, k.kind),
        )
    )

    late_days: list[int] = []
    worst = 0
    overdue = 0
    overdue_worst = 0
    owed: list[tuple[str, int]] = []
    count = 0
    for invoice in invoices:
        count += 1
        if invoice.status == "written_off":
            continue
        if invoice.status == "paid" and invoice.paid_on is not None:
            days = (invoice.paid_on - invoice.due_on).days
            if days > 0:
                late_days.append(days)
                worst = max(worst, days)
            continue
        if invoice.balance_minor > 0:
            owed.append((invoice.currency, invoice.balance_minor))
            if invoice.due_on < today:
                overdue += 1
                overdue_worst = max(overdue_worst, (today - invoice.due_on).days)

    since = since or client.created_at.date()
    return Evidence(
        client_id=client.id,
        client_name=client.name,
        client_since=since,
        client_days=max((today - since).days, 0),
        kinds=kinds,
        paid_late=len(late_days),
        late_avg_days=round(sum(late_days) / len(late_days)) if late_days else 0,
        late_worst_days=worst,
        overdue_now=overdue,
        overdue_worst_days=overdue_worst,
        owed=per_currency(owed),
        recent=recent,
        invoices=count,
        decided_lately=sum(1 for at in decisions if now - AGAIN_WINDOW <= at <= now),
    )


def for_client(ctx: "Context", client: Client) -> Evidence:
    """Read the client's incidents and invoices from the store and summarise them."""
    from bot.since import client_since

    incidents = ctx.store.incidents.for_client(ctx.owner, client.id)
    invoices = ctx.store.invoices.list(ctx.owner, client.id)
    return gather(
        client,
        incidents,
        invoices,
        ctx.today,
        ctx.now,
        [d.finished_at for d in ctx.store.dialogues.finished_for(ctx.owner, client.id) if d.finished_at],
        since=client_since(client, invoices, incidents, ctx.tz),
    )
