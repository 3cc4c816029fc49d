"""The nudge DM as a platform-neutral `Reply`, and its buttons.

Rendered at delivery time from the ledger rows of one DM and the invoices as
they are now: an invoice paid since the claim drops out (and a DM with
nothing left is not sent), a partial payment shows the remaining balance.
Button ids are `nudge:<action>:<invoice_id>:<stage>`: self-describing, so a
click days later, after a restart, still finds its invoice.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot import fmt
from bot.nudges import policy
from bot.nudges.texts import client_text, fee_for, history_line, percent_text, stage_label
from bot.replies import Choice, Reply
from storage.records import Client, Invoice

if TYPE_CHECKING:
    from bot.context import Context
    from storage.nudges import Message

ACTIONS = ("paid", "snooze", "text", "fire")
#: Invoices in one DM that get their own buttons (3 each): Discord shows at most 25 per message.
MAX_INVOICES_WITH_BUTTONS = 6


def button_id(action: str, invoice_id: int, stage: str) -> str:
    return f"nudge:{action}:{invoice_id}:{stage}"


def parse_button(action_id: str) -> tuple[str, int, str] | None:
    """(action, invoice id, stage), or None for an id this version does not understand."""
    parts = action_id.split(":")
    if len(parts) != 4 or parts[0] != "nudge" or parts[1] not in ACTIONS or parts[3] not in policy.STAGES:
        return None
    try:
        invoice_id = int(parts[2])
    except ValueError:
        return None
    return parts[1], invoice_id, parts[3]


def message_replies(ctx: "Context", msg: "Message") -> list[Reply]:
    """The DM for one claimed message, or [] when every invoice in it is settled."""
    client = ctx.store.clients.get(ctx.owner, msg.client_id)
    if client is None:
        return []
    items: list[tuple[Invoice, str]] = []
    for item in ctx.store.nudges.items(msg.id):
        invoice = ctx.store.invoices.get(ctx.owner, item.invoice_id)
        if invoice is None or invoice.status != "open" or invoice.balance_minor <= 0:
            continue
        items.append((invoice, item.stage))
    if not items:
        return []
    return [nudge_reply(ctx, client, items, ctx.today)]


def nudge_reply(ctx: "Context", client: Client, items: list[tuple[Invoice, str]], today: date) -> Reply:
    """One DM for one client: each invoice, the history line, the client texts, the buttons."""
    # The most urgent first: highest stage, then the oldest due date.
    items = sorted(items, key=lambda pair: (-policy.stage_rank(pair[1]), pair[0].due_on, pair[0].id))
    single = len(items) == 1
    if single:
        title = ctx.t("nudge.title.one", ref=items[0][0].ref, client=client.name)
    else:
        title = ctx.t.n("nudge.title.many", len(items), client=client.name)
    blocks: list[str] = []
    lines: list[str] = []
    choices: list[Choice] = []
    for index, (invoice, stage) in enumerate(items):
        overdue = policy.days_overdue(invoice.due_on, today)
        block = [ctx.t("nudge.item.head", ref=invoice.ref, stage=stage_label(ctx, stage))]
        amount = fmt.money(ctx.language, invoice.amount_minor, invoice.currency)
        if invoice.paid_minor > 0:
            block.append("• " + ctx.t("nudge.item.amount_partial", amount=amount,
                                      balance=fmt.money(ctx.language, invoice.balance_minor, invoice.currency)))
        else:
            block.append("• " + ctx.t("nudge.item.amount", amount=amount))
        block.append("• " + ctx.t.n("nudge.item.due", overdue, due=fmt.day(ctx.language, invoice.due_on)))
        blocks.append("\n".join(block))
        header = ctx.t("nudge.client_text.header", client=client.name, ref=invoice.ref)
        lines.append(f"{header}\n{client_text(ctx, client, invoice, stage, today)}")
        if policy.at_least_final(stage):
            percent, fee = fee_for(ctx, client, invoice)
            lines.append(ctx.t("nudge.fee_note", percent=percent_text(ctx, percent),
                               fee=fmt.money(ctx.language, fee, invoice.currency)))
        if index >= MAX_INVOICES_WITH_BUTTONS:
            continue
        paid, snooze, text = ("nudge.button.paid", "nudge.button.snooze", "nudge.button.text") if single else (
            "nudge.button.paid_ref", "nudge.button.snooze_ref", "nudge.button.text_ref")  # several invoices: each names its ref
        choices.append(Choice(button_id("paid", invoice.id, stage), ctx.t(paid, ref=invoice.ref), "primary"))
        choices.append(Choice(button_id("snooze", invoice.id, stage), ctx.t(snooze, ref=invoice.ref)))
        choices.append(Choice(button_id("text", invoice.id, stage), ctx.t(text, ref=invoice.ref)))
    if len(items) > MAX_INVOICES_WITH_BUTTONS:
        lines.append(ctx.t("nudge.more_invoices", shown=MAX_INVOICES_WITH_BUTTONS))
    top_invoice, top_stage = items[0]
    if policy.at_least_final(top_stage):
        # Firing is about the client, so one button however many invoices are overdue.
        choices.append(Choice(button_id("fire", top_invoice.id, top_stage), ctx.t("nudge.button.fire"), "danger"))
        lines.append(ctx.t("nudge.incident_logged", client=client.name))
    text = "\n\n".join(blocks) + "\n\n" + ctx.t("nudge.history.label", history=history_line(ctx, client, today))
    return Reply(title=title, text=text, lines=tuple(lines), choices=tuple(choices), private=True)
