"""`/invoice edit <ref> [amount=…] [currency=…] [due=…] [issued=…] [ref=…]` and `/invoice delete <ref>`.

An edit keeps the first version in the history; a new due date or amount
re-plans the reminders the way `/invoice due` does. A delete asks first,
cancels the reminders not yet sent (sent ones stay on record) and frees the
reference. The Edit / Delete actions beside each listed invoice (`invfix:`
ids, by invoice id: a reference may contain anything) open the same form and
confirmation.
"""
from __future__ import annotations

from datetime import date

from bot import fmt
from bot.typed import read_amount, read_date
from bot.context import Context
from bot.errors import UserError
from bot import fix_buttons
from bot.commands.invoice import INVOICE_GROUP
from bot.declare import AMOUNT, CURRENCY, DATE, INVOICE, TEXT, Args
from bot.declare import Option as Param
from bot.parser import MAX_REF, clean_text, parse_currency
from bot.registry import action, form
from bot.replies import Form, FormField, Reply
from storage.records import Invoice

PREFIX = fix_buttons.INVOICE
EDIT_FORM = "invfix-edit"
KEYS = ("amount", "currency", "due", "issued", "ref")
#: How each editable part of an invoice is named.
KEY_LABELS: dict[str, str] = {
    "amount": "field.amount", "currency": "field.currency", "due": "field.due", "issued": "field.issued", "ref": "field.ref",
}


def _find(ctx: Context, ref: str, usage: str) -> Invoice:
    if not ref.strip():
        raise UserError("error.ref_missing", usage=usage)
    invoice = ctx.store.invoices.by_ref(ctx.owner, ref)
    if invoice is None:
        raise UserError("error.unknown_invoice", usage="usage.invoice_list", ref=ref)
    return invoice


# -- edit ------------------------------------------------------------------------
ANY_REF = Param("ref", INVOICE, required=True, positional=True)


@INVOICE_GROUP.sub("edit", usage="usage.invoice_edit", help=("help.invoice_fix",), options=(
    ANY_REF, Param("amount", AMOUNT), Param("currency", CURRENCY), Param("due", DATE), Param("issued", DATE),
    Param("new_ref", TEXT, key="ref", length=(1, MAX_REF))))
def edit(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_edit"
    if "ref" not in args:
        raise UserError("error.ref_missing", usage=usage)
    invoice = _find(ctx, args.text("ref"), usage)  # more words were refused by the grammar
    options = args.options("amount", "currency", "due", "issued", "new_ref")  # by their text keys (KEYS)
    if not options:
        return [edit_form(ctx, invoice)]
    return apply_edit(ctx, invoice, changes_from(ctx, invoice, options, usage))


def changes_from(ctx: Context, invoice: Invoice, options: dict[str, str], usage: str) -> dict:
    """Validated changes; raises UserError naming the first bad value (nothing is written)."""
    changes: dict = {}
    currency = invoice.currency
    if options.get("currency", "").strip():
        currency = parse_currency(options["currency"], usage)
        if currency != invoice.currency and invoice.paid_minor:
            raise UserError("error.currency_has_payments", usage=usage, ref=invoice.ref, currency=invoice.currency)
        changes["currency"] = currency
    if options.get("amount", "").strip():
        minor, symbol = read_amount(options["amount"], ctx.language, currency)
        if symbol and symbol != currency:
            raise UserError("error.currency_conflict", usage=usage, first=symbol, second=currency)
        if minor <= 0:
            raise UserError("error.amount_not_positive", usage=usage, amount=options["amount"])
        if minor < invoice.paid_minor:
            raise UserError("error.amount_below_paid", usage=usage, ref=invoice.ref,
                            paid=fmt.money(ctx.language, invoice.paid_minor, currency))
        changes["amount_minor"] = minor
    issued = read_date(options["issued"], ctx.today, usage, ctx.language, ctx.address.locale, past=True) if options.get("issued", "").strip() else invoice.issued_on
    due = read_date(options["due"], ctx.today, usage, ctx.language, ctx.address.locale) if options.get("due", "").strip() else invoice.due_on
    if due < issued:
        raise UserError("error.due_before_issued", usage=usage, due=fmt.day(ctx.language, due), issued=fmt.day(ctx.language, issued))
    if issued != invoice.issued_on:
        changes["issued_on"] = issued
    if due != invoice.due_on:
        changes["due_on"] = due
    if options.get("ref", "").strip():
        ref = clean_text(options["ref"].strip(), "ref", MAX_REF, usage)
        other = ctx.store.invoices.by_ref(ctx.owner, ref)
        if other is not None and other.id != invoice.id:
            raise UserError("error.invoice_exists", usage=usage, ref=other.ref)
        if ref != invoice.ref:
            changes["ref"] = ref
    return {k: v for k, v in changes.items() if getattr(invoice, k) != v}


def apply_edit(ctx: Context, invoice: Invoice, changes: dict) -> list[Reply]:
    if not changes:
        return [Reply(text=ctx.t("invoice.edit_unchanged", ref=invoice.ref))]
    payments = ctx.store.invoices.payments(ctx.owner, invoice.id)
    last_paid = max((p.paid_on for p in payments), default=None)
    ctx.store.corrections.edit_invoice(ctx.owner, invoice, changes, ctx.now, ctx.request_id, last_paid)
    after = ctx.store.invoices.get(ctx.owner, invoice.id)
    assert after is not None
    lines = []
    for key in KEYS:
        field = {"amount": "amount_minor", "due": "due_on", "issued": "issued_on"}.get(key, key)
        if field in changes:
            lines.append("• " + ctx.t("fix.changed_field", field=ctx.t(KEY_LABELS[key]),
                                      before=_show(ctx, invoice, field), after=_show(ctx, after, field)))
    context = ctx.t("invoice.edit_replanned") if {"due_on", "amount_minor"} & changes.keys() and after.status == "open" else ""
    return [Reply(text=ctx.t("invoice.edited", ref=after.ref), lines=tuple(lines), context=context)]


def _show(ctx: Context, inv: Invoice, field: str) -> str:
    value = getattr(inv, field)
    if field == "amount_minor":
        return fmt.money(ctx.language, value, inv.currency)
    if isinstance(value, date):
        return fmt.day(ctx.language, value)
    return str(value)


def edit_form(ctx: Context, invoice: Invoice) -> Reply:
    amount = str(fmt.to_decimal(invoice.amount_minor, invoice.currency))
    return Reply(
        text=ctx.t("invoice.edit_intro", ref=invoice.ref),
        form=Form(
            id=EDIT_FORM,
            title=ctx.t("invoice.edit_title"),
            submit_label=ctx.t("fix.save"),
            fields=(
                FormField(id="amount", label=ctx.t("field.amount"), initial=amount, max_length=40),
                FormField(id="currency", label=ctx.t("field.currency"), initial=invoice.currency, max_length=3),
                FormField(id="issued", label=ctx.t("field.issued"), initial=invoice.issued_on.isoformat(), max_length=20),
                FormField(id="due", label=ctx.t("field.due"), initial=invoice.due_on.isoformat(), max_length=20),
                FormField(id="ref", label=ctx.t("field.ref"), initial=invoice.ref, max_length=MAX_REF),
            ),
            context=str(invoice.id),
        ),
    )


@form(EDIT_FORM)
def edit_submitted(ctx: Context, values: dict[str, str]) -> list[Reply]:
    raw = values.get("_context", "")
    invoice = ctx.store.invoices.get(ctx.owner, int(raw)) if raw.isdigit() else None
    if invoice is None or invoice.status == "deleted":
        return [Reply(text=ctx.t("nudge.invoice_gone"), is_error=True)]
    options = {k: values.get(k, "") for k in KEYS}
    if options["amount"].strip() == str(fmt.to_decimal(invoice.amount_minor, invoice.currency)):
        options["amount"] = ""  # untouched: no need to re-read it in the user's locale
    try:
        changes = changes_from(ctx, invoice, options, "usage.invoice_edit")
    except UserError as err:
        field = {"error.invoice_exists": "ref", "error.unknown_currency": "currency", "error.currency_has_payments": "currency",
                 "error.due_before_issued": "due"}.get(err.key, "amount" if "amount" in err.key or "currency_conflict" in err.key else "due")
        return [Reply(form_errors=((field, ctx.t(err.key, **err.values)),), is_error=True)]
    return apply_edit(ctx, invoice, changes)


# -- delete ----------------------------------------------------------------------
@INVOICE_GROUP.sub("delete", usage="usage.invoice_delete", help=("help.invoice_fix",), options=(ANY_REF,))
def delete(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_delete"
    return ask_delete(ctx, _find(ctx, args.text("ref"), usage))


def ask_delete(ctx: Context, invoice: Invoice) -> list[Reply]:
    client = ctx.store.clients.get(ctx.owner, invoice.client_id)
    return [
        Reply(
            text=ctx.t("invoice.delete_confirm", ref=invoice.ref, name=client.name if client else "?",
                       amount=fmt.money(ctx.language, invoice.amount_minor, invoice.currency)),
            context=ctx.t("invoice.delete_effect"),
            choices=fix_buttons.confirm_choices(ctx, PREFIX, invoice.id, invoice.ref),
        )
    ]


@action(PREFIX)
def invoice_action(ctx: Context, action_id: str) -> list[Reply]:
    click = fix_buttons.read_click(ctx, action_id)
    if isinstance(click, list):
        return click
    verb, invoice_id = click
    invoice = ctx.store.invoices.get(ctx.owner, invoice_id)
    if invoice is None:
        return [Reply(text=ctx.t("nudge.invoice_gone"), is_error=True)]
    if invoice.status == "deleted":
        if verb == "delete":  # a second click or a retry: it is done already
            return [Reply(text=ctx.t("invoice.deleted", ref=invoice.ref), replaces=True)]
        return [Reply(text=ctx.t("nudge.invoice_gone"), is_error=True)]
    if verb == "edit":
        return [edit_form(ctx, invoice)]
    if verb == "ask":
        return ask_delete(ctx, invoice)
    if verb == "delete":
        change, _ = ctx.store.corrections.delete_invoice(ctx.owner, invoice, ctx.now, ctx.request_id)
        cancelled = int(change.after.get("cancelled_reminders", 0) or 0)
        return [
            Reply(
                text=ctx.t("invoice.deleted", ref=invoice.ref),
                context=ctx.t.n("invoice.deleted_reminders", cancelled) if cancelled else "",
                replaces=True,
            )
        ]
    return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
