"""Reply.form as a Discord modal, and modal submissions back as (form id, values).

The modal's custom_id is `rfm:<user>[@<workspace>]:<Form.id>`, so a
submission is understood without memory of the modal (a restart between
opening and submitting still works). `Form.context` and the last values
typed are kept in a small in-memory table for "fix the form" buttons,
because Discord cannot keep a modal open to show errors.
"""
from __future__ import annotations

import logging
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable

import discord

from adapters.discord.dynamic import CUSTOM_ID_MAX, Target, _shorten, expand
from adapters.discord.markup import to_markdown, truncate
from bot.replies import Form

log = logging.getLogger(__name__)

MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
LABEL_MAX = 45
LABEL_DESCRIPTION_MAX = 100
PLACEHOLDER_MAX = 100
TEXT_VALUE_MAX = 4000
SELECT_OPTIONS_MAX = 25
TEXT_DISPLAY_MAX = 4000

MODAL_ID = re.compile(r"rfm:(?P<user>\d+)(?:@(?P<ws>[\w-]+))?:(?P<form>.+)")


@dataclass
class OpenForm:
    """A form shown to someone, kept so a "fix the form" button can reopen it with their values."""
    form: Form
    target: Target
    values: dict[str, str]


class Forms:
    """Forms shown recently, by key: what a "fix the form" button reopens. Bounded, in memory."""

    def __init__(self, size: int = 1000) -> None:
        self._open: OrderedDict[str, OpenForm] = OrderedDict()
        self._size = size

    def remember(self, form: Form, target: Target, values: dict[str, str] | None = None) -> str:
        key = os.urandom(8).hex()
        self._open[key] = OpenForm(form, target, dict(values or {}))
        while len(self._open) > self._size:
            self._open.popitem(last=False)
        return key

    def get(self, key: str) -> OpenForm | None:
        return self._open.get(key)

    def latest(self, user: str, form_id: str) -> Form | None:
        """The form with this id last shown to this user (None when forgotten, e.g. after a restart)."""
        for entry in reversed(self._open.values()):
            if entry.target.user == user and entry.form.id == form_id:
                return entry.form
        return None

    def context_for(self, user: str, form_id: str) -> str:
        """The latest `Form.context` shown to this user for this form id ("" when forgotten)."""
        form = self.latest(user, form_id)
        return form.context if form else ""


class FormModal(discord.ui.Modal):
    """A modal whose submission is handled by the client's interaction hook, not by this object."""

    async def on_submit(self, interaction: discord.Interaction, /) -> None:  # handled in Bridge.on_modal
        return None


def modal_custom_id(target: Target, form_id: str) -> str:
    head = f"rfm:{target.prefix}:"
    return head + _shorten(form_id, CUSTOM_ID_MAX - len(head))


def build_modal(form: Form, target: Target, values: dict[str, str] | None = None, intro: str = "") -> FormModal:
    """The form as a modal; `intro` (the reply's text) goes on top when there is room for it."""
    values = values or {}
    modal = FormModal(title=truncate(form.title, MODAL_TITLE_MAX), custom_id=modal_custom_id(target, form.id), timeout=900)
    fields = form.fields
    if len(fields) > MODAL_COMPONENTS_MAX:
        log.warning("form %s has %d fields; a Discord modal shows %d", form.id, len(fields), MODAL_COMPONENTS_MAX)
        fields = fields[:MODAL_COMPONENTS_MAX]
    if len(form.title) > MODAL_TITLE_MAX:
        intro = "\n\n".join(p for p in (form.title, intro) if p)
    if intro and len(fields) < MODAL_COMPONENTS_MAX:
        modal.add_item(discord.ui.TextDisplay(truncate(to_markdown(intro), TEXT_DISPLAY_MAX)))
    for f in fields:
        initial = values.get(f.id, f.initial)
        component: discord.ui.Item
        if f.kind == "select" and 0 < len(f.options) <= SELECT_OPTIONS_MAX:
            options = [
                discord.SelectOption(label=truncate(o.label, 100), value=o.value[:100], default=(o.value == initial))
                for o in f.options
            ]
            component = discord.ui.Select(
                custom_id=f.id,
                options=options,
                required=f.required,
                min_values=1 if f.required else 0,
                max_values=1,
                placeholder=truncate(f.placeholder, PLACEHOLDER_MAX) if f.placeholder else None,
            )
        else:
            # free text; also a select with more options than Discord allows (the core checks the value)
            component = discord.ui.TextInput(
                custom_id=f.id,
                style=discord.TextStyle.long if f.kind == "textarea" else discord.TextStyle.short,
                required=f.required,
                default=initial[:TEXT_VALUE_MAX] or None,
                placeholder=truncate(f.placeholder, PLACEHOLDER_MAX) if f.placeholder else None,
                max_length=min(f.max_length or TEXT_VALUE_MAX, TEXT_VALUE_MAX),
            )
        description = truncate(f.label, LABEL_DESCRIPTION_MAX) if len(f.label) > LABEL_MAX else None
        modal.add_item(discord.ui.Label(text=truncate(f.label, LABEL_MAX), description=description, component=component))
    return modal


def submitted_values(components: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """Walk a MODAL_SUBMIT payload's components (rows, labels) and collect custom_id -> value."""
    out: list[tuple[str, str]] = []
    for component in components:
        if "components" in component:
            out.extend(submitted_values(component["components"]))
        if isinstance(component.get("component"), dict):
            out.extend(submitted_values([component["component"]]))
        custom_id = component.get("custom_id")
        if not custom_id:
            continue
        if "value" in component:
            out.append((custom_id, component.get("value") or ""))
        elif "values" in component:
            chosen = component.get("values") or []
            out.append((custom_id, str(chosen[0]) if chosen else ""))
    return out


def parse_modal_id(custom_id: str) -> tuple[str, str | None, str] | None:
    """(user, workspace, form id) from a modal custom_id, or None when it is not ours."""
    match = MODAL_ID.fullmatch(custom_id)
    if not match:
        return None
    return match["user"], match["ws"], expand(match["form"])
