"""The words of a nudge: stage names, the client's payment history, and the letter to the client.

Every string comes from the `nudges` catalog; this module only picks the
message id and fills the amounts (each in its own currency) and dates (in
the user's language).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot import fmt, letters
from bot.nudges import policy
from storage.records import Client, Invoice

if TYPE_CHECKING:
    from bot.context import Context

#: Days the final notice gives the client to pay.
FINAL_NOTICE_DAYS = 7


#: A reminder stage's name.
STAGE_LABELS: dict[str, str] = {
    "friendly": "nudge.stage.friendly",
    "firm": "nudge.stage.firm",
    "final": "nudge.stage.final",
    "escalate": "nudge.stage.escalate",
}

#: The reminder text per stage: (first of its stage, after earlier reminders of the same invoice).
CLIENT_TEXTS: dict[str, tuple[str, str]] = {
    "friendly": ("nudge.client.friendly", "nudge.client.friendly"),
    "firm": ("nudge.client.firm", "nudge.client.firm"),
    "final": ("nudge.client.final", "nudge.client.final_reminded"),
    "escalate": ("nudge.client.escalate", "nudge.client.escalate_reminded"),
}


def stage_label(ctx: "Context", stage: str) -> str:
    return ctx.t(STAGE_LABELS[stage])


def late_fee_percent(ctx: "Context") -> float:
    custom = ctx.store.workspaces.late_fee_percent(ctx.owner.workspace)
    return custom if custom is not None and custom >= 0 else float(policy.DEFAULT_LATE_FEE_PERCENT)


def fee_for(ctx: "Context", client: Client, invoice: Invoice) -> tuple[float, int]:
    """(percent, fee in minor units) for this client's final letter: its own rate or fixed fee
    (`/client set … late_fee=`), else the workspace's. A fixed fee in another currency than the
    invoice is never converted: the rate applies instead. A fixed fee shows as its share of the balance."""
    own = ctx.store.client_settings.late_fee(ctx.owner, client.id)
    balance = invoice.balance_minor
    if own is not None and own.percent is not None:
        return own.percent, late_fee_minor(balance, own.percent)
    if own is not None and own.fixed_minor and own.currency == invoice.currency and balance > 0:
        return round(own.fixed_minor * 100 / balance, 2), own.fixed_minor
    percent = late_fee_percent(ctx)
    return percent, late_fee_minor(balance, percent)


def late_fee_minor(balance_minor: int, percent: float) -> int:
    """The fee in minor units, rounded half up (never converted: same currency as the balance)."""
    return int(balance_minor * percent / 100 + 0.5)


def percent_text(ctx: "Context", percent: float) -> str:
    return fmt.number(ctx.language, percent, 2 if percent != int(percent) else 0)


def history_line(ctx: "Context", client: Client, today: date) -> str:
    """The client's late-payment record in one line, from the invoices on file."""
    h = ctx.store.invoices.payment_record(ctx.owner, client.id, today)
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
    """The ready-to-send letter for the client, in the tone of the stage.

    Addressed the way the language addresses this client (company or contact
    person), dates in full, signed with the user's name; it mentions earlier
    reminders only when the ledger shows an earlier stage really went out.
    """
    head = letters.Letterhead(letters.recipient_of(client), letters.sender_of(ctx.settings))
    balance = invoice.balance_minor
    percent, fee = fee_for(ctx, client, invoice)
    values = dict(
        client=client.name,
        ref=invoice.ref,
        amount=fmt.money(ctx.language, invoice.amount_minor, invoice.currency),
        balance=balance_phrase(ctx, invoice),
        due=letters.formal_date(ctx.language, invoice.due_on),
        terms=client.terms_days,
        percent=percent_text(ctx, percent),
        fee=fmt.money(ctx.language, fee, invoice.currency),
        total=fmt.money(ctx.language, balance + fee, invoice.currency),
        pay_by=letters.formal_date(ctx.language, today + timedelta(days=FINAL_NOTICE_DAYS)),
        **letters.values(ctx.t, head.recipient),
    )
    overdue = max(policy.days_overdue(invoice.due_on, today), 0)
    first, reminded = CLIENT_TEXTS[stage]
    key = reminded if stage in REMINDED_VARIANTS and earlier_reminders(ctx, invoice, stage) else first
    body = ctx.t.n(key, overdue, **values)
    return "\n\n".join((letters.greeting(ctx.t, head.recipient), body, letters.closing(ctx.t, head.sender)))


#: Stages whose letter can say "despite earlier reminders" — only when one was sent.
REMINDED_VARIANTS = ("final", "escalate")


def earlier_reminders(ctx: "Context", invoice: Invoice, stage: str) -> bool:
    """Did a lower stage of this invoice (for its current due date) go out before this one?"""
    sent = ctx.store.nudges.sent_stages(invoice.id, invoice.due_on)
    return any(policy.stage_rank(s) < policy.stage_rank(stage) for s in sent if s in policy.STAGES)


def balance_phrase(ctx: "Context", invoice: Invoice) -> str:
    """The amount still owed; after a partial payment it says so, so the client sees the arithmetic."""
    balance = fmt.money(ctx.language, invoice.balance_minor, invoice.currency)
    if invoice.paid_minor <= 0:
        return balance
    return ctx.t("nudge.client.balance_partial", balance=balance,
                 amount=fmt.money(ctx.language, invoice.amount_minor, invoice.currency))
