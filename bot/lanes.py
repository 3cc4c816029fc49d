"""Which events are known to be short (run inline on the adapter's loop) and which are slow.

A short command does a few indexed reads and one write: running it inline on
the event loop, inside the one transaction that also keeps the retry memory,
costs less than the hand-off to a thread and back. A slow one (a report with
its chart, an export, a dossier of thousands of incidents, an import) goes to
a pool of threads, so it never holds up the short ones behind it.
"""
from __future__ import annotations

from bot.events import Command, Event

#: command -> the subcommands that read or render a lot (the rest of the command is short).
SLOW_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "client": frozenset({"report", "export", "show", "list"}),
    "invoice": frozenset({"import", "list"}),
}


def is_short(event: Event) -> bool:
    """True for a slash command known to be short; buttons, forms, uploads and slow commands are not."""
    if not isinstance(event, Command):
        return False
    name = event.command.strip().lstrip("/").lower()
    words = event.text.split(None, 1)
    sub = words[0].lower() if words else ""
    return sub not in SLOW_SUBCOMMANDS.get(name, frozenset())
