"""The incident kinds of DOMAIN.md §1. Slugs are identifiers and never translated."""
from __future__ import annotations

KINDS: tuple[str, ...] = (
    "late-payment",
    "haggling",
    "scope-creep",
    "disagreement",
    "style-mismatch",
    "abuse",
    "unethical",
    "indecision",
    "after-hours",
    "hate-work",
    "other",
)

#: How much one incident of a kind weighs in the trouble score (see bot/scoring.py).
#: Abuse and unethical requests end relationships on their own; a dull project does not.
WEIGHTS: dict[str, float] = {
    "late-payment": 3.0,
    "haggling": 2.0,
    "scope-creep": 2.0,
    "disagreement": 2.0,
    "style-mismatch": 1.0,
    "abuse": 5.0,
    "unethical": 5.0,
    "indecision": 2.0,
    "after-hours": 1.0,
    "hate-work": 1.0,
    "other": 1.0,
}
