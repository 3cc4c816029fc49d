"""The words of a nudge: stage names, the client's payment history, and the letter to the client.

Every string comes from the `nudges` catalog; this module only picks the
message id and fills the amounts (each in its own currency) and dates (in
the user's language).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot import fmt
from bot.nudges import policy
from storage.records import Client, Invoice

if TYPE_CHECKING:
    from bot.context import Context

#: Days the final notice gives the client to pay.
FINAL_NOTICE_DAYS = 7


def stage_label(ctx: "Context", stage: str) -> str:
    return ctx.t(f"nudge.stage.{stage}")


def late_fee_percent(ctx: "Context") -> float:
    custom = ctx.store.nudges.late_fee_percent(ctx.owner.workspace)
    return custom if custom is not None and custom >= 0 else float(policy.DEFAULT_LATE_FEE_PERCENT)


def late_fee_minor(balance_minor: int, percent: float) -> int:
    """The fee in minor units, rounded half up (never converted: same currency as the balance)."""
    return int(balance_minor * percent / 100 + 0.5)


def percent_text(ctx: "Context", percent: float) -> str:
    return fmt.number(ctx.language, percent, 2 if percent != int(percent) else 0)


def history_line(ctx: "Context", client: Client, today: date) -> str:
    """The client's late-payment record in one line, from the invoices on file."""
    h = ctx.store.nudges.history(ctx.owner, client.id, today)
    if not h.paid:
        return ctx.t.n("nudge.history.none", h.overdue)
    if h.late:
        text = ctx.t.n("nudge.history.paid", h.paid, late=h.late)
        text += " " + ctx.t.n("nudge.history.average", h.average_late)
    else:
        text = ctx.t.n("nudge.history.on_time", h.paid)
    if h.overdue:
        text += " " + ctx.t.n("nudge.history.overdue", h.overdue)
    return text


def client_text(ctx: "Context", client: Client, invoice: Invoice, stage: str, today: date) -> str:
    """The ready-to-send message for the client, in the tone of the stage."""
    balance = invoice.balance_minor
    percent = late_fee_percent(ctx)
    fee = late_fee_minor(balance, percent)
    values = dict(
        client=client.name,
        ref=invoice.ref,
        amount=fmt.money(ctx.language, invoice.amount_minor, invoice.currency),
        balance=balance_phrase(ctx, invoice),
        due=fmt.day(ctx.language, invoice.due_on),
        terms=client.terms_days,
        percent=percent_text(ctx, percent),
        fee=fmt.money(ctx.language, fee, invoice.currency),
        total=fmt.money(ctx.language, balance + fee, invoice.currency),
        pay_by=fmt.day(ctx.language, today + timedelta(days=FINAL_NOTICE_DAYS)),
    )
    overdue = max(policy.days_overdue(invoice.due_on, today), 0)
    return ctx.t.n(f"nudge.client.{stage}{_first(ctx, invoice, stage)}", overdue, **values)


def _first(ctx: "Context", invoice: Invoice, stage: str) -> str:
    """"_first" when the texts before this stage never went out (an invoice added already overdue,
    or a bot that was down): then the letter must not speak of earlier reminders."""
    if stage not in ("final", "escalate"):
        return ""
    sent = ctx.store.nudges.sent_stages(invoice.id, invoice.due_on)
    earlier = {s for s in sent if policy.stage_rank(s) < policy.stage_rank(stage)}
    if stage == "final":
        return "" if earlier else "_first"
    # The escalation letter speaks of "my reminders and final notice": all of them must have gone out.
    return "" if "final" in earlier and earlier - {"final"} else "_first"


def balance_phrase(ctx: "Context", invoice: Invoice) -> str:
    """The amount still owed; after a partial payment it says so, so the client sees the arithmetic."""
    balance = fmt.money(ctx.language, invoice.balance_minor, invoice.currency)
    if invoice.paid_minor <= 0:
        return balance
    return ctx.t("nudge.client.balance_partial", balance=balance,
                 amount=fmt.money(ctx.language, invoice.amount_minor, invoice.currency))
