"""Progress of a long import, reported to whoever is watching without the core knowing who.

A surface sets `REPORTER` (a context variable) around `core.handle` when it
can show progress — the console draws a bar, Slack and Discord update a
message — and the importer calls `report(stage, done, total)`; nobody
watching costs nothing.
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import Callable

Reporter = Callable[[str, int, int], None]
REPORTER: ContextVar[Reporter | None] = ContextVar("import_progress", default=None)


def reporter(stage: str) -> Callable[[int, int], None] | None:
    """A `(done, total)` callback for one stage ("read" | "write"), or None when nobody watches."""
    watcher = REPORTER.get()
    if watcher is None:
        return None
    return lambda done, total: watcher(stage, done, total)
