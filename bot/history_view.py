"""The correction history on the timeline: every edit, deletion, rename and merge, in the user's words.

One of the timeline's sources (`bot/timeline.py`), so `/client show`, the Markdown and the CSV
export all carry it: the first version of a corrected record stays readable
(in the change's detail: what it was, what it became), and a deleted one is
shown whole, marked deleted. Also the per-line Edit / Delete actions of the
dossier.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot import fmt, kinds
from bot.fix_buttons import incident_choices, invoice_choices
from bot.replies import Choice
from bot.timeline import TimelineEvent

if TYPE_CHECKING:
    from bot.context import Context
    from storage.history import Change
    from storage.records import Client


def event_choices(ctx: "Context", event: TimelineEvent) -> tuple[Choice, ...]:
    """Edit / Delete beside an incident or invoice line of the dossier."""
    kind, _, key = event.entity.partition(":")
    if not key.isdigit():
        return ()
    if kind == "incident":
        incident = ctx.store.incidents.by_number(ctx.owner, int(key))
        return incident_choices(ctx, incident) if incident else ()
    if kind == "invoice":
        invoice = ctx.store.invoices.get(ctx.owner, int(key))
        return invoice_choices(ctx, invoice) if invoice and invoice.status != "deleted" else ()
    return ()


def _value(ctx: "Context", key: str, value: Any, currency: str) -> str:
    if value is None or value == "":
        return "—"
    if key in ("amount_minor", "paid_minor"):
        return fmt.money(ctx.language, int(value), currency)
    if key == "occurred_at":
        return fmt.moment(ctx.language, ctx.tz, datetime.fromisoformat(value))
    if key in ("issued_on", "due_on"):
        return fmt.day(ctx.language, date.fromisoformat(value))
    if key == "kind":
        return ctx.t(kinds.NAMES[value])
    if key == "terms_days":
        return ctx.t.n("value.days", int(value))
    if key == "status":
        from bot.export import status_text

        return status_text(ctx.t, str(value))
    return str(value)


_LABELS = {
    "kind": "field.kind", "note": "field.note", "occurred_at": "field.on", "amount_minor": "field.amount",
    "currency": "field.currency", "issued_on": "field.issued", "due_on": "field.due", "ref": "field.ref",
    "name": "field.name", "terms_days": "field.terms", "late_fee": "field.late_fee", "paid_minor": "field.paid",
}


def differences(ctx: "Context", change: "Change") -> list[str]:
    """'Amount: €1,000.00 → €1,200.00' for every value the change altered."""
    currency = str(change.after.get("currency") or change.before.get("currency") or "EUR")
    out = []
    for key, label in _LABELS.items():
        if key not in change.before and key not in change.after:
            continue
        before, after = change.before.get(key), change.after.get(key)
        if before == after:
            continue
        before_currency = str(change.before.get("currency") or currency)
        out.append(ctx.t("fix.changed_field", field=ctx.t(label), before=_value(ctx, key, before, before_currency),
                         after=_value(ctx, key, after, currency)))
    return out


def was(ctx: "Context", change: "Change") -> str:
    """A deleted record, whole: what the trail showed before it was deleted."""
    b = change.before
    currency = str(b.get("currency") or "EUR")
    if change.entity == "incident":
        text = ctx.t("fix.was_incident", kind=_value(ctx, "kind", b.get("kind"), currency),
                     when=_value(ctx, "occurred_at", b.get("occurred_at"), currency))
        return text + (f"\n{b['note']}" if b.get("note") else "")
    return ctx.t("fix.was_invoice", amount=_value(ctx, "amount_minor", b.get("amount_minor"), currency),
                 issued=_value(ctx, "issued_on", b.get("issued_on"), currency),
                 due=_value(ctx, "due_on", b.get("due_on"), currency))


def describe(ctx: "Context", change: "Change") -> tuple[str, str]:
    """(summary, detail) of one change, for the timeline and the export."""
    b, a = change.before, change.after
    if change.entity == "incident":
        tag = f"#{b.get('number', '?')}"
        if change.action == "delete":
            return ctx.t("history.incident_deleted", id=tag), was(ctx, change)
        return ctx.t("history.incident_edited", id=tag), "\n".join(differences(ctx, change))
    if change.entity == "invoice":
        if change.action == "delete":
            return ctx.t("history.invoice_deleted", ref=b.get("ref", "?")), was(ctx, change)
        if change.action == "import":
            return ctx.t("history.invoice_imported", ref=a.get("ref", "?")), "\n".join(differences(ctx, change))
        return ctx.t("history.invoice_edited", ref=b.get("ref", "?")), "\n".join(differences(ctx, change))
    if change.action == "rename":
        return ctx.t("history.client_renamed", old=b.get("name", "?"), name=a.get("name", "?")), ""
    if change.action == "merge":
        from bot.commands.client_fix import counts_text

        counts = {k: int(b.get(k, 0) or 0) for k in ("incidents", "invoices", "payments", "reminders", "dialogues")}
        return ctx.t("history.client_merged", source=b.get("name", "?")), counts_text(ctx, counts)
    return ctx.t("history.client_settings"), "\n".join(differences(ctx, change))


def corrections(ctx: "Context", client: "Client") -> list[TimelineEvent]:
    events = []
    for change in ctx.store.history.for_client(ctx.owner, client.id):
        summary, detail = describe(ctx, change)
        events.append(TimelineEvent(at=change.changed_at, type="correction", summary=summary, detail=detail))
    return events
