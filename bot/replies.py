"""What goes out: one platform-neutral reply model that every surface renders.

Slack turns it into Block Kit, Discord into embeds and `discord.ui`
components, the console into text with numbered choices. The core never
knows which.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_BOLD = re.compile(r"\*([^*\n]+)\*")


def strip_markup(text: str) -> str:
    """The reply model's `*bold*` as plain words (for terminals, logs and notification previews)."""
    return _BOLD.sub(r"\1", text)


@dataclass(frozen=True)
class Choice:
    """A button. `id` is stable and self-describing (e.g. "dlg:12:3:yes") so it survives restarts."""

    id: str
    label: str
    style: str = "default"  # "default" | "primary" | "danger"
    #: "" for an answer; "back", "cancel" or "continue" for a way around the answers, which
    #: surfaces keep apart from them (never numbered among them, always in the same place).
    nav: str = ""


@dataclass(frozen=True)
class Field:
    """A label and value shown side by side in a card."""
    label: str
    value: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (a CSV export, a chart)."""
    filename: str
    content: bytes
    mime: str
    title: str = ""


@dataclass(frozen=True)
class Later:
    """Work a reply promises and a surface delivers after it (`bot/later.py`): e.g. the report's chart.

    `kind` names the work, `order` is everything it needs (picklable: it may run in another
    process). The reply's own text goes out first; the result follows as files.
    """

    kind: str
    order: object


@dataclass(frozen=True)
class Option:
    """One choice in a select menu: the value sent back and the label shown."""
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One input of a form, rendered as a Slack modal block or a Discord text input."""
    id: str
    label: str
    kind: str = "text"  # "text" | "textarea" | "select"
    options: tuple[Option, ...] = ()
    required: bool = True
    initial: str = ""
    placeholder: str = ""
    max_length: int | None = None


@dataclass(frozen=True)
class Form:
    """Ask the surface to collect several values at once (a modal, or prompts in the console)."""

    id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str
    context: str = ""  # opaque state round-tripped with the submission (e.g. a message permalink)


@dataclass(frozen=True)
class Reply:
    """One message.

    `text` is the body: plain text where `*bold*` marks emphasis and lines
    starting with "• " are list items; adapters translate that to their own
    markup. `lines` are extra body paragraphs that may be paginated by the
    adapter without losing any. `private` replies are seen only by the user.
    `replaces` asks the surface to update the message the action came from
    instead of posting a new one. `form_errors` answers a form submission with
    per-field messages, keeping the form open. `line_choices` are actions on
    one line each (Edit / Delete of an incident or invoice): Slack shows an
    overflow menu beside the line, Discord a select menu, the console none
    (its users type the command the line names). `later` are files that
    follow the reply (its text goes out first), see `bot/later.py`.
    """

    text: str = ""
    title: str = ""
    lines: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    context: str = ""
    choices: tuple[Choice, ...] = ()
    files: tuple[Attachment, ...] = ()
    form: Form | None = None
    form_errors: tuple[tuple[str, str], ...] = ()
    private: bool = True
    replaces: bool = False
    is_error: bool = False
    line_choices: tuple[tuple[Choice, ...], ...] = ()  # per-line actions: line_choices[i] belongs to lines[i]
    later: tuple[Later, ...] = ()  # files that follow the reply once made (the report's chart): bot/later.py

    @property
    def answers(self) -> tuple[Choice, ...]:
        """The choices that answer (numbered 1..n in the console)."""
        return tuple(c for c in self.choices if not c.nav)

    @property
    def navigation(self) -> tuple[Choice, ...]:
        """Back / Cancel / Continue, in that order, whatever order they were given in."""
        order = {"continue": 0, "back": 1, "cancel": 2}
        return tuple(sorted((c for c in self.choices if c.nav), key=lambda c: order.get(c.nav, 3)))

    def plain(self) -> str:
        """Everything a reader would see, as plain text (notifications, logs, tests)."""
        parts: list[str] = []
        if self.title:
            parts.append(self.title)
        if self.text:
            parts.append(self.text)
        parts.extend(self.lines)
        parts.extend(f"{f.label}: {f.value}" for f in self.fields)
        if self.context:
            parts.append(self.context)
        parts.extend(f"[{c.label}]" for c in self.choices)
        parts.extend(f"{fe}: {msg}" for fe, msg in self.form_errors)
        return "\n".join(parts)
