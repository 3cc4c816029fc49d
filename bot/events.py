"""What comes in from a surface, stripped of platform detail.

Adapters build these; the core never sees a Slack payload or a Discord
interaction. Every event carries its `Address` so the core can scope every
read and write to one workspace and one user.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Address:
    """Who said it, where. `workspace` is a Slack team, a Discord guild or `local`."""

    platform: str  # "slack" | "discord" | "console"
    workspace: str
    user: str
    channel: str | None = None
    locale: str | None = None  # the platform's locale for this user, e.g. "nl-NL"
    timezone: str | None = None  # IANA zone the platform reports, if any


@dataclass(frozen=True)
class Command:
    """A slash command: its raw text from a text surface (command="client", text='add "Acme Corp"'), or,
    from a surface with typed options (Discord), the subcommand and its values by option name
    (sub="add", args=(("name", "Acme Corp"), ("terms", 30))), which reach the handler as they are."""

    address: Address
    command: str
    text: str = ""
    request_id: str | None = None  # stable across platform retries; used to refuse duplicates
    sub: str | None = None
    args: tuple[tuple[str, object], ...] | None = None  # typed values (see bot/declare.py); None: parse `text`


@dataclass(frozen=True)
class Action:
    """A button press (or a numbered choice typed in the console)."""

    address: Address
    action_id: str
    request_id: str | None = None


@dataclass(frozen=True)
class FormSubmit:
    """A submitted form (Slack modal, Discord modal, console prompts)."""

    address: Address
    form_id: str
    values: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    request_id: str | None = None
    context: str = ""  # the Form.context the form was opened with, round-tripped unchanged

    def get(self, key: str, default: str = "") -> str:
        for k, v in self.values:
            if k == key:
                return v
        return default


@dataclass(frozen=True)
class Capture:
    """A chat message the user wants on file ("Log as client incident" shortcut / context menu).

    The core answers with the incident form, pre-filled; the message's own
    time and link travel with the form so the incident keeps them.
    """

    address: Address
    text: str
    author: str = ""
    permalink: str = ""
    occurred_at: str = ""  # ISO UTC time the message was posted
    request_id: str | None = None


@dataclass(frozen=True)
class Upload:
    """A file the user gave the bot (a Slack file shared in the DM or the modal, a Discord
    attachment, a path read by the console): `/invoice import` reads it as a CSV."""

    address: Address
    filename: str
    content: bytes
    request_id: str | None = None
    size: int | None = None  # the size the platform reports, when it sent less (a file too big to fetch)


Event = Command | Action | FormSubmit | Capture | Upload
