"""The neutral `Reply` as Block Kit, within Slack's limits and without dropping anything.

Limits (Slack docs): 50 blocks a message, 25 elements in an actions block,
75 characters of button text, 3000 characters of section text, 10 fields a
section (2000 characters each), 150 characters in a header, and in modals 24
characters of title, 100 options in a select (then option groups). Where a
limit would cut text, the text moves into more blocks or more messages; a
long button label is shown in full in a section beside a shortened button.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Sequence

from adapters.slack import inputs
from bot.replies import Choice, Form, FormField, Reply

MAX_BLOCKS = 50
MAX_ACTIONS = 25
MAX_BUTTON = 75
MAX_SECTION = 3000
MAX_FIELDS = 10
MAX_FIELD = 2000
MAX_HEADER = 150
MAX_CONTEXT = 3000
MAX_FALLBACK = 3000
MAX_MODAL_TITLE = 24
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_MODAL_BLOCKS = 100
ELLIPSIS = "…"


@dataclass(frozen=True)
class Message:
    """One Slack message: fallback `text` for notifications and the `blocks`."""

    text: str
    blocks: list[dict]
    private: bool = True


#: The block that holds Back / Cancel (kept apart from the answers).
NAV_BLOCK = "redflag-nav"


def escape(text: str) -> str:
    """Slack mrkdwn control characters; also stops `<!channel>` pings from user text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def chunks(text: str, limit: int) -> list[str]:
    """Split at line breaks (then spaces, then anywhere) into pieces of at most `limit`."""
    out: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 1, limit + 1)
        if cut < 0:
            cut = rest.rfind(" ", 1, limit + 1)
        if cut > 0:
            out.append(rest[:cut])
            rest = rest[cut + 1:]
            continue
        cut = limit
        amp = rest.rfind("&", max(0, limit - 5), limit)
        if amp > 0 and ";" not in rest[amp:limit]:
            cut = amp  # never split an escaped entity such as &amp;
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(rest)
    return [c for c in out if c] or [""]


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def sections(text: str) -> list[dict]:
    return [_section(piece) for piece in chunks(escape(text), MAX_SECTION) if piece.strip()]


def button_value(choice: Choice, for_user: str | None) -> str:
    """Who the button is for and which choice it is, so a click can be checked and routed."""
    data = {"c": choice.id}
    if for_user:
        data["u"] = for_user
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def read_button_value(value: str | None) -> tuple[str | None, str | None]:
    """(choice id, intended user) from a button's value; (None, None) for foreign buttons."""
    try:
        data = json.loads(value or "")
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    return data.get("c"), data.get("u")


def button(choice: Choice, action_id: str, for_user: str | None) -> dict:
    el = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": shorten(choice.label, MAX_BUTTON), "emoji": True},
        "value": button_value(choice, for_user),
    }
    if choice.style in ("primary", "danger"):
        el["style"] = choice.style
    return el


def overflow(choices: Sequence[Choice], action_id: str, for_user: str | None) -> dict:
    """A line's actions as an overflow menu (at most 5 options; each value routes like a button)."""
    return {
        "type": "overflow",
        "action_id": action_id,
        "options": [
            {"text": {"type": "plain_text", "text": shorten(c.label, MAX_OPTION_TEXT), "emoji": True}, "value": button_value(c, for_user)}
            for c in choices[:5]
        ],
    }


def choice_blocks(choices: Sequence[Choice], for_user: str | None) -> list[dict]:
    """Buttons in actions blocks of at most 25; a label too long for a button gets its own section."""
    blocks: list[dict] = []
    row: list[dict] = []
    used: set[str] = set()

    def flush() -> None:
        nonlocal row
        if row:
            blocks.append({"type": "actions", "elements": row})
            row = []

    for choice in choices:
        action_id = choice.id
        n = 1
        while action_id in used:  # Slack refuses repeated action ids in one message
            n += 1
            action_id = f"{choice.id}#{n}"
        used.add(action_id)
        el = button(choice, action_id, for_user)
        if len(choice.label) > MAX_BUTTON:
            flush()
            for block in sections(choice.label)[:-1]:
                blocks.append(block)
            last = sections(choice.label)[-1]
            last["accessory"] = el
            blocks.append(last)
            continue
        row.append(el)
        if len(row) == MAX_ACTIONS:
            flush()
    flush()
    return blocks


def nav_blocks(choices: Sequence[Choice], for_user: str | None) -> list[dict]:
    """Back / Cancel in their own row under the answers, always last and in that order,
    so they never sit where an answer sits on another question."""
    if not choices:
        return []
    return [{"type": "actions", "block_id": NAV_BLOCK, "elements": [button(c, c.id, for_user) for c in choices]}]


def field_blocks(reply: Reply) -> list[dict]:
    blocks: list[dict] = []
    items: list[dict] = []
    for f in reply.fields:
        body = f"*{escape(f.label)}*\n{escape(f.value)}"
        if len(body) > MAX_FIELD:
            # Too long to sit in a field: give it whole sections of its own.
            if items:
                blocks.append({"type": "section", "fields": items})
                items = []
            blocks.extend(sections(f"*{f.label}*\n{f.value}"))
            continue
        items.append({"type": "mrkdwn", "text": body})
        if len(items) == MAX_FIELDS:
            blocks.append({"type": "section", "fields": items})
            items = []
    if items:
        blocks.append({"type": "section", "fields": items})
    return blocks


def reply_blocks(reply: Reply, for_user: str | None) -> list[dict]:
    blocks: list[dict] = []
    if reply.title.strip():
        if len(reply.title) <= MAX_HEADER:
            blocks.append({"type": "header", "text": {"type": "plain_text", "text": reply.title, "emoji": True}})
        else:
            blocks.extend(sections(f"*{reply.title}*"))
    if reply.text:
        blocks.extend(sections(reply.text))
    # Join short extra paragraphs into as few sections as fit, so long lists
    # spend characters rather than blocks.
    buffer = ""
    for index, line in enumerate(reply.lines):
        actions = reply.line_choices[index] if index < len(reply.line_choices) else ()
        if actions:
            # A line with its own actions (Edit / Delete) is a section with an overflow menu beside it.
            if buffer:
                blocks.extend(sections(buffer))
                buffer = ""
            own = sections(line)
            own[-1]["accessory"] = overflow(actions, f"line:{index}", for_user)
            blocks.extend(own)
            continue
        candidate = f"{buffer}\n{line}" if buffer else line
        if len(escape(candidate)) <= MAX_SECTION:
            buffer = candidate
            continue
        if buffer:
            blocks.extend(sections(buffer))
        buffer = line
    if buffer:
        blocks.extend(sections(buffer))
    blocks.extend(field_blocks(reply))
    if reply.form_errors:
        blocks.extend(sections("\n".join(f"• {msg}" for _, msg in reply.form_errors)))
    if reply.context.strip():
        for piece in chunks(escape(reply.context), MAX_CONTEXT):
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": piece}]})
    blocks.extend(choice_blocks(reply.answers, for_user))
    blocks.extend(nav_blocks(reply.navigation, for_user))
    if reply.files and not blocks:
        names = ", ".join(a.title or a.filename for a in reply.files)
        blocks.extend(sections(names))
    return blocks


def block_text(block: dict) -> str:
    if block["type"] in ("section", "header"):
        parts = [block["text"]["text"]] if "text" in block else []
        parts += [f["text"] for f in block.get("fields", ())]
        return "\n".join(parts)
    if block["type"] == "context":
        return "\n".join(e.get("text", "") for e in block["elements"])
    if block["type"] == "actions":
        return " ".join(f"[{e['text']['text']}]" for e in block["elements"])
    return ""


def fallback(blocks: Iterable[dict], default: str) -> str:
    text = "\n".join(t for t in (block_text(b) for b in blocks) if t and not t.startswith("["))
    return shorten(text or default, MAX_FALLBACK)


def messages(replies: Sequence[Reply], for_user: str | None = None) -> list[Message]:
    """One message per reply, split into more messages when it passes 50 blocks."""
    out: list[Message] = []
    for reply in replies:
        if reply.form is not None:
            continue  # a form opens a modal, its text shown at the top of it
        blocks = reply_blocks(reply, for_user)
        if not blocks:
            continue
        for start in range(0, len(blocks), MAX_BLOCKS):
            page = blocks[start:start + MAX_BLOCKS]
            out.append(Message(text=fallback(page, escape(reply.plain()) or " "), blocks=page, private=reply.private))
    return out


# -- modals ----------------------------------------------------------------

def _option(value: str, label: str) -> dict:
    return {"text": {"type": "plain_text", "text": shorten(label, MAX_OPTION_TEXT), "emoji": True}, "value": value[:MAX_OPTION_VALUE]}


def _element(field: FormField) -> dict:
    if field.kind == "select" and field.options:
        options = [_option(o.value, o.label) for o in field.options]
        el: dict = {"type": "static_select", "action_id": field.id}
        if len(options) <= MAX_OPTIONS:
            el["options"] = options
        else:  # more than 100: option groups of 100, nothing left out
            el["option_groups"] = [
                {
                    "label": {"type": "plain_text", "text": f"{i + 1}–{min(i + MAX_OPTIONS, len(options))}"},
                    "options": options[i:i + MAX_OPTIONS],
                }
                for i in range(0, len(options), MAX_OPTIONS)
            ]
        if field.placeholder:
            el["placeholder"] = {"type": "plain_text", "text": shorten(field.placeholder, MAX_PLACEHOLDER)}
        initial = next((o for o in options if o["value"] == field.initial), None)
        if initial is not None:
            el["initial_option"] = initial
        return el
    el = {"type": "plain_text_input", "action_id": field.id, "multiline": field.kind == "textarea"}
    if field.initial:
        el["initial_value"] = field.initial[: field.max_length or 3000]
    if field.max_length:
        el["max_length"] = min(field.max_length, 3000)
    if field.placeholder:
        el["placeholder"] = {"type": "plain_text", "text": shorten(field.placeholder, MAX_PLACEHOLDER)}
    return el


def modal(form: Form, metadata: dict, close_label: str, intro: Reply | None = None) -> dict:
    """A modal whose callback_id is the form id and whose block/action ids are the field ids."""
    head = reply_blocks(Reply(text=intro.text, lines=intro.lines, context=intro.context), None) if intro else []
    blocks = head + [
        {
            "type": "input",
            "block_id": f.id,
            "optional": not f.required,
            "label": {"type": "plain_text", "text": shorten(f.label, 2000), "emoji": True},
            "element": _element(f),
        }
        for f in form.fields
    ][:MAX_MODAL_BLOCKS]
    return {
        "type": "modal",
        "callback_id": form.id,
        "title": {"type": "plain_text", "text": shorten(form.title, MAX_MODAL_TITLE), "emoji": True},
        "submit": {"type": "plain_text", "text": shorten(form.submit_label, MAX_MODAL_TITLE), "emoji": True},
        "close": {"type": "plain_text", "text": shorten(close_label, MAX_MODAL_TITLE), "emoji": True},
        "private_metadata": json.dumps(metadata, separators=(",", ":"), ensure_ascii=False),
        "blocks": blocks,
    }


def form_values(state: dict) -> tuple[tuple[str, str], ...]:
    """The submitted values by field id, from `view.state.values`."""
    out: list[tuple[str, str]] = []
    for block_id, actions in (state or {}).items():
        for _action_id, value in actions.items():
            out.append((block_id, inputs.value_of(value)))
    return tuple(out)


def result_view(title: str, replies: Sequence[Reply], close_label: str) -> dict:
    """A modal that shows replies (used when a form leads to another step)."""
    blocks: list[dict] = []
    for r in replies:
        blocks.extend(reply_blocks(r, None))
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": shorten(title, MAX_MODAL_TITLE)},
        "close": {"type": "plain_text", "text": shorten(close_label, MAX_MODAL_TITLE)},
        "blocks": blocks[:MAX_MODAL_BLOCKS],
    }
