"""`/client add|list|show|pause|resume|export|report`; rename|merge|delete|set in client_fix.py."""
from __future__ import annotations

import re

from bot import fmt, kinds
from bot.commands import client_export, client_report
from bot.commands.common import dispatch
from bot.context import Context
from bot.errors import UserError
from bot.money import default_currency, totals
from bot.parsing.names import similar_client
from bot.parser import Token, clean_name, clean_text, find_client, parse_currency, parse_date, parse_int, split_options
from bot.registry import command
from bot.replies import Field, Reply
from bot.scoring import average_days_late, trouble_score
from bot.standings import standings
from bot.timeline import timeline, when
from storage.clients import DuplicateClient

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SHOW_EVENTS = 25
MAX_CONTACT = 120


def contact(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    """`/client contact <client> [<person>]`: who letters are addressed to; no person: the company itself."""
    usage = "usage.client_contact"
    if not tokens:
        raise UserError("error.client_missing", usage=usage)
    client = find_client(ctx, tokens[0].value, usage)
    person = clean_text(" ".join(t.value for t in tokens[1:]).strip(), "contact", MAX_CONTACT, usage)
    client = ctx.store.clients.set_contact(ctx.owner, client.id, person or None)
    if client.contact:
        return [Reply(text=ctx.t("client.contact_set", name=client.name, contact=client.contact))]
    return [Reply(text=ctx.t("client.contact_cleared", name=client.name))]


@command("client")
def client_command(ctx: Context, text: str) -> list[Reply]:
    return dispatch(
        ctx,
        text,
        {
            "add": add,
            "list": list_clients,
            "show": show,
            "pause": pause,
            "resume": resume,
            "export": client_export.export_client,
            "report": client_report.client_report,
            "contact": contact,
            **_corrections(),
        },
        usage="usage.client",
    )


def _corrections() -> dict:
    """`rename`, `merge`, `delete` and `set` (issue 19), in bot/commands/client_fix.py."""
    from bot.commands import client_fix

    return {"rename": client_fix.rename, "merge": client_fix.merge, "delete": client_fix.delete, "set": client_fix.set_options}


def add(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    usage = "usage.client_add"
    parsed = split_options(tokens, {"terms", "currency", "email", "contact"}, usage)
    name = clean_name(" ".join(t.value for t in parsed.args), usage)
    terms = parse_int(parsed.options["terms"], "terms", 0, 365, usage) if "terms" in parsed.options else 30
    currency = parse_currency(parsed.options["currency"], usage) if "currency" in parsed.options else default_currency(ctx)
    email = parsed.options.get("email")
    if email is not None and not EMAIL.fullmatch(email):
        raise UserError("error.bad_email", usage=usage, email=email)
    person = clean_text(parsed.options["contact"], "contact", MAX_CONTACT, usage) if parsed.options.get("contact") else None
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


def list_clients(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    from bot.sorting import SORTS, sort_standings

    usage = "usage.client_list_sort"
    parsed = split_options(tokens, {"sort"}, usage)
    if parsed.args:
        raise UserError("error.extra_words", usage=usage, words=" ".join(t.value for t in parsed.args))
    order = parsed.options.get("sort", "name").casefold()
    if order not in SORTS:
        raise UserError("error.bad_sort", usage=usage, value=parsed.options["sort"], choices=", ".join(SORTS))
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


def show(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    usage = "usage.client_show"
    client = find_client(ctx, " ".join(t.value for t in tokens), usage)
    invoices = ctx.store.invoices.list(ctx.owner, client.id)
    # Kinds and times only: the notes come once, through the timeline below.
    marks = ctx.store.incidents.kinds_for_client(ctx.owner, client.id)
    score = trouble_score(marks, invoices, ctx.today)
    avg = average_days_late(invoices, ctx.today)
    owed = [(i.balance_minor, i.currency) for i in invoices if i.status == "open" and i.balance_minor]
    events = timeline(ctx, client)
    shown = events[-SHOW_EVENTS:]
    lines = [
        ctx.t("client.timeline_line", when=when(ctx, e), summary=e.summary)
        + (f" — {e.detail}" if e.detail else "")
        for e in shown
    ]
    from bot.history_view import event_choices

    line_choices = [event_choices(ctx, e) for e in shown]
    if len(events) > len(shown):
        lines.insert(0, ctx.t.n("client.timeline_more", len(events) - len(shown), name=client.name))
        line_choices.insert(0, ())
    if not events:
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
    from bot.since import client_since

    # The earliest incident is the only one that can set the day (issue 20: not all 10 000 again).
    return client_since(client, invoices, ctx.store.incidents.earliest_for_client(ctx.owner, client.id), ctx.tz)


def pause(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    usage = "usage.client_pause"
    parsed = split_options(tokens, {"until"}, usage, dates={"until"}, language=ctx.language)
    client = find_client(ctx, " ".join(t.value for t in parsed.args), usage)
    until = parse_date(parsed.options["until"], ctx.today, usage, ctx.language, ctx.address.locale) if "until" in parsed.options else None
    if until is not None and until <= ctx.today:
        raise UserError("error.date_not_future", usage=usage, date=parsed.options["until"])
    ctx.store.clients.set_paused(ctx.owner, client.id, True, until)
    if until:
        return [Reply(text=ctx.t("client.paused_until_date", name=client.name, until=fmt.day(ctx.language, until)))]
    return [Reply(text=ctx.t("client.paused", name=client.name))]


def resume(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    usage = "usage.client_resume"
    client = find_client(ctx, " ".join(t.value for t in tokens), usage)
    if not client.paused:
        return [Reply(text=ctx.t("client.not_paused", name=client.name))]
    ctx.store.clients.set_paused(ctx.owner, client.id, False, None)
    return [Reply(text=ctx.t("client.resumed", name=client.name))]



