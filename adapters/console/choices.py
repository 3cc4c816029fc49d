"""Matching a typed answer to a list of choices: the number, the label, or a prefix of it.

Navigation (Back, Cancel, back to the open question) is matched first by its
letter or word (`b`, `back`, `c`, `cancel`, `r`, `continue`) or its label, and
never by a number: numbers count the answers only.
"""
from __future__ import annotations

from typing import Sequence, TypeVar

from bot.replies import Choice

T = TypeVar("T")


def match(answer: str, labels: Sequence[str], items: Sequence[T]) -> tuple[T | None, list[str]]:
    """Returns (the chosen item, []) or (None, the labels the answer fits when ambiguous)."""
    typed = answer.strip()
    if typed.isdigit():
        index = int(typed) - 1
        return (items[index], []) if 0 <= index < len(items) else (None, [])
    folded = typed.casefold()
    exact = [i for i, label in enumerate(labels) if label.casefold() == folded]
    if exact:
        return items[exact[0]], []
    prefixed = [i for i, label in enumerate(labels) if folded and label.casefold().startswith(folded)]
    if len(prefixed) == 1:
        return items[prefixed[0]], []
    return None, [labels[i] for i in prefixed]


def match_choice(answer: str, choices: Sequence[Choice]) -> tuple[Choice | None, list[str]]:
    """A typed line against a reply's choices: navigation words first, then the numbered answers."""
    from adapters.console.render import NAV_KEYS

    folded = answer.strip().casefold()
    answers = [c for c in choices if not c.nav]
    for c in choices:
        if c.nav and (folded in NAV_KEYS.get(c.nav, ()) or folded == c.label.casefold()):
            return c, []
    if folded.isdigit() and not answers:
        resume = [c for c in choices if c.nav == "continue"]
        if resume:  # a habit number right after another command: back to the open question
            return resume[0], []
    return match(answer, [c.label for c in answers], answers)
