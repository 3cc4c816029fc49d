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

#: The message ids of each kind, listed literally so a search for one finds its use:
#: its name ("Late payment"), the word typed in commands ("late"), and a sentence for pickers.
NAMES: dict[str, str] = {
    "late-payment": "kind.late-payment",
    "haggling": "kind.haggling",
    "scope-creep": "kind.scope-creep",
    "disagreement": "kind.disagreement",
    "style-mismatch": "kind.style-mismatch",
    "abuse": "kind.abuse",
    "unethical": "kind.unethical",
    "indecision": "kind.indecision",
    "after-hours": "kind.after-hours",
    "hate-work": "kind.hate-work",
    "other": "kind.other",
}
WORDS: dict[str, str] = {
    "late-payment": "kind.late-payment.word",
    "haggling": "kind.haggling.word",
    "scope-creep": "kind.scope-creep.word",
    "disagreement": "kind.disagreement.word",
    "style-mismatch": "kind.style-mismatch.word",
    "abuse": "kind.abuse.word",
    "unethical": "kind.unethical.word",
    "indecision": "kind.indecision.word",
    "after-hours": "kind.after-hours.word",
    "hate-work": "kind.hate-work.word",
    "other": "kind.other.word",
}
SENTENCES: dict[str, str] = {
    "late-payment": "kind.late-payment.sentence",
    "haggling": "kind.haggling.sentence",
    "scope-creep": "kind.scope-creep.sentence",
    "disagreement": "kind.disagreement.sentence",
    "style-mismatch": "kind.style-mismatch.sentence",
    "abuse": "kind.abuse.sentence",
    "unethical": "kind.unethical.sentence",
    "indecision": "kind.indecision.sentence",
    "after-hours": "kind.after-hours.sentence",
    "hate-work": "kind.hate-work.sentence",
    "other": "kind.other.sentence",
}
