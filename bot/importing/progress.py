"""Progress of a long import, reported to whoever is watching without the core knowing who.

A surface sets `REPORTER` (a context variable) around `core.handle` when it
can show progress — the console draws a bar, Slack and Discord update a
message — and the importer calls `report(stage, done, total)`; nobody
watching costs nothing.
"""
from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Callable, TypeVar

T = TypeVar("T")
Reporter = Callable[[str, int, int], None]
REPORTER: ContextVar[Reporter | None] = ContextVar("import_progress", default=None)


def reporter(stage: str) -> Callable[[int, int], None] | None:
    """A `(done, total)` callback for one stage ("read" | "write"), or None when nobody watches."""
    watcher = REPORTER.get()
    if watcher is None:
        return None
    return lambda done, total: watcher(stage, done, total)


def watched(handle: Callable[[], T], report: Reporter) -> T:
    """`handle()` run with `report` watching: a surface wraps `core.handle` in this on the thread that runs it."""
    token = REPORTER.set(report)
    try:
        return handle()
    finally:
        REPORTER.reset(token)


def throttled(show: Callable[[int], None], every: float) -> Reporter:
    """A reporter that calls `show(percent)` at most once per `every` seconds, and not for the last report.

    A chat message can be edited about once a second; the last report is
    followed by the answer itself, which replaces the progress message.
    """
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:  # runs on the core's worker thread
        now = time.monotonic()
        if done >= total or now - last[0] < every:
            return
        last[0] = now
        show(100 * done // max(total, 1))

    return report
