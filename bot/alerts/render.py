"""The alert DM and the weekly digest as platform-neutral replies, with their buttons.

Rendered at delivery time, in the user's language, from the row's evidence
and the store as it is then. Button ids are `alert:<action>:<alert id>` and
`alert:list:<what>`: self-describing, so a click days later still works.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot import fmt, kinds
from bot.alerts import rules
from bot.money import totals
from bot.replies import Attachment, Choice, Reply

if TYPE_CHECKING:
    from bot.context import Context
    from storage.alerts import Alert

#: A client's trouble score must have grown by at least this many points in the week to be named.
TROUBLE_RISE = 1.0
#: At most this many invoice numbers are named on one digest line.
MAX_REFS = 5


def button(action: str, alert_id: int | str) -> str:
    return f"alert:{action}:{alert_id}"


def _percent(ctx: "Context", fraction: float) -> str:
    return fmt.percent(ctx.language, fraction)


def evidence_line(ctx: "Context", a: "Alert") -> str:
    e = a.evidence
    t = ctx.t
    if a.base == "repeat":
        return t.n("alert.evidence.repeat", int(e.get("count", 3)), kind=t(kinds.NAMES[str(e.get('kind'))]), days=e.get("days", 30))
    if a.base == "late":
        days = " → ".join(fmt.number(ctx.language, d) for d in e.get("days", []))
        refs = ", ".join(str(r) for r in e.get("refs", []))
        key = "alert.evidence.late_trend" if e.get("why") == "trend" else "alert.evidence.late_streak"
        return t(key, refs=refs, days=days)
    if a.base == "urgent":
        return t("alert.evidence.urgent", kind=t(kinds.NAMES[str(e.get('kind'))]))
    return t("alert.evidence.pareto", rank=e.get("rank", 1), clients=e.get("clients", 0),
             share=_percent(ctx, float(e.get("revenue_share", 0.0))))


def alert_replies(ctx: "Context", a: "Alert") -> list[Reply]:
    """The DM for one alert, or [] when its client is gone."""
    client = ctx.store.clients.get(ctx.owner, a.client_id) if a.client_id is not None else None
    if client is None:
        return []
    t = ctx.t
    choices = [Choice(button("show", a.id), t("alert.button.show"))]
    if a.base == "urgent":
        choices.insert(0, Choice(button("fire", a.id), t("alert.button.fire_now"), "danger"))
    else:
        choices.append(Choice(button("fire", a.id), t("alert.button.fire")))
    if a.advice in rules.CLAUSES:
        choices.append(Choice(button("clause", a.id), t("alert.button.clause"), "primary"))
    choices.append(Choice(button("later", a.id), t("alert.button.later")))
    files: tuple[Attachment, ...] = ()
    if a.base == "pareto":
        files = _chart(ctx)
    return [Reply(
        title=t(TITLES[a.base], client=client.name),
        text=evidence_line(ctx, a),
        lines=(t(ADVICE_LINES[a.advice]),),
        context=t("alert.footer"),
        choices=tuple(choices),
        files=files,
        private=True,
    )]


#: The heading of an alert, per rule (`rules.RULES`).
TITLES: dict[str, str] = {
    "repeat": "alert.title.repeat",
    "late": "alert.title.late",
    "urgent": "alert.title.urgent",
    "pareto": "alert.title.pareto",
}
#: The advice line, per advice (`Finding.advice`).
ADVICE_LINES: dict[str, str] = {
    "revisions": "alert.advice.revisions",
    "payment_policy": "alert.advice.payment_policy",
    "goals": "alert.advice.goals",
    "hours": "alert.advice.hours",
    "late_fee": "alert.advice.late_fee",
    "stop": "alert.advice.stop",
    "pareto": "alert.advice.pareto",
}
#: The contract clause to paste, per advice that has one (`rules.CLAUSES`).
CLAUSE_TEXTS: dict[str, str] = {
    "revisions": "alert.clause.revisions",
    "payment_policy": "alert.clause.payment_policy",
    "goals": "alert.clause.goals",
    "hours": "alert.clause.hours",
    "late_fee": "alert.clause.late_fee",
}


def _chart(ctx: "Context") -> tuple[Attachment, ...]:
    """The Pareto chart of `/client report`, when it can be drawn."""
    try:
        from bot.report.pareto import pareto
        from bot.report.text import chart_file
        from bot.standings import troubles

        p = pareto(troubles(ctx))
        if p.top_share is None:
            return ()
        return (chart_file(ctx, p),)
    except Exception:  # no chart is better than no alert
        return ()


# -- the weekly digest -------------------------------------------------------------------
def digest_reply(ctx: "Context") -> Reply:
    """One screen: money owed, what went and goes overdue, payments, reminders, rising trouble, one advice line."""
    from bot.scoring import trouble_score

    t = ctx.t
    store = ctx.store
    today = ctx.today
    week_ago = today - timedelta(days=7)
    invoices = store.invoices.list(ctx.owner)
    clients = {c.id: c for c in store.clients.list(ctx.owner)}
    open_ = [i for i in invoices if i.status == "open" and i.balance_minor > 0]
    lines: list[str] = []
    owed = [(i.balance_minor, i.currency) for i in open_]
    lines.append(t("digest.owed", amounts=totals(ctx, owed)) if owed else t("digest.owed_none"))
    went = sorted((i for i in open_ if week_ago <= i.due_on < today), key=lambda i: i.due_on)
    lines.append(_refs_line(ctx, "digest.went_overdue", went) if went else t("digest.went_overdue_none"))
    coming = sorted((i for i in open_ if today <= i.due_on < today + timedelta(days=7)), key=lambda i: i.due_on)
    lines.append(_refs_line(ctx, "digest.due_next_week", coming) if coming else t("digest.due_next_week_none"))
    payments = [p for c in clients for p in store.invoices.payments_for_client(ctx.owner, c) if week_ago <= p.paid_on <= today]
    if payments:
        lines.append(t.n("digest.payments", len(payments), amounts=totals(ctx, [(p.amount_minor, p.currency) for p in payments])))
    else:
        lines.append(t("digest.payments_none"))
    start = ctx.now - timedelta(days=7)
    sent, failed = store.alerts.reminders_between(ctx.owner, start, ctx.now)
    lines.append(t.n("digest.reminders", sent) + (" " + t.n("digest.reminders_failed", failed) if failed else ""))
    marks = store.incidents.kinds_by_client(ctx.owner)
    rose = []
    for cid, client in clients.items():
        invs = [i for i in invoices if i.client_id == cid]
        pairs = [(k, w) for k, ws in marks.get(cid, {}).items() for w in ws]
        now_score = trouble_score(pairs, invs, today)
        then_score = trouble_score([(k, w) for k, w in pairs if w.astimezone(ctx.tz).date() < week_ago], invs, week_ago)
        if now_score - then_score >= TROUBLE_RISE:
            rose.append(client.name)
    if rose:
        lines.append(t("digest.trouble_rose", names=", ".join(sorted(rose, key=str.casefold))))
    advice = _open_advice(ctx, clients)
    if advice:
        lines.append(advice)
    choices = (
        Choice(button("list", "overdue"), t("digest.button.overdue"), "primary"),
        Choice(button("list", "invoices"), t("digest.button.invoices")),
        Choice(button("list", "clients"), t("digest.button.clients")),
    )
    return Reply(title=t("digest.title", date=fmt.day(ctx.language, today)), text="", lines=tuple(lines),
                 choices=choices, private=True)


def _refs_line(ctx: "Context", key: str, invs: list) -> str:  # type: ignore[type-arg]
    refs = ", ".join(i.ref for i in invs[:MAX_REFS]) + (" …" if len(invs) > MAX_REFS else "")
    return ctx.t.n(key, len(invs), refs=refs, amounts=totals(ctx, [(i.balance_minor, i.currency) for i in invs]))


def _open_advice(ctx: "Context", clients: dict) -> str:  # type: ignore[type-arg]
    """The advice of the latest pattern of the last 30 days that is not silenced, as one line."""
    since = ctx.now - rules.NOT_NOW
    for a in reversed(ctx.store.alerts.for_owner(ctx.owner, "alert")):
        if a.created_at < since or a.client_id not in clients or a.status == "cancelled":
            continue
        until = ctx.store.alerts.silenced(ctx.owner, a.client_id).get(a.rule)
        if until is not None and ctx.now < until:
            continue
        return ctx.t("digest.advice", client=clients[a.client_id].name, advice=ctx.t(ADVICE_LINES[a.advice]))
    return ""
