"""`/incident <client> <kind> [note…] [on=<date>]`, `/incident list <client>`, and the incident form.

`on=<date>` (first or last in the note) records the day it happened, kept
apart from when it was logged: "he insulted me on the call last Tuesday".

`/incident edit|delete` live in bot/commands/incident_fix.py.

With no arguments the command answers with a form (a Slack/Discord modal,
prompts in the console). A captured chat message ("Log as client
incident") opens the same form pre-filled and keeps the message's own time
and link.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

from bot import fmt
from bot.fix_buttons import incident_choices
from bot.context import Context
from bot.errors import UserError
from bot.events import Capture
from bot.parsing.ask import Ambiguous
from bot.kinds import KINDS, NAMES, SENTENCES
from bot.parser import MAX_NOTE, clean_text, find_client, kind_words, parse_date, parse_kind, tokenize
from bot.declare import CHOICE, CLIENT, DATE, TEXT, Args
from bot.declare import Option as Param  # bot.replies.Option is a form's choice
from bot.declare import Choice as DeclaredChoice
from bot.registry import event, form, group
from bot.replies import Form, FormField, Option, Reply

FORM_ID = "incident"


def _route(ctx: Context, text: str) -> tuple[str, str]:
    """`list`, `edit` and `delete` are subcommands unless a client of that name is on file; anything else logs."""
    tokens = tokenize(text, limit=2)
    if not tokens:
        return "log", ""
    head = tokens[0]
    if not head.quoted and head.value.lower() == "list" and ctx.store.clients.by_name(ctx.owner, text.strip()) is None:
        return "list", text[head.end:].strip()
    if not head.quoted and head.value.lower() in ("edit", "delete") and ctx.store.clients.by_name(ctx.owner, head.value) is None:
        return head.value.lower(), text[head.end:].strip()
    return "log", text


INCIDENT_GROUP = group("incident", "usage.incident", order=("log", "list", "edit", "delete"), route=_route, fallback="log")


def _log_grammar(text: str, language: str) -> dict[str, object]:
    """`<client> <kind> [note…]`: only the client and the kind are tokens. The note after them is free text,
    so a quote the note opens and never closes ("he said “fine") is kept, not refused; `on=<date>` leads or ends it."""
    tokens = tokenize(text, limit=2)
    values: dict[str, object] = {}
    if tokens:
        values["client"] = tokens[0].value
    if len(tokens) > 1:
        values["kind"] = tokens[1].value
        note, on_text = take_on(text[tokens[1].end:].strip())
        values["note"] = note
        if on_text:
            values["on"] = on_text
    return values


def kind_choices() -> tuple[DeclaredChoice, ...]:
    return tuple(DeclaredChoice(slug, SENTENCES[slug]) for slug in KINDS)


@INCIDENT_GROUP.sub("log", usage="usage.incident", help=("help.incident",), grammar=_log_grammar, options=(
    Param("client", CLIENT, positional=True),  # none: the form opens
    Param("kind", CHOICE, positional=True, choices=kind_choices),
    Param("note", TEXT, positional=True, rest=True, length=(1, MAX_NOTE)),
    Param("on", DATE, description="discord.opt.occurred.desc")))
def log_command(ctx: Context, args: Args) -> list[Reply]:
    if "client" not in args:
        return [incident_form(ctx)]
    client = find_client(ctx, args.text("client"), "usage.incident")
    if "kind" not in args:
        raise UserError("error.kind_missing", usage="usage.incident", name=client.name, kinds=kind_words(ctx.language))
    kind = parse_kind(args.text("kind"), ctx.language)
    on = occurred_day(ctx, args.text("on"), "usage.incident") if args.text("on") else None
    note = clean_text(args.text("note"), "note", MAX_NOTE, "usage.incident")
    return log(ctx, client.id, client.name, kind, note, source="command", occurred_on=on)


_ON_FIRST = re.compile(r"on=(?:\"([^\"]*)\"|“([^”]*)”|(\S+))(?:\s+|$)", re.IGNORECASE)
_ON_LAST = re.compile(r"(?:^|\s)on=(?:\"([^\"]*)\"|“([^”]*)”|(.+?))\s*$", re.IGNORECASE | re.DOTALL)


def take_on(note: str) -> tuple[str, str | None]:
    """Split `on=<date>` off the start or the end of a note; the note is otherwise kept as typed."""
    m = _ON_FIRST.match(note)
    if m:
        return note[m.end():].strip(), next(g for g in m.groups() if g is not None)
    m = _ON_LAST.search(note)
    if m:
        return note[: m.start()].rstrip(), next(g for g in m.groups() if g is not None)
    return note, None


def occurred_day(ctx: Context, text: str, usage: str) -> date:
    """The day an incident happened: any date form, a bare weekday meaning the last one; never in the future."""
    on = parse_date(text, ctx.today, usage, ctx.language, ctx.address.locale, past=True)
    if on > ctx.today:
        raise UserError("error.incident_in_future", usage=usage, date=text)
    return on


def log(
    ctx: Context,
    client_id: int,
    client_name: str,
    kind: str,
    note: str,
    *,
    source: str,
    occurred_at: datetime | None = None,
    source_ref: str | None = None,
    occurred_on: date | None = None,
) -> list[Reply]:
    if occurred_on is not None:
        from bot.timeline import day_start

        occurred_at = day_start(ctx, occurred_on)
    incident, created = ctx.store.incidents.add(
        ctx.owner,
        client_id,
        kind,
        note,
        occurred_at=occurred_at or ctx.now,
        source=source,
        source_ref=source_ref,
        request_id=ctx.request_id,
        occurred_on=occurred_on,
    )
    if created:
        from bot.alerts.check import check_client

        check_client(ctx, client_id, incident)  # a pattern alert, queued after the write
    count = ctx.store.incidents.count_for_client(ctx.owner, client_id)
    key = "incident.logged" if created else "incident.already_logged"
    lines = (incident.note,) if incident.note else ()
    if incident.occurred_on is not None:
        lines += (ctx.t("incident.happened_on", date=fmt.day(ctx.language, incident.occurred_on)),)
    return [
        Reply(
            text=ctx.t(key, kind=ctx.t(NAMES[incident.kind]), name=client_name),
            lines=lines,
            context=ctx.t.n("incident.count", count, name=client_name),
        )
    ]


@INCIDENT_GROUP.sub("list", usage="usage.incident_list", help=("help.incident_list",),
                    options=(Param("client", CLIENT, required=True, positional=True, rest=True),))
def list_incidents(ctx: Context, args: Args) -> list[Reply]:
    client = find_client(ctx, args.text("client"), "usage.incident_list")
    incidents = ctx.store.incidents.for_client(ctx.owner, client.id)
    if not incidents:
        return [Reply(text=ctx.t("incident.none", name=client.name), context=ctx.t("incident.none_hint", name=client.name))]
    corrected = ctx.store.history.corrected_ids(ctx.owner, "incident", client.id)
    lines = tuple(
        ctx.t("incident.line_numbered", id=f"#{i.number}", when=fmt.day(ctx.language, i.occurred_on) if i.occurred_on else fmt.moment(ctx.language, ctx.tz, i.occurred_at), kind=ctx.t(NAMES[i.kind]))
        + ((" " + ctx.t("fix.corrected_mark")) if i.id in corrected else "")
        + (f" — {i.note}" if i.note else "")
        for i in incidents
    )
    return [
        Reply(
            title=ctx.t.n("incident.list_title", len(incidents), name=client.name),
            lines=lines,
            line_choices=tuple(incident_choices(ctx, i) for i in incidents),
            context=ctx.t("incident.list_fix_hint", id=f"#{incidents[-1].number}"),
        )
    ]


def incident_form(ctx: Context, note: str = "", state: dict | None = None, client_name: str = "") -> Reply:
    clients = ctx.store.clients.list(ctx.owner)
    if not clients:
        raise UserError("error.no_clients_yet", usage="usage.client_add", name="")
    return Reply(
        form=Form(
            id=FORM_ID,
            title=ctx.t("incident.form_title"),
            submit_label=ctx.t("incident.form_submit"),
            fields=(
                FormField(
                    id="client",
                    label=ctx.t("field.client"),
                    kind="select",
                    options=tuple(Option(c.name, c.name) for c in clients),
                    initial=client_name,
                ),
                FormField(
                    id="kind",
                    label=ctx.t("field.kind"),
                    kind="select",
                    options=tuple(Option(k, ctx.t(SENTENCES[k])) for k in KINDS),
                ),
                FormField(
                    id="note",
                    label=ctx.t("field.note"),
                    kind="textarea",
                    required=False,
                    initial=note,
                    placeholder=ctx.t("incident.note_placeholder"),
                    max_length=MAX_NOTE,
                ),
                FormField(id="on", label=ctx.t("field.occurred"), required=False, placeholder=ctx.t("incident.on_placeholder"), max_length=40),
            ),
            context=json.dumps(state or {}, ensure_ascii=False),
        ),
        text=ctx.t("incident.form_intro"),
    )


@event(Capture)
def capture_form(ctx: Context, event: Capture) -> list[Reply]:
    """A chat message to put on file: the form, pre-filled, remembering when and where it was said."""
    text = event.text.replace("\r\n", "\n").replace("\r", "\n")  # pasted e-mail text: CR is a control character to the parser
    note = text
    if event.author:
        note = ctx.t("incident.captured_note", author=event.author, text=text)
    note = note[:MAX_NOTE]
    state = {"occurred_at": event.occurred_at, "source_ref": event.permalink}
    return [incident_form(ctx, note=note, state=state)]


@form(FORM_ID)
def incident_submitted(ctx: Context, values: dict[str, str]) -> list[Reply]:
    errors: list[tuple[str, str]] = []
    client = None
    name = values.get("client", "").strip()
    if not name:
        errors.append(("client", ctx.t("error.form_client_missing")))
    else:
        client = ctx.store.clients.by_name(ctx.owner, name)
        if client is None:
            errors.append(("client", ctx.t("error.form_client_unknown", name=name)))
    kind = None
    try:
        kind = parse_kind(values.get("kind", ""), ctx.language)
    except UserError:
        errors.append(("kind", ctx.t("error.form_kind", kinds=kind_words(ctx.language))))
    note = values.get("note", "")
    try:
        note = clean_text(note.strip(), "note", MAX_NOTE, "usage.incident")
    except UserError as err:
        errors.append(("note", ctx.t(err.key, **err.values)))
    on = None
    if values.get("on", "").strip():
        try:
            on = occurred_day(ctx, values["on"].strip(), "usage.incident")
        except Ambiguous as err:
            errors.append(("on", ctx.t("error.form_ambiguous", text=values["on"], choices=ctx.t("ask.or").join(err.labels))))
        except UserError as err:
            errors.append(("on", ctx.t(err.key, **err.values)))
    if errors or client is None or kind is None:
        return [Reply(form_errors=tuple(errors), is_error=True)]
    state = _state(values.get("_context", ""))
    occurred_at = _parse_time(state.get("occurred_at"))
    source_ref = state.get("source_ref") or None
    source = "shortcut" if source_ref or occurred_at else "form"
    return log(ctx, client.id, client.name, kind, note, source=source, occurred_at=occurred_at, source_ref=source_ref, occurred_on=on)


def _state(raw: str) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _parse_time(raw: object) -> datetime | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
