"""Recording a payment: the one rule behind `/invoice paid` and a reminder's Mark paid button.

A payment is written once per platform request (a retry answers "already
recorded"), refused when it is more than the balance or the invoice can no
longer be paid, and followed by the pattern-alert check for the client.
"""
from __future__ import annotations

from datetime import date

from bot import fmt
from bot.context import Context
from bot.errors import UserError
from bot.replies import Field, Reply
from bot.scoring import days_late
from storage.invoices import PaymentRefused
from storage.records import Invoice

#: Why an invoice takes no more payments (nor other changes), by its state.
CLOSED: dict[str, str] = {
    "already_paid": "error.invoice_already_paid",
    "written_off": "error.invoice_written_off",
    "deleted": "error.invoice_deleted",
}


def record_payment(ctx: Context, invoice: Invoice, amount: int | None, on: date) -> list[Reply]:
    """Shared by `/invoice paid` and the reminders' Mark paid button."""
    try:
        after, payment, created = ctx.store.invoices.pay(ctx.owner, invoice.id, amount, on, ctx.request_id)
    except PaymentRefused as refused:
        inv = refused.invoice
        if refused.reason == "too_much":
            raise UserError(
                "error.payment_too_much",
                usage="usage.invoice_paid",
                ref=inv.ref,
                balance=fmt.money(ctx.language, inv.balance_minor, inv.currency),
            ) from None
        raise UserError(CLOSED[refused.reason], usage="usage.invoice_list", ref=inv.ref) from None
    if created:
        from bot.alerts.check import check_client

        check_client(ctx, after.client_id)  # a pattern alert, queued after the write
    money = fmt.money(ctx.language, payment.amount_minor, payment.currency)
    if not created:
        return [Reply(text=ctx.t("invoice.payment_already_recorded", ref=after.ref, amount=money))]
    if after.status == "paid":
        late = days_late(after, ctx.today)
        context = ctx.t.n("invoice.paid_late", late) if late else ctx.t("invoice.paid_on_time")
        return [Reply(text=ctx.t("invoice.paid_in_full", ref=after.ref, amount=money), context=context)]
    return [
        Reply(
            text=ctx.t("invoice.paid_partly", ref=after.ref, amount=money),
            fields=(Field(ctx.t("field.balance"), fmt.money(ctx.language, after.balance_minor, after.currency)),),
        )
    ]
