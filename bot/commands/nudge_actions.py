"""The buttons on a reminder DM: Mark paid, Snooze 7 days, Show text for the client, Should I fire them?

Ids are `nudge:<action>:<invoice_id>:<stage>` (see `bot/nudges/render.py`).
Each click re-reads the invoice, so a button on a days-old DM answers for the
invoice as it is now: paid since, written off, or re-armed by a new due date.
Paying and snoozing go through the same functions as `/invoice paid` and
`/invoice snooze`, so the rules (and their error messages) are the same.
"""
from __future__ import annotations

from bot import fmt
from bot.context import Context
from bot import dialogue
from bot.nudges import policy
from bot.payments import record_payment
from bot.registry import action
from bot.replies import Reply
from bot.snooze import snooze_invoice
from storage.records import Invoice

SNOOZE_DAYS = 7


@action("nudge")
def nudge_button(ctx: Context, action_id: str) -> list[Reply]:
    from bot.nudges.render import parse_button  # the reminder's words on the first click, not at start-up (issue 20)

    parsed = parse_button(action_id)
    if parsed is None:
        return [Reply(text=ctx.t("nudge.button_unknown"), is_error=True)]
    name, invoice_id, stage = parsed
    invoice = ctx.store.invoices.get(ctx.owner, invoice_id)
    if invoice is None or invoice.status == "deleted":
        return [Reply(text=ctx.t("nudge.invoice_gone"), is_error=True)]
    if name == "paid":
        return mark_paid(ctx, invoice)
    if name == "snooze":
        return snooze_invoice(ctx, invoice, SNOOZE_DAYS)
    if name == "text":
        return show_text(ctx, invoice, stage)
    return fire(ctx, invoice)


def mark_paid(ctx: Context, invoice: Invoice) -> list[Reply]:
    """Settle the remaining balance as of today (a second click is told it is already paid)."""
    return record_payment(ctx, invoice, None, ctx.today)


def show_text(ctx: Context, invoice: Invoice, stage: str) -> list[Reply]:
    from bot import letters
    from bot.nudges.texts import client_text, stage_label

    client = ctx.store.clients.get(ctx.owner, invoice.client_id)
    if client is None:
        return [Reply(text=ctx.t("nudge.invoice_gone"), is_error=True)]
    if invoice.status == "paid":
        when = fmt.day(ctx.language, invoice.paid_on) if invoice.paid_on else ""
        return [Reply(text=ctx.t("nudge.text_paid", ref=invoice.ref, date=when))]
    if invoice.status == "written_off":
        return [Reply(text=ctx.t("nudge.text_written_off", ref=invoice.ref))]
    notes: list[str] = []
    if ctx.store.nudges.claimed(invoice.id, invoice.due_on, stage) is None:
        # The ladder was re-armed by a new due date since this reminder went out.
        offsets = policy.offsets_of(ctx.store.workspaces.offsets(ctx.owner.workspace), ctx.owner.workspace)
        current = policy.due_stage(policy.days_overdue(invoice.due_on, ctx.today), offsets)
        due = fmt.day(ctx.language, invoice.due_on)
        if current is None:
            return [Reply(text=ctx.t("nudge.text_not_overdue", ref=invoice.ref, due=due))]
        notes.append(ctx.t("nudge.text_changed", ref=invoice.ref, due=due, stage=stage_label(ctx, current)))
        stage = current
    if invoice.paid_minor > 0:
        notes.append(ctx.t("nudge.text_partial", balance=fmt.money(ctx.language, invoice.balance_minor, invoice.currency)))
    notes.append(letters.ask_signature_once(ctx))
    return [
        Reply(
            title=ctx.t("nudge.client_text.header", client=client.name, ref=invoice.ref),
            text=client_text(ctx, client, invoice, stage, ctx.today),
            context="\n".join(n for n in notes if n),
        )
    ]


def fire(ctx: Context, invoice: Invoice) -> list[Reply]:
    """Start the decision dialogue for this client."""
    client = ctx.store.clients.get(ctx.owner, invoice.client_id)
    if client is None:
        return [Reply(text=ctx.t("nudge.invoice_gone"), is_error=True)]
    return dialogue.start_for(ctx, client)
