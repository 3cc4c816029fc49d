"""A client's history, merged from every feature that adds to it.

Each source returns `TimelineEvent`s for one client; `/client show`, the
export and the dialogue's evidence all read the same merged list, so a new
kind of event (a nudge, a decision) shows up everywhere by adding its source
to `sources()`. The list is written out there, not filled by importing
feature modules, so what an export holds never depends on which modules
happen to have been imported.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timezone
from operator import attrgetter
from typing import TYPE_CHECKING, Callable

from bot import fmt, kinds

if TYPE_CHECKING:
    from bot.context import Context
    from storage.records import Client, Incident


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a client's history, whatever table it came from."""
    at: datetime  # UTC
    type: str  # "incident" | "invoice" | "payment" | "nudge" | "decision" | ...
    summary: str  # one translated line
    detail: str = ""  # verbatim text (a note), never translated
    ref: str | None = None
    amount_minor: int | None = None
    currency: str | None = None
    date_only: bool = False  # a calendar date (invoice issued, payment made): show no time of day
    entity: str = ""  # "incident:<number>" | "invoice:<id>": what a correction on this line would change
    logged_at: datetime | None = None  # when it was put on file, if that differs in kind from `at` (an incident)


#: The timeline's order: time, then type (C-level key: a dossier sorts 10 000 events, issue 20).
_ORDER = attrgetter("at", "type")

Source = Callable[["Context", "Client"], list[TimelineEvent]]


def sources() -> list[Source]:
    """Every source of a client's history, in one list."""
    from bot.dialogue.history import decisions
    from bot.history_view import corrections
    from bot.nudges.timeline import nudges_sent

    return [incidents, invoices, nudges_sent, decisions, corrections]


def timeline(ctx: "Context", client: "Client", *, incidents: "list[Incident] | None" = None) -> list[TimelineEvent]:
    """Every source's events in time order; `incidents`, when the caller has read them already, are not read again."""
    events: list[TimelineEvent] = []
    for src in sources():
        if src is incidents_source and incidents is not None:
            events.extend(incident_events(ctx, client, incidents))
        else:
            events.extend(src(ctx, client))
    return sorted(events, key=_ORDER)


def latest(ctx: "Context", client: "Client", incidents: "list[Incident]", count: int) -> tuple[int, list[TimelineEvent]]:
    """How many events the timeline holds and its last `count`, as `timeline(...)[-count:]` gives them.

    `/client show` shows ten lines of a history that may hold 10 000 incidents: they are ordered by
    the same key and the same stable sort, but only the incidents shown become events (issue 20).
    """
    others: list[TimelineEvent] = []
    for src in sources():
        if src is not incidents_source:
            others.extend(src(ctx, client))
    keyed: list[tuple[datetime, str, object]] = [
        (day_start(ctx, i.occurred_on) if i.occurred_on else i.occurred_at, "incident", i) for i in incidents
    ]
    keyed += [(e.at, e.type, e) for e in others]
    keyed.sort(key=lambda k: (k[0], k[1]))
    tail = keyed[-count:] if count > 0 else []
    shown = [k[2] for k in tail]
    made = iter(incident_events(ctx, client, [r for r in shown if not isinstance(r, TimelineEvent)]))  # type: ignore[misc]
    return len(keyed), [r if isinstance(r, TimelineEvent) else next(made) for r in shown]


def when(ctx: "Context", event: TimelineEvent) -> str:
    """The event's time as the user reads it: a date, or a date and time in their zone."""
    if event.date_only:
        return fmt.day(ctx.language, event.at.astimezone(ctx.tz).date())
    return fmt.moment(ctx.language, ctx.tz, event.at)


def day_start(ctx: "Context", d) -> datetime:
    """A calendar date in the user's zone as the UTC instant it began (for date-only events)."""
    return datetime.combine(d, time(0, 0), tzinfo=ctx.tz).astimezone(timezone.utc)


def incidents(ctx: "Context", client: "Client") -> list[TimelineEvent]:
    return incident_events(ctx, client, ctx.store.incidents.for_client(ctx.owner, client.id))


def incident_events(ctx: "Context", client: "Client", rows: "list[Incident]") -> list[TimelineEvent]:
    """The client's incidents (already read, oldest first) as timeline events."""
    summaries: dict[str, str] = {}  # one translation per kind, not per incident (a dossier may hold thousands)

    def summary(kind: str) -> str:
        if kind not in summaries:
            summaries[kind] = ctx.t("timeline.incident", kind=ctx.t(kinds.NAMES[kind]))
        return summaries[kind]

    corrected = ctx.store.history.corrected_ids(ctx.owner, "incident", client.id)
    mark = ctx.t("fix.corrected_mark") if corrected else ""
    events: list[TimelineEvent] = []
    append, new = events.append, object.__new__
    for i in rows:
        kind_line = summaries.get(i.kind) or summary(i.kind)
        on = i.occurred_on
        event = new(TimelineEvent)  # `_made`, inlined: once per incident of 10 000
        event.__dict__.update(
            at=day_start(ctx, on) if on else i.occurred_at,
            type="incident",
            summary=f"{kind_line} (#{i.number}) {mark}" if i.id in corrected else f"{kind_line} (#{i.number})",
            detail=i.note,
            ref=i.source_ref,  # the captured chat message's permalink, when there is one
            amount_minor=None,
            currency=None,
            date_only=on is not None,  # back-dated with on=<date>: the day, no invented time
            entity=f"incident:{i.number}",
            logged_at=i.logged_at,
        )
        append(event)
    return events


def _made(**fields: object) -> TimelineEvent:
    """A `TimelineEvent` from every one of its fields, without the frozen `__init__`'s ten `object.__setattr__`s.

    Equal to `TimelineEvent(**fields)` (same fields, same frozen instance); about 3× cheaper, which
    is a tenth of an export of 10 000 incidents (issue 20). Every field must be given.
    """
    event = object.__new__(TimelineEvent)
    event.__dict__.update(fields)
    return event


incidents_source = incidents


def invoices(ctx: "Context", client: "Client") -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for inv in ctx.store.invoices.list(ctx.owner, client.id):
        events.append(
            TimelineEvent(
                at=day_start(ctx, inv.issued_on),
                type="invoice",
                summary=ctx.t(
                    "timeline.invoice",
                    ref=inv.ref,
                    amount=fmt.money(ctx.language, inv.amount_minor, inv.currency),
                    due=fmt.day(ctx.language, inv.due_on),
                ),
                ref=inv.ref,
                amount_minor=inv.amount_minor,
                currency=inv.currency,
                date_only=True,
                entity=f"invoice:{inv.id}",
            )
        )
        for p in ctx.store.invoices.payments(ctx.owner, inv.id):
            late = (p.paid_on - inv.due_on).days
            events.append(
                TimelineEvent(
                    at=day_start(ctx, p.paid_on),
                    type="payment",
                    summary=(
                        ctx.t.n("timeline.payment_late", late, ref=inv.ref, amount=fmt.money(ctx.language, p.amount_minor, p.currency))
                        if late > 0
                        else ctx.t("timeline.payment", ref=inv.ref, amount=fmt.money(ctx.language, p.amount_minor, p.currency))
                    ),
                    ref=inv.ref,
                    amount_minor=p.amount_minor,
                    currency=p.currency,
                    date_only=True,
                )
            )
    return events
