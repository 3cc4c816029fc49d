"""`/client add|list|show|pause|resume|contact`; export in client_export.py, report in client_report.py, rename|merge|delete|set in client_fix.py."""
from __future__ import annotations

import re

from bot import fmt, kinds
from bot.context import Context
from bot.declare import CHOICE, CLIENT, CURRENCY, DATE, INTEGER, TEXT, Args, Option
from bot.declare import Choice as DeclaredChoice
from bot.errors import UserError
from bot.money import default_currency, totals
from bot.parsing.names import similar_client
from bot.parser import clean_name, clean_text, find_client, parse_currency, parse_date
from bot.registry import group
from bot.replies import Field, Reply
from bot.scoring import average_days_late, trouble_score
from bot.since import client_since
from bot.sorting import SORTS
from storage.clients import DuplicateClient

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SHOW_EVENTS = 25
MAX_CONTACT = 120


CLIENT_GROUP = group(
    "client", "usage.client",
    order=("add", "list", "show", "export", "report", "pause", "resume", "contact", "rename", "merge", "delete", "set"),
)
#: The client a subcommand is about: every word left in the text, or Discord's option with the names offered.
THE_CLIENT = Option("client", CLIENT, required=True, positional=True, rest=True)
ONE_CLIENT = Option("client", CLIENT, required=True, positional=True)  # the first word only (another follows)
TERMS = Option("terms", INTEGER, low=0, high=365)


@CLIENT_GROUP.sub("contact", usage="usage.client_contact", help=("help.client_contact",), options=(
    ONE_CLIENT, Option("contact", TEXT, positional=True, rest=True, length=(1, MAX_CONTACT))))
def contact(ctx: Context, args: Args) -> list[Reply]:
    """`/client contact <client> [<person>]`: who letters are addressed to; no person: the company itself."""
    usage = "usage.client_contact"
    if "client" not in args:
        raise UserError("error.client_missing", usage=usage)
    client = find_client(ctx, args.text("client"), usage)
    person = clean_text(args.text("contact").strip(), "contact", MAX_CONTACT, usage)
    client = ctx.store.clients.set_contact(ctx.owner, client.id, person or None)
    if client.contact:
        return [Reply(text=ctx.t("client.contact_set", name=client.name, contact=client.contact))]
    return [Reply(text=ctx.t("client.contact_cleared", name=client.name))]


@CLIENT_GROUP.sub("add", usage="usage.client_add", help=("help.client_add",), options=(
    Option("name", TEXT, required=True, positional=True, rest=True, length=(1, 120)), TERMS, Option("currency", CURRENCY),
    Option("email", TEXT, length=(3, 254)), Option("contact", TEXT, length=(1, MAX_CONTACT))))
def add(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_add"
    name = clean_name(args.text("name"), usage)
    terms = args.integer("terms", 30)
    currency = parse_currency(args.text("currency"), usage) if "currency" in args else default_currency(ctx)
    email = args.text("email") if "email" in args else None
    if email is not None and not EMAIL.fullmatch(email):
        raise UserError("error.bad_email", usage=usage, email=email)
    person = clean_text(args.text("contact"), "contact", MAX_CONTACT, usage) if args.text("contact") else None
    similar = similar_client(ctx.store.clients.list(ctx.owner), name, ctx.language)
    if similar is not None and similar.name.casefold() != name.casefold():
        raise UserError("error.client_similar", usage="usage.client_show", name=name, existing=similar.name)
    try:
        client = ctx.store.clients.add(
            ctx.owner, name, terms, currency, email, created_at=ctx.now, contact=person, request_id=ctx.request_id
        )
    except DuplicateClient as dup:
        raise UserError("error.client_exists", usage="usage.client_show", name=dup.existing.name) from None
    return [
        Reply(
            text=ctx.t("client.added", name=client.name),
            fields=(
                Field(ctx.t("field.terms"), ctx.t.n("value.days", client.terms_days)),
                Field(ctx.t("field.currency"), client.currency),
                *((Field(ctx.t("field.email"), client.email),) if client.email else ()),
                *((Field(ctx.t("field.contact"), client.contact),) if client.contact else ()),
            ),
            context=ctx.t("client.added_next", name=client.name),
        )
    ]


#: How each order of `/client list sort=…` is named where it is offered as a choice.
SORT_LABELS: dict[str, str] = {
    "owed": "discord.sort.owed",
    "trouble": "discord.sort.trouble",
    "late": "discord.sort.late",
    "name": "discord.sort.name",
}


def _sorts() -> tuple[DeclaredChoice, ...]:
    """`/client list sort=…`: by amount owed, trouble, lateness or name."""
    return tuple(DeclaredChoice(order, SORT_LABELS[order]) for order in SORTS)


@CLIENT_GROUP.sub("list", usage="usage.client_list_sort", help=("help.client_list",), slow=True,
        options=(Option("sort", CHOICE, choices=_sorts),))
def list_clients(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_list_sort"
    order = args.text("sort", "name").casefold()
    if order not in SORTS:
        raise UserError("error.bad_sort", usage=usage, value=args.text("sort"), choices=", ".join(SORTS))
    from bot.sorting import sort_standings  # the list's and the dossier's helpers on first use (issue 20, start-up)
    from bot.standings import standings

    rows = sort_standings(ctx, standings(ctx), order)
    if not rows:
        return [Reply(text=ctx.t("client.none"), context=ctx.t("client.none_hint"))]
    lines = []
    for row in rows:
        avg = row.average_days_late
        lines.append(
            ctx.t(
                "client.list_line",
                name=row.client.name,
                owed=totals(ctx, row.owed) if row.owed else ctx.t("value.nothing_owed"),
                late=ctx.t.n("value.days", round(avg)) if avg is not None else ctx.t("value.none"),
                score=fmt.number(ctx.language, row.score),
                paused=(" " + ctx.t("client.paused_mark")) if row.client.paused else "",
            )
        )
    return [Reply(title=ctx.t.n("client.list_title", len(rows)), lines=tuple(lines), context=ctx.t("client.list_legend"))]


@CLIENT_GROUP.sub("show", usage="usage.client_show", help=("help.client_show",), slow=True, options=(THE_CLIENT,))
def show(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_show"
    client = find_client(ctx, args.text("client"), usage)
    invoices = ctx.store.invoices.list(ctx.owner, client.id)
    # Every incident read once: the score's kinds and times, and the timeline's last lines (issue 20).
    incidents = ctx.store.incidents.for_client(ctx.owner, client.id)
    marks = [(i.kind, i.occurred_at) for i in incidents]
    score = trouble_score(marks, invoices, ctx.today)
    avg = average_days_late(invoices, ctx.today)
    owed = [(i.balance_minor, i.currency) for i in invoices if i.status == "open" and i.balance_minor]
    from bot.history_view import event_choices
    from bot.timeline import latest, when

    total, shown = latest(ctx, client, incidents, SHOW_EVENTS)
    lines = [
        ctx.t("client.timeline_line", when=when(ctx, e), summary=e.summary)
        + (f" — {e.detail}" if e.detail else "")
        for e in shown
    ]
    line_choices = [event_choices(ctx, e) for e in shown]
    if total > len(shown):
        lines.insert(0, ctx.t.n("client.timeline_more", total - len(shown), name=client.name))
        line_choices.insert(0, ())
    if not total:
        lines = [ctx.t("client.timeline_empty")]
        line_choices = [()]
    by_kind: dict[str, int] = {}
    for kind, _ in marks:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    fields = [
        Field(ctx.t("field.owed"), totals(ctx, owed) if owed else ctx.t("value.nothing_owed")),
        Field(ctx.t("field.avg_late"), ctx.t.n("value.days", round(avg)) if avg is not None else ctx.t("value.none")),
        Field(ctx.t("field.score"), fmt.number(ctx.language, score)),
        Field(ctx.t("field.terms"), ctx.t.n("value.days", client.terms_days)),
        Field(ctx.t("field.currency"), client.currency),
        Field(ctx.t("field.client_since"), fmt.day(ctx.language, _since(ctx, client, invoices))),
    ]
    if by_kind:
        fields.append(
            Field(
                ctx.t("field.incidents"),
                ", ".join(f"{ctx.t(kinds.NAMES[k])} ×{n}" for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1])),
            )
        )
    if client.email:
        fields.append(Field(ctx.t("field.email"), client.email))
    if client.contact:
        fields.append(Field(ctx.t("field.contact"), client.contact))
    if client.paused:
        until = fmt.day(ctx.language, client.paused_until) if client.paused_until else ctx.t("value.until_resumed")
        fields.append(Field(ctx.t("field.reminders"), ctx.t("client.paused_until", until=until)))
    return [
        Reply(
            title=ctx.t("client.show_title", name=client.name),
            fields=tuple(fields),
            lines=tuple(lines),
            line_choices=tuple(line_choices) if any(line_choices) else (),
            context=ctx.t("client.show_hint", name=client.name),
        )
    ]


def _since(ctx: Context, client, invoices) -> "date":
    # The earliest incident is the only one that can set the day (issue 20: not all 10 000 again).
    return client_since(client, invoices, ctx.store.incidents.earliest_for_client(ctx.owner, client.id), ctx.tz)


@CLIENT_GROUP.sub("pause", usage="usage.client_pause", help=("help.client_pause",),
        options=(THE_CLIENT, Option("until", DATE, spans=True)))
def pause(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_pause"
    client = find_client(ctx, args.text("client"), usage)
    until = parse_date(args.text("until"), ctx.today, usage, ctx.language, ctx.address.locale) if "until" in args else None
    if until is not None and until <= ctx.today:
        raise UserError("error.date_not_future", usage=usage, date=args.text("until"))
    ctx.store.clients.set_paused(ctx.owner, client.id, True, until)
    if until:
        return [Reply(text=ctx.t("client.paused_until_date", name=client.name, until=fmt.day(ctx.language, until)))]
    return [Reply(text=ctx.t("client.paused", name=client.name))]


@CLIENT_GROUP.sub("resume", usage="usage.client_resume", help=("help.client_pause",), options=(THE_CLIENT,))
def resume(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.client_resume"
    client = find_client(ctx, args.text("client"), usage)
    if not client.paused:
        return [Reply(text=ctx.t("client.not_paused", name=client.name))]
    ctx.store.clients.set_paused(ctx.owner, client.id, False, None)
    return [Reply(text=ctx.t("client.resumed", name=client.name))]
