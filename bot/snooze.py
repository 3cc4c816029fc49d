"""Snoozing an invoice's reminders: the one rule behind `/invoice snooze` and a reminder's Snooze button."""
from __future__ import annotations

from datetime import timedelta

from bot import fmt
from bot.context import Context
from bot.errors import UserError
from bot.replies import Reply
from storage.records import Invoice

#: Why an invoice has no reminders left to snooze, by its status.
CLOSED: dict[str, str] = {"paid": "error.snooze_paid", "written_off": "error.snooze_written_off"}


def snooze_invoice(ctx: Context, invoice: Invoice, days: int) -> list[Reply]:
    """Shared by `/invoice snooze` and the reminders' Snooze button."""
    if invoice.status != "open":
        raise UserError(CLOSED[invoice.status], usage="usage.invoice_list", ref=invoice.ref)
    until = ctx.today + timedelta(days=days)
    after = ctx.store.invoices.snooze(ctx.owner, invoice.id, until)
    return [Reply(text=ctx.t("invoice.snoozed", ref=after.ref, until=fmt.day(ctx.language, until)))]
