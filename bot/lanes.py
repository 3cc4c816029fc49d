"""Which events are known to be short (run inline on the adapter's loop) and which are slow.

A short command does a few indexed reads and one write: running it inline on
the event loop, inside the one transaction that also keeps the retry memory,
costs less than the hand-off to a thread and back. A slow one (a report with
its chart, an export, a dossier of thousands of incidents, an import) goes to
a pool of threads, so it never holds up the short ones behind it. Which is
which is declared on the subcommand (`slow=True`, see `bot/declare.py`).

"Inline" holds on SQLite only: on PostgreSQL each statement is a network
round trip, and a short command run on the loop would hold every other
request behind those waits (3.7x SQLite's latency at concurrency 20,
issue 16). There a short command keeps its one transaction but runs on a
pool of its own (`runs_inline`), still never behind a slow one.
"""
from __future__ import annotations

from bot import registry
from bot.events import Command, Event


def is_short(event: Event) -> bool:
    """True for a slash command known to be short; buttons, forms, uploads and slow commands are not."""
    if not isinstance(event, Command):
        return False
    declared = registry.declared(event.command)
    if declared is None:
        return True  # refused at once: unknown command
    if event.sub is not None or not declared.grouped:
        sub = declared.sub(event.sub or declared.name)
    else:
        words = event.text.split(None, 1)
        sub = declared.sub(words[0].lower()) if words else declared.sub(declared.default or "")
        if sub is None and declared.fallback is not None:
            sub = declared.sub(declared.fallback)
    return sub is None or not sub.slow


def runs_inline(event: Event, inline_store: bool) -> bool:
    """True when the event may run on the adapter's event loop: short, and on a store that answers in-process.

    `inline_store` is the core's `answers.inline` (SQLite yes, PostgreSQL no).
    """
    return inline_store and is_short(event)


def is_slow(event: Event) -> bool:
    """True for a slash command declared slow (a report, an export, a list): what `bot/slow_process.py` takes."""
    return isinstance(event, Command) and not is_short(event)
