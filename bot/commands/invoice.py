"""`/invoice add|paid|list|snooze|due|writeoff`, and the invoice form."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from bot import fmt
from bot.fix_buttons import invoice_choices
from bot.context import Context
from bot.errors import UserError
from bot.money import totals
from bot.notify import Reason
from bot.payments import CLOSED, record_payment
from bot.snooze import snooze_invoice
from bot.parsing.ask import Ambiguous
from bot.parsing.examples import amount_example
from bot.parsing.dates import day_count
from bot.parsing.fold import loose_key
from bot.declare import AMOUNT, CLIENT, CURRENCY, DATE, FLAG, INTEGER, OPEN_INVOICE, TEXT, Args
from bot.declare import Option as Param  # bot.replies.Option is a form's choice
from bot.parser import MAX_REF, clean_text, find_client, parse_amount, parse_currency, parse_date, parse_int, tokenize
from bot.registry import form, group
from bot.replies import Field, Form, FormField, Option, Reply
from bot.scoring import days_late
from storage.invoices import DuplicateInvoice
from storage.records import Client, Invoice

FORM_ID = "invoice"


INVOICE_GROUP = group(
    "invoice", "usage.invoice",
    order=("add", "paid", "list", "snooze", "due", "writeoff", "edit", "delete", "import"),
    missing=("add", "paid", "list", "snooze", "due", "writeoff"),
)
THE_REF = Param("ref", OPEN_INVOICE, required=True, positional=True)


# -- add -----------------------------------------------------------------------
@INVOICE_GROUP.sub("add", usage="usage.invoice_add", help=("help.invoice_add",), options=(
    Param("client", CLIENT, required=True, positional=True),
    Param("amount", AMOUNT, required=True, positional=True, rest=True),
    Param("currency", CURRENCY, text=False),  # typed, the code ends the amount (`1200 EUR`)
    Param("due", DATE, spans=True), Param("terms", INTEGER, low=0, high=365),
    Param("ref", TEXT, length=(1, MAX_REF)), Param("issued", DATE, spans=True)))
def add(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_add"
    if not args.values:
        return [invoice_form(ctx)]
    if "client" not in args:
        raise UserError("error.client_missing", usage=usage)
    client = find_client(ctx, args.text("client"), usage)
    if "amount" not in args:
        raise UserError("error.amount_missing", usage=usage, name=client.name)
    # The amount may span several words: `€ 1.200,50`, `1.500.000 VNĐ`, `1,5 triệu`, `1200 EUR`.
    words = args.text("amount").split()
    explicit = parse_currency(args.text("currency"), usage) if "currency" in args else None
    if explicit is None and len(words) > 1 and _is_code(words[-1]):
        explicit = parse_currency(words.pop(), usage)
    minor, named = parse_amount(" ".join(words), ctx.language, explicit or client.currency)
    if explicit and named and explicit != named:
        raise UserError("error.currency_conflict", usage=usage, first=named, second=explicit)
    currency = explicit or named or client.currency
    return _create(ctx, client, minor=minor, currency=currency, options=args.options("due", "terms", "ref", "issued"), usage=usage)


def _is_code(word: str) -> bool:
    """A trailing ISO code (`1.500 TL TRY`, as Discord's separate currency option arrives)."""
    from bot.fmt import is_currency

    return bool(re.fullmatch(r"[A-Za-z]{3}", word)) and is_currency(word)


def _create(ctx: Context, client: Client, *, minor: int, currency: str, options: dict[str, str], usage: str) -> list[Reply]:
    """The one write behind `/invoice add` and its form: dates from the options or the client's terms."""
    client_terms = client.terms_days
    if "due" in options and "terms" in options:
        raise UserError("error.due_and_terms", usage=usage)
    issued, due, inferred = invoice_dates(ctx, options, client_terms, usage)
    if due < issued:
        raise UserError("error.due_before_issued", usage=usage, due=fmt.day(ctx.language, due), issued=fmt.day(ctx.language, issued))
    ref = options.get("ref", "").strip()
    if ref:
        ref = clean_text(ref, "ref", MAX_REF, usage)
    else:
        ref = _next_ref(ctx)
    try:
        invoice = ctx.store.invoices.add(ctx.owner, client.id, ref, minor, currency, issued, due, request_id=ctx.request_id)
    except DuplicateInvoice as dup:
        raise UserError("error.invoice_exists", usage=usage, ref=dup.existing.ref) from None
    return [
        Reply(
            text=ctx.t("invoice.added", ref=invoice.ref, name=client.name),
            fields=(
                Field(ctx.t("field.amount"), fmt.money(ctx.language, invoice.amount_minor, invoice.currency)),
                Field(ctx.t("field.issued"), fmt.day(ctx.language, invoice.issued_on)),
                Field(ctx.t("field.due"), fmt.day(ctx.language, invoice.due_on)),
            ),
            lines=(ctx.t.n("invoice.issued_inferred", client_terms, issued=fmt.day(ctx.language, invoice.issued_on)),)
            if inferred
            else (),
            context=ctx.t("invoice.added_hint", ref=invoice.ref),
        )
    ]


def invoice_dates(ctx: Context, options: dict[str, str], client_terms: int, usage: str) -> tuple[date, date, bool]:
    """(issued, due, issued-was-inferred). A past due date alone back-fills: issued = due - terms."""
    terms = parse_int(options["terms"], "terms", 0, 365, usage) if options.get("terms") else client_terms
    due = parse_date(options["due"], ctx.today, usage, ctx.language, ctx.address.locale) if options.get("due") else None
    if options.get("issued"):
        issued = parse_date(options["issued"], ctx.today, usage, ctx.language, ctx.address.locale, past=True)
        return issued, due or issued + timedelta(days=terms), False
    if due is not None and due < ctx.today:
        return due - timedelta(days=client_terms), due, True
    return ctx.today, due or ctx.today + timedelta(days=terms), False


def _next_ref(ctx: Context) -> str:
    n = ctx.store.invoices.count_for_owner(ctx.owner) + 1
    while ctx.store.invoices.by_ref(ctx.owner, f"INV-{n:04d}") is not None:
        n += 1
    return f"INV-{n:04d}"


def invoice_form(ctx: Context) -> Reply:
    clients = ctx.store.clients.list(ctx.owner)
    if not clients:
        raise UserError("error.no_clients_yet", usage="usage.client_add", name="")
    return Reply(
        text=ctx.t("invoice.form_intro"),
        form=Form(
            id=FORM_ID,
            title=ctx.t("invoice.form_title"),
            submit_label=ctx.t("invoice.form_submit"),
            fields=(
                FormField(id="client", label=ctx.t("field.client"), kind="select", options=tuple(Option(c.name, c.name) for c in clients)),
                FormField(id="amount", label=ctx.t("field.amount"), placeholder=amount_example(ctx), max_length=40),
                # No separate currency field: the amount takes one (`1200 USD`, `$1200`), and a
                # Discord modal holds five fields, so the issue date fits.
                FormField(id="due", label=ctx.t("field.due"), required=False, placeholder=ctx.t("invoice.due_placeholder"), max_length=20),
                FormField(id="issued", label=ctx.t("field.issued"), required=False, placeholder=ctx.t("invoice.issued_placeholder"), max_length=20),
                FormField(id="ref", label=ctx.t("field.ref"), required=False, placeholder="INV-0042", max_length=MAX_REF),
            ),
        ),
    )


@form(FORM_ID)
def invoice_submitted(ctx: Context, values: dict[str, str]) -> list[Reply]:
    errors: list[tuple[str, str]] = []
    client = ctx.store.clients.by_name(ctx.owner, values.get("client", "").strip()) if values.get("client", "").strip() else None
    if client is None:
        errors.append(("client", ctx.t("error.form_client_missing")))
    currency = None
    if values.get("currency", "").strip():
        try:
            currency = parse_currency(values["currency"], "usage.invoice_add")
        except UserError as err:
            errors.append(("currency", ctx.t(err.key, **err.values)))
    minor = None
    try:
        minor, symbol = parse_amount(values.get("amount", ""), ctx.language, currency or (client.currency if client else None))
        if currency and symbol and symbol != currency:
            raise UserError("error.currency_conflict", usage="usage.invoice_add", first=symbol, second=currency)
        currency = currency or symbol
    except Ambiguous as err:
        # A form cannot ask back: say what it could mean and keep the form open.
        errors.append(("amount", ctx.t("error.form_ambiguous", text=values.get("amount", ""), choices=ctx.t("ask.or").join(err.labels))))
    except UserError as err:
        errors.append(("amount", ctx.t(err.key, **err.values)))
    if errors or client is None or minor is None:
        return [Reply(form_errors=tuple(errors), is_error=True)]
    options = {k: values[k] for k in ("due", "issued", "ref") if values.get(k, "").strip()}
    try:
        return _create(ctx, client, minor=minor, currency=currency or client.currency, options=options, usage="usage.invoice_add")
    except Ambiguous as err:
        return [Reply(form_errors=(("due", ctx.t("error.form_ambiguous", text=values.get("due", ""), choices=ctx.t("ask.or").join(err.labels))),), is_error=True)]
    except UserError as err:
        field = "ref" if err.key == "error.invoice_exists" else "due"
        if err.values.get("date") is not None and err.values.get("date") == values.get("issued"):
            field = "issued"
        return [Reply(form_errors=((field, ctx.t(err.key, **err.values)),), is_error=True)]


# -- paid ----------------------------------------------------------------------
def _invoice(ctx: Context, ref: str, usage: str) -> Invoice:
    if not ref:
        raise UserError("error.ref_missing", usage=usage)
    invoice = ctx.store.invoices.by_ref(ctx.owner, ref)
    if invoice is None:
        raise UserError("error.unknown_invoice", usage="usage.invoice_list", ref=ref)
    return invoice


def _open_invoice(ctx: Context, ref: str, usage: str) -> Invoice:
    """An invoice that can still change: a settled or written-off one is refused with the reason."""
    invoice = _invoice(ctx, ref, usage)
    if invoice.status != "open":
        reason = "already_paid" if invoice.status == "paid" else invoice.status
        raise UserError(CLOSED[reason], usage="usage.invoice_list", ref=invoice.ref)
    return invoice


@INVOICE_GROUP.sub("paid", usage="usage.invoice_paid", help=("help.invoice_paid",), options=(
    THE_REF, Param("amount", AMOUNT, positional=True, rest=True), Param("on", DATE, spans=True)))
def paid(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_paid"
    if "ref" not in args:
        raise UserError("error.ref_missing", usage=usage)
    invoice = _invoice(ctx, args.text("ref"), usage)
    amount: int | None = None
    if "amount" in args:
        amount, given = parse_amount(args.text("amount"), ctx.language, invoice.currency)
        if given and given != invoice.currency:
            raise UserError("error.currency_mismatch", usage=usage, ref=invoice.ref, currency=given, expected=invoice.currency)
    on = parse_date(args.text("on"), ctx.today, usage, ctx.language, ctx.address.locale, past=True) if args.text("on") else ctx.today
    if on < invoice.issued_on:
        raise UserError("error.paid_before_issued", usage=usage, ref=invoice.ref, issued=fmt.day(ctx.language, invoice.issued_on))
    if on > ctx.today:
        raise UserError("error.paid_in_future", usage=usage, date=fmt.day(ctx.language, on))
    return record_payment(ctx, invoice, amount, on)


# -- list ----------------------------------------------------------------------
def _list_grammar(text: str, language: str) -> dict[str, object]:
    """`overdue` in any shipped language, with or without accents, anywhere: never part of the name."""
    tokens = tokenize(text)
    words = [t for t in tokens if t.quoted or loose_key(t.value, language) not in overdue_words()]
    values: dict[str, object] = {"overdue": True} if len(words) < len(tokens) else {}
    if words:
        values["client"] = " ".join(t.value for t in words)
    return values


@INVOICE_GROUP.sub("list", usage="usage.invoice_list", help=("help.invoice_list",), slow=True, grammar=_list_grammar,
                   options=(Param("client", CLIENT, positional=True, rest=True), Param("overdue", FLAG, positional=True)))
def list_invoices(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_list"
    overdue_only = args.flag("overdue")
    client = find_client(ctx, args.text("client"), usage) if "client" in args else None
    invoices = ctx.store.invoices.list(ctx.owner, client.id if client else None)
    clients = ctx.store.clients.list(ctx.owner)
    names = {c.id: c.name for c in clients}
    paused = {c.id for c in clients if c.paused}
    if overdue_only:
        invoices = [i for i in invoices if i.status == "open" and i.due_on < ctx.today]
    if not invoices:
        if overdue_only:
            return [Reply(text=ctx.t("invoice.none_overdue"))]
        return [Reply(text=ctx.t("invoice.none"), context=ctx.t("invoice.none_hint"))]
    failures = _delivery_failures(ctx)
    lines = []
    for inv in invoices:
        status = _status(ctx, inv)
        line = ctx.t(
            "invoice.list_line",
            ref=inv.ref,
            name=names.get(inv.client_id, "?"),
            amount=fmt.money(ctx.language, inv.amount_minor, inv.currency),
            due=fmt.day(ctx.language, inv.due_on),
            status=status,
        )
        if inv.status == "open" and inv.paid_minor:
            line += " " + ctx.t("invoice.list_balance", balance=fmt.money(ctx.language, inv.balance_minor, inv.currency))
        if inv.id in failures:
            line += " " + ctx.t("invoice.list_delivery_failed", reason=failures[inv.id])
        if inv.status == "open" and inv.client_id in paused:  # overdue, but no reminders go out
            line += " " + ctx.t("client.paused_mark")
        lines.append(line)
    outstanding = [(i.balance_minor, i.currency) for i in invoices if i.status == "open" and i.balance_minor]
    title = ctx.t.n("invoice.list_title", len(invoices))
    return [
        Reply(
            title=title,
            lines=tuple(lines),
            line_choices=tuple(invoice_choices(ctx, inv) for inv in invoices),
            fields=(Field(ctx.t("field.outstanding"), totals(ctx, outstanding) if outstanding else ctx.t("value.nothing_owed")),),
        )
    ]


@lru_cache(maxsize=1)
def overdue_words() -> frozenset[str]:
    from bot.i18n import LANGUAGES, messages

    words = {"overdue"} | {messages(lang)("invoice.word_overdue") for lang in LANGUAGES}
    return frozenset(loose_key(w, lang) for w in words for lang in LANGUAGES)


def _delivery_failures(ctx: Context) -> dict[int, str]:
    """Reminders that could not be delivered, per invoice."""
    return {f.invoice_id: _delivery_reason(ctx, f.kind, f.reason) for f in ctx.store.nudges.failures(ctx.owner)}


#: The core's delivery reasons (`bot.notify.Reason`, set by each adapter) in the user's words.
_REASON_TEXT: dict[Reason, str] = {
    Reason.DMS_CLOSED: "delivery.dms_closed",
    Reason.NOT_INSTALLED: "delivery.not_installed",
    Reason.ACCESS_REVOKED: "delivery.token_revoked",
    Reason.NOT_FOUND: "delivery.not_found",
    Reason.RATE_LIMITED: "delivery.rate_limited",
    Reason.NETWORK: "delivery.network",
}


def _delivery_reason(ctx: Context, kind: str | None, detail: str) -> str:
    """Why a reminder did not arrive, in the user's words; the platform's own `detail` when the core has none."""
    key = _REASON_TEXT.get(Reason.of(kind))
    return ctx.t(key) if key else ctx.t("delivery.other", detail=detail)


def _status(ctx: Context, inv: Invoice) -> str:
    if inv.status == "paid":
        return ctx.t("status.paid")
    if inv.status == "written_off":
        return ctx.t("status.written_off")
    if inv.snoozed_until and inv.snoozed_until > ctx.today:
        return ctx.t("status.snoozed", until=fmt.day(ctx.language, inv.snoozed_until))
    late = (ctx.today - inv.due_on).days
    if late > 0:
        return ctx.t.n("status.overdue", late)
    if late == 0:
        return ctx.t("status.due_today")
    return ctx.t.n("status.due_in", -late)


# -- snooze, due, writeoff -------------------------------------------------------
@INVOICE_GROUP.sub("snooze", usage="usage.invoice_snooze", help=("help.invoice_snooze",), options=(
    THE_REF, Param("days", INTEGER, required=True, positional=True, rest=True, low=1, high=365)))
def snooze(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_snooze"
    if "ref" not in args or "days" not in args:
        raise UserError("error.snooze_args", usage=usage)
    invoice = _invoice(ctx, args.text("ref"), usage)
    span = args.text("days")
    # `7`, `7d`, `2w`, `10 dagen`, `2 hafta`, `30g`: any unit the date parser knows (typed: a number already).
    days = None if isinstance(args.get("days"), int) else day_count(span, ctx.language)
    if days is None:
        if len(span.split()) > 1:
            raise UserError("error.extra_words", usage=usage, words=" ".join(span.split()[1:]))
        days = args.integer("days")
    if not 1 <= days <= 365:
        raise UserError("error.bad_number", usage=usage, field="days", value=span, low=1, high=365)
    return snooze_invoice(ctx, invoice, days)


@INVOICE_GROUP.sub("due", usage="usage.invoice_due", help=("help.invoice_due",), discord=False, options=(
    THE_REF, Param("due", DATE, required=True, positional=True, rest=True)))
def change_due(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_due"
    if "ref" not in args or "due" not in args:
        raise UserError("error.due_args", usage=usage)
    invoice = _open_invoice(ctx, args.text("ref"), usage)
    # The date may be several words: `next friday`, `15 Ekim 2026`, `30 dagen`.
    due = parse_date(args.text("due"), ctx.today, usage, ctx.language, ctx.address.locale)
    if due < invoice.issued_on:
        raise UserError("error.due_before_issued", usage=usage, due=fmt.day(ctx.language, due), issued=fmt.day(ctx.language, invoice.issued_on))
    after = ctx.store.invoices.set_due(ctx.owner, invoice.id, due)
    return [Reply(text=ctx.t("invoice.due_changed", ref=after.ref, due=fmt.day(ctx.language, after.due_on)))]


@INVOICE_GROUP.sub("writeoff", usage="usage.invoice_writeoff", help=("help.invoice_writeoff",), discord=False,
                   options=(THE_REF,), extra_words="error.ref_missing")
def write_off(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.invoice_writeoff"
    if "ref" not in args:
        raise UserError("error.ref_missing", usage=usage)
    invoice = _open_invoice(ctx, args.text("ref"), usage)
    after = ctx.store.invoices.set_status(ctx.owner, invoice.id, "written_off")
    return [
        Reply(
            text=ctx.t("invoice.written_off", ref=after.ref, balance=fmt.money(ctx.language, after.balance_minor, after.currency))
        )
    ]
