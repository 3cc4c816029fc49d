"""Matching a typed answer to a list of choices: the number, the label, or a prefix of it."""
from __future__ import annotations

from typing import Sequence, TypeVar

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
