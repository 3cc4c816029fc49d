"""Files that follow a reply: the reply's text goes out at once, the files when they are made (issue 20).

The first Pareto chart in a fresh process costs matplotlib's import and first
draw, and any chart ~200 ms: not a wait the report's text should share. So
`/client report` answers with its text and a `Later` order for its chart; a
surface that can send a second message (Slack, Discord, the console) delivers
the text, then asks for the files (`make`, in the slow commands' worker
process on Slack and Discord, `bot/slow_process.py`) and sends them after.
A caller that wants everything in one answer (`Core.handle(event)`, the
default) gets the files made at once, in the reply, as before (`resolve`).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from bot.replies import Attachment, Later, Reply


def _report_chart(order: object) -> tuple[Attachment, ...]:
    from bot.report.text import draw_chart

    return (draw_chart(order),)  # type: ignore[arg-type]


#: What each kind of order makes.
MAKERS: dict[str, Callable[[object], tuple[Attachment, ...]]] = {"pareto_chart": _report_chart}


def make(later: Later) -> tuple[Attachment, ...]:
    """The files one order promised."""
    return MAKERS[later.kind](later.order)


def pending(replies: Sequence[Reply]) -> list[Later]:
    return [later for r in replies for later in r.later]


def resolve(replies: Sequence[Reply]) -> list[Reply]:
    """The replies with their promised files made and in place (for a caller that sends one answer)."""
    if not any(r.later for r in replies):
        return list(replies)
    return [replace(r, files=r.files + tuple(f for later in r.later for f in make(later)), later=()) if r.later else r
            for r in replies]
