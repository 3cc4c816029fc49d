"""`/incident edit <#id> [kind=…] [note=…] [on=…]` and `/incident delete <#id>`: corrections that keep the trail.

An edit changes the incident the dossier shows and keeps the first version
in the history (storage/history.py); a delete asks first, then takes the
incident off the dossier and the score while the history and the export keep
it, marked deleted. The Edit / Delete actions beside each listed incident
(`incfix:` ids) open the same form and the same confirmation.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

from bot import fmt
from bot.typed import read_date
from bot.context import Context
from bot.errors import UserError
from bot.kinds import KINDS, NAMES
from bot import fix_buttons
from bot.commands.incident import INCIDENT_GROUP, kind_choices
from bot.declare import CHOICE, DATE, TEXT, Args
from bot.declare import Option as Param  # bot.replies.Option is a form's choice
from bot.parser import MAX_NOTE, clean_text, parse_kind
from bot.registry import action, form
from bot.replies import Form, FormField, Option, Reply
from storage.corrections import incident_snapshot
from storage.records import Incident
from storage.db import to_iso

PREFIX = fix_buttons.INCIDENT
EDIT_FORM = "incfix-edit"
_NUMBER = re.compile(r"#?(\d{1,9})")


label = fix_buttons.incident_tag


def find_incident(ctx: Context, text: str, usage: str) -> Incident:
    m = _NUMBER.fullmatch(text.strip())
    if not text.strip():
        raise UserError("error.incident_id_missing", usage=usage)
    if not m:
        raise UserError("error.bad_incident_id", usage=usage, id=text)
    number = int(m.group(1))
    incident = ctx.store.incidents.by_number(ctx.owner, number)
    if incident is None:
        gone = ctx.store.incidents.by_number(ctx.owner, number, include_deleted=True)
        key = "error.incident_deleted" if gone is not None else "error.unknown_incident"
        raise UserError(key, usage=usage, id=f"#{number}")
    return incident


def _client_name(ctx: Context, incident: Incident) -> str:
    client = ctx.store.clients.get(ctx.owner, incident.client_id)
    return client.name if client else "?"


# -- edit ------------------------------------------------------------------------
NUMBER = Param("number", TEXT, required=True, positional=True, length=(1, 12))


@INCIDENT_GROUP.sub("edit", usage="usage.incident_edit", help=("help.incident_fix",), options=(
    NUMBER, Param("kind", CHOICE, choices=kind_choices), Param("note", TEXT, length=(1, MAX_NOTE)), Param("on", DATE)))
def edit(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.incident_edit"
    if "number" not in args:
        raise UserError("error.incident_id_missing", usage=usage)
    incident = find_incident(ctx, args.text("number"), usage)  # more words were refused by the grammar
    options = args.options("kind", "note", "on")
    if not options:
        return [edit_form(ctx, incident)]
    changes = _changes(ctx, incident, options, usage)
    return apply_edit(ctx, incident, changes)


def _changes(ctx: Context, incident: Incident, options: dict[str, str], usage: str) -> dict:
    changes: dict = {}
    if "kind" in options:
        changes["kind"] = parse_kind(options["kind"], ctx.language)
    if "note" in options:
        changes["note"] = clean_text(options["note"].strip(), "note", MAX_NOTE, usage)
    if options.get("on", "").strip():
        day = read_date(options["on"], ctx.today, usage, ctx.language, ctx.address.locale, past=True)
        if day > ctx.today:
            raise UserError("error.incident_in_future", usage=usage, date=fmt.day(ctx.language, day))
        # Keep the time of day it was logged at, on the corrected date, in the user's zone.
        local = incident.occurred_at.astimezone(ctx.tz)
        moved = datetime.combine(day, time(local.hour, local.minute, local.second), tzinfo=ctx.tz)
        changes["occurred_at"] = min(moved.astimezone(timezone.utc), ctx.now)
        changes["occurred_on"] = day.isoformat()  # the day it happened, as `/incident … on=` records it
    return changes


def apply_edit(ctx: Context, incident: Incident, changes: dict) -> list[Reply]:
    name = _client_name(ctx, incident)
    now = incident_snapshot(incident)
    same = all(now.get(k) == (to_iso(v) if isinstance(v, datetime) else v) for k, v in changes.items())
    if same:
        return [Reply(text=ctx.t("incident.edit_unchanged", id=label(incident)))]
    change, _ = ctx.store.corrections.edit_incident(ctx.owner, incident, changes, ctx.now, ctx.request_id)
    after = change.after
    when = (
        fmt.day(ctx.language, date.fromisoformat(after["occurred_on"])) if after.get("occurred_on")
        else fmt.moment(ctx.language, ctx.tz, datetime.fromisoformat(after["occurred_at"]))
    )
    return [
        Reply(
            text=ctx.t("incident.edited", id=label(incident), name=name),
            lines=(ctx.t("incident.line_numbered", id=label(incident), when=when, kind=ctx.t(NAMES[after['kind']]))
                   + (f" — {after['note']}" if after["note"] else ""),),
            context=ctx.t("incident.edited_hint"),
        )
    ]


def edit_form(ctx: Context, incident: Incident) -> Reply:
    local_day = incident.occurred_on or incident.occurred_at.astimezone(ctx.tz).date()
    return Reply(
        text=ctx.t("incident.edit_intro", id=label(incident), name=_client_name(ctx, incident)),
        form=Form(
            id=EDIT_FORM,
            title=ctx.t("incident.edit_title", id=label(incident)),
            submit_label=ctx.t("fix.save"),
            fields=(
                FormField(id="kind", label=ctx.t("field.kind"), kind="select",
                          options=tuple(Option(k, ctx.t(NAMES[k])) for k in KINDS), initial=incident.kind),
                FormField(id="note", label=ctx.t("field.note"), kind="textarea", required=False,
                          initial=incident.note, max_length=MAX_NOTE),
                FormField(id="on", label=ctx.t("field.on"), required=False, initial=local_day.isoformat(), max_length=20),
            ),
            context=str(incident.number),
        ),
    )


@form(EDIT_FORM)
def edit_submitted(ctx: Context, values: dict[str, str]) -> list[Reply]:
    usage = "usage.incident_edit"
    try:
        incident = find_incident(ctx, values.get("_context", ""), usage)
    except UserError as err:
        return [Reply(text=ctx.t(err.key, **err.values), is_error=True)]
    errors: list[tuple[str, str]] = []
    changes: dict = {}
    for key in ("kind", "note", "on"):
        if key not in values:
            continue
        try:
            changes.update(_changes(ctx, incident, {key: values[key]}, usage))
        except UserError as err:
            errors.append((key, ctx.t(err.key, **err.values)))
    if errors:
        return [Reply(form_errors=tuple(errors), is_error=True)]
    return apply_edit(ctx, incident, changes)


# -- delete ----------------------------------------------------------------------
@INCIDENT_GROUP.sub("delete", usage="usage.incident_delete", help=("help.incident_fix",), options=(NUMBER,))
def delete(ctx: Context, args: Args) -> list[Reply]:
    usage = "usage.incident_delete"
    return ask_delete(ctx, find_incident(ctx, args.text("number"), usage))


def ask_delete(ctx: Context, incident: Incident) -> list[Reply]:
    tag = label(incident)
    return [
        Reply(
            text=ctx.t(
                "incident.delete_confirm",
                id=tag,
                name=_client_name(ctx, incident),
                kind=ctx.t(NAMES[incident.kind]),
                when=fmt.moment(ctx.language, ctx.tz, incident.occurred_at),
            ),
            lines=(incident.note,) if incident.note else (),
            choices=fix_buttons.confirm_choices(ctx, PREFIX, incident.number, tag),
        )
    ]


@action(PREFIX)
def incident_action(ctx: Context, action_id: str) -> list[Reply]:
    click = fix_buttons.read_click(ctx, action_id)
    if isinstance(click, list):
        return click
    verb, number = click
    if verb == "delete":
        gone = ctx.store.incidents.by_number(ctx.owner, number, include_deleted=True)
        if gone is not None and gone.number and ctx.store.incidents.by_number(ctx.owner, number) is None:
            # A second click, or a retry after the first one went through: nothing more to do.
            return [Reply(text=ctx.t("incident.deleted", id=f"#{number}", name=_client_name(ctx, gone)), replaces=True)]
    incident = find_incident(ctx, str(number), "usage.incident_delete")
    if verb == "edit":
        return [edit_form(ctx, incident)]
    if verb == "ask":
        return ask_delete(ctx, incident)
    if verb == "delete":
        ctx.store.corrections.delete_incident(ctx.owner, incident, ctx.now, ctx.request_id)
        return [Reply(text=ctx.t("incident.deleted", id=label(incident), name=_client_name(ctx, incident)), replaces=True)]
    return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
