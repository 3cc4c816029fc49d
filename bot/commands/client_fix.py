"""`/client rename|merge|delete|set`: fix a client without losing its trail.

A rename and a merge are kept in the history and read on the timeline; a
merge moves incidents, invoices (with their payments), reminders and
dialogues onto the client merged into. A delete removes the client and
everything on file about it, so it names what goes and offers the export
first. `set` changes terms, currency and the late fee of the final letter.
"""
from __future__ import annotations

import re
from decimal import Decimal

from bot import fmt
from bot.typed import read_amount
from bot.context import Context
from bot.errors import UserError
from bot.commands.client import CLIENT_GROUP, MAX_CONTACT, ONE_CLIENT, TERMS, THE_CLIENT
from bot.commands.client_export import export_for
from bot.declare import CLIENT, CURRENCY, TEXT, Args, Option
from bot.parser import clean_name, clean_text, find_client, parse_currency
from bot.registry import action
from bot.replies import Choice, Field, Reply
from storage.client_settings import LateFee
from storage.records import Client

PREFIX = "clifix"
_PERCENT = re.compile(r"\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%\s*")
_NONE_WORDS = {"none", "off", "default", "-", "geen", "yok", "không"}


def _two_names(ctx: Context, args: Args, second: str, usage: str) -> tuple[Client, str]:
    # words after the second name were refused by the grammar (error.extra_words)
    if "client" not in args or second not in args:
        raise UserError("error.two_names", usage=usage)
    return find_client(ctx, args.text("client"), usage), args.text(second)


# -- rename --------------------------------------------------------------------
@CLIENT_GROUP.sub("rename", usage="usage.client_rename", help=("help.client_fix",), options=(
    ONE_CLIENT, Option("new_name", TEXT, required=True, positional=True, length=(1, 120))))
def rename(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_rename"
    client, new = _two_names(ctx, args, "new_name", usage)
    new = clean_name(new, usage)
    if new == client.name:
        return [Reply(text=ctx.t("client.rename_same", name=client.name))]
    other = ctx.store.clients.by_name(ctx.owner, new)
    if other is not None and other.id != client.id:
        raise UserError("error.rename_taken", usage="usage.client_merge", name=other.name, old=client.name)
    ctx.store.corrections.update_client(ctx.owner, client, {"name": new}, "rename", ctx.now, ctx.request_id)
    return [Reply(text=ctx.t("client.renamed", old=client.name, name=new), context=ctx.t("client.renamed_hint"))]


# -- merge ---------------------------------------------------------------------
def _counts(ctx: Context, client: Client) -> dict[str, int]:
    return ctx.store.corrections.on_file(ctx.owner, client.id)


#: What a client's records are counted as, per kind of record.
COUNT_LABELS: dict[str, str] = {
    "incidents": "client.count.incidents",
    "invoices": "client.count.invoices",
    "payments": "client.count.payments",
    "reminders": "client.count.reminders",
    "dialogues": "client.count.dialogues",
}


def counts_text(ctx: Context, counts: dict[str, int]) -> str:
    parts = [ctx.t.n(COUNT_LABELS[k], v) for k, v in counts.items() if v]
    return ", ".join(parts) if parts else ctx.t("client.count.nothing")


@CLIENT_GROUP.sub("merge", usage="usage.client_merge", help=("help.client_fix",), options=(
    ONE_CLIENT, Option("into", CLIENT, required=True, positional=True)))
def merge(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_merge"
    source, into_name = _two_names(ctx, args, "into", usage)
    into = find_client(ctx, into_name, usage)
    if into.id == source.id:
        raise UserError("error.merge_same", usage=usage, name=source.name)
    counts = _counts(ctx, source)
    return [
        Reply(
            text=ctx.t("client.merge_confirm", source=source.name, name=into.name, what=counts_text(ctx, counts)),
            context=ctx.t("client.merge_effect", source=source.name, name=into.name),
            choices=(
                Choice(f"{PREFIX}:merge:{source.id}:{into.id}", ctx.t("client.merge_button", source=source.name, name=into.name), "primary"),
                Choice(f"{PREFIX}:keep:{source.id}", ctx.t("fix.keep_client")),
            ),
        )
    ]


def do_merge(ctx: Context, source_id: int, into_id: int) -> list[Reply]:
    source = ctx.store.clients.get(ctx.owner, source_id)
    into = ctx.store.clients.get(ctx.owner, into_id)
    if into is None:
        return [Reply(text=ctx.t("error.client_gone"), is_error=True)]
    if source is None:  # merged already (a second click, a retry)
        return [Reply(text=ctx.t("client.merged_already", name=into.name), replaces=True)]
    counts = _counts(ctx, source)
    ctx.store.corrections.merge_clients(ctx.owner, source, into, ctx.now, ctx.request_id, counts)
    return [Reply(text=ctx.t("client.merged", source=source.name, name=into.name, what=counts_text(ctx, counts)), replaces=True)]


# -- delete --------------------------------------------------------------------
@CLIENT_GROUP.sub("delete", usage="usage.client_delete", help=("help.client_fix",), options=(THE_CLIENT,))
def delete(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_delete"
    client = find_client(ctx, args.text("client"), usage)
    counts = _counts(ctx, client)
    return [
        Reply(
            text=ctx.t("client.delete_confirm", name=client.name, what=counts_text(ctx, counts)),
            context=ctx.t("client.delete_export_first", name=client.name),
            choices=(
                Choice(f"{PREFIX}:export:{client.id}", ctx.t("client.delete_export_button"), "primary"),
                Choice(f"{PREFIX}:delete:{client.id}", ctx.t("client.delete_button", name=client.name), "danger"),
                Choice(f"{PREFIX}:keep:{client.id}", ctx.t("fix.keep_client")),
            ),
        )
    ]


# -- set -----------------------------------------------------------------------
def parse_late_fee(ctx: Context, text: str, currency: str, usage: str) -> LateFee | None:
    """'8%', '8,5 %' → a rate; '€50', '50', '50 EUR' → a fixed amount; 'none' → the default again."""
    raw = text.strip()
    if raw.casefold() in _NONE_WORDS:
        return None
    m = _PERCENT.fullmatch(raw)
    if m:
        percent = Decimal(m.group(1).replace(",", "."))
        if not 0 < percent <= 100:
            raise UserError("error.bad_late_fee", usage=usage, value=text)
        return LateFee(percent=float(percent))
    parts = raw.split()
    if len(parts) == 2 and re.fullmatch(r"[A-Za-z]{3}", parts[1]):
        currency, raw = parse_currency(parts[1], usage), parts[0]
    try:
        minor, symbol = read_amount(raw, ctx.language, currency)
    except UserError:
        raise UserError("error.bad_late_fee", usage=usage, value=text) from None
    if minor <= 0:
        raise UserError("error.bad_late_fee", usage=usage, value=text)
    return LateFee(fixed_minor=minor, currency=symbol or currency)


def late_fee_text(ctx: Context, fee: LateFee | None) -> str:
    if fee is None:
        return ctx.t("client.late_fee_default")
    if fee.percent is not None:
        return fmt.number(ctx.language, fee.percent, 2 if fee.percent != int(fee.percent) else 0) + "%"
    return fmt.money(ctx.language, fee.fixed_minor or 0, fee.currency or "EUR")


@CLIENT_GROUP.sub("set", usage="usage.client_set", help=("help.client_set",), options=(
    THE_CLIENT, Option("late_fee", TEXT, length=(1, 20)), TERMS, Option("currency", CURRENCY),
    Option("contact", TEXT, discord=False)))  # `contact=` with nothing after it: letters go to the company
def set_options(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_set"
    client = find_client(ctx, args.text("client"), usage)
    if not args.options("late_fee", "terms", "currency", "contact"):
        return [settings_reply(ctx, client, ctx.t("client.settings_title", name=client.name))]
    changes: dict = {}
    if "terms" in args:
        changes["terms_days"] = args.integer("terms")
    if "currency" in args:
        changes["currency"] = parse_currency(args.text("currency"), usage)
    currency = changes.get("currency", client.currency)
    fee_given = "late_fee" in args
    fee = parse_late_fee(ctx, args.text("late_fee"), currency, usage) if fee_given else None
    before_fee = ctx.store.client_settings.late_fee(ctx.owner, client.id)
    extra_before = {"late_fee": late_fee_text(ctx, before_fee)} if fee_given else {}
    extra_after = {"late_fee": late_fee_text(ctx, fee)} if fee_given else {}
    contact_given = "contact" in args  # `contact=` (empty: letters go to the company)
    person = clean_text(args.text("contact").strip(), "contact", MAX_CONTACT, usage) if contact_given else ""
    if contact_given:
        extra_before["contact"], extra_after["contact"] = client.contact or "", person
    with ctx.store.database.transaction():
        _, created = ctx.store.corrections.update_client(ctx.owner, client, changes, "settings", ctx.now, ctx.request_id,
                                                         extra_before, extra_after)
        if created and fee_given:
            ctx.store.client_settings.set_late_fee(ctx.owner, client.id, fee)
        if created and contact_given:
            ctx.store.clients.set_contact(ctx.owner, client.id, person or None)
    after = ctx.store.clients.get(ctx.owner, client.id)
    assert after is not None
    return [settings_reply(ctx, after, ctx.t("client.settings_saved", name=after.name))]


def settings_reply(ctx: Context, client: Client, text: str) -> Reply:
    fee = ctx.store.client_settings.late_fee(ctx.owner, client.id)
    return Reply(
        text=text,
        fields=(
            Field(ctx.t("field.terms"), ctx.t.n("value.days", client.terms_days)),
            Field(ctx.t("field.currency"), client.currency),
            Field(ctx.t("field.late_fee"), late_fee_text(ctx, fee)),
        ) + ((Field(ctx.t("field.contact"), client.contact),) if client.contact else ()),
        context=ctx.t("client.settings_hint", name=client.name),
    )


# -- buttons -------------------------------------------------------------------
@action(PREFIX)
def client_action(ctx: Context, action_id: str) -> list[Reply]:
    parts = action_id.split(":")
    if len(parts) < 3 or not all(p.isdigit() for p in parts[2:]):
        return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
    verb, ids = parts[1], [int(p) for p in parts[2:]]
    if verb == "keep":
        return [Reply(text=ctx.t("fix.kept"), replaces=True)]
    if verb == "merge" and len(ids) == 2:
        return do_merge(ctx, ids[0], ids[1])
    client = ctx.store.clients.get(ctx.owner, ids[0])
    if client is None:
        return [Reply(text=ctx.t("client.deleted_already"), replaces=True)]
    if verb == "export":
        return export_for(ctx, client)
    if verb == "delete":
        ctx.store.corrections.delete_client(ctx.owner, client, ctx.now, ctx.request_id)
        return [Reply(text=ctx.t("client.deleted", name=client.name), replaces=True)]
    return [Reply(text=ctx.t("error.stale_button"), is_error=True)]

