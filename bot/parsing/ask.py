"""Ambiguous input is asked about, never guessed.

A parser that finds several sensible readings calls `choose(...)`. The first
time, that raises `Ambiguous` (a `UserError`), which the core answers with a
question whose buttons re-run the same command with the reader's pick; on
that re-run `choose` returns the picked reading. Nothing is stored until the
user picks, because the command only runs to the end once every question is
answered. Picks are consumed in the order the parsers ask, so one command may
ask two questions (an amount, then a date) one after the other.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Sequence, TypeVar

from bot.errors import UserError

T = TypeVar("T")

_PICKS: ContextVar[list[int] | None] = ContextVar("redflag_picks", default=None)


class Ambiguous(UserError):
    """Several readings: `labels` are the choices shown, in the order `choose` was given them."""

    def __init__(self, key: str, labels: Sequence[str], **values: object) -> None:
        super().__init__(key, usage=None, **values)
        self.labels = tuple(labels)


class StalePick(UserError):
    """A pick that no longer fits (the question changed since the button was shown)."""

    def __init__(self) -> None:
        super().__init__("error.stale_button")


def choose(key: str, readings: Sequence[T], labels: Sequence[str], *, confirm: bool = False, **values: object) -> T:
    """One reading: the only one (unless it needs `confirm`ing), the one the user picked, or ask."""
    if len(readings) == 1 and not confirm:
        return readings[0]
    picks = _PICKS.get()
    if picks:
        index = picks.pop(0)
        if not 0 <= index < len(readings):
            raise StalePick()
        return readings[index]
    raise Ambiguous(key, labels, **values)


@contextmanager
def picking(picks: Sequence[int]) -> Iterator[None]:
    """Run a command again with the answers given so far."""
    token = _PICKS.set(list(picks))
    try:
        yield
    finally:
        _PICKS.reset(token)


def in_question() -> bool:
    """True while re-running with picks: forms and other one-shot paths ask differently."""
    return _PICKS.get() is not None
