"""What one sweep did, for the operator's report and the scheduler's log line.

The outcomes of a sweep are kept as plain tuples, not objects: a tuple of
strings and numbers is not tracked by the garbage collector, while ten
thousand `Outcome` objects kept to the end of a sweep were enough to start
full collections (which stop every thread, the event loop's too) in the
middle of delivery. Counting by status reads a tally, never the rows, so the
scheduler's summary on the loop costs the same for ten DMs or ten thousand.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Iterable, Sequence


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one DM in this sweep (for the operator's report)."""

    kind: str  # "nudge" | "followup"
    id: int
    workspace: str
    user: str
    platform: str
    status: str  # "delivered" | "retry" | "unknown" | "failed" | "cancelled" | "no_notifier" | "waiting" | "left"
    summary: str = ""
    text: str = ""
    error: str = ""


class Outcomes(Sequence[Outcome]):
    """A sweep's outcomes, kept as plain tuples and made into `Outcome`s when read (see the module docstring)."""

    def __init__(self, items: Iterable[Outcome] = ()) -> None:
        self._rows: list[tuple] = []
        self._tally: Counter[tuple[str, str]] = Counter()  # (status, kind): counting reads no row
        self.extend(items)

    def append(self, outcome: Outcome) -> None:
        self._rows.append(tuple(getattr(outcome, name) for name in _OUTCOME_FIELDS))
        self._tally[(outcome.status, outcome.kind)] += 1

    def extend(self, items: Iterable[Outcome]) -> None:
        if isinstance(items, Outcomes):  # a sweep's outcomes into its report, on the loop: no row is remade
            self._rows.extend(items._rows)
            self._tally.update(items._tally)
            return
        for outcome in items:
            self.append(outcome)

    def count_of(self, status: str, kind: str | None = None) -> int:
        """How many have this status (and kind), without remaking a row."""
        return sum(n for (s, k), n in self._tally.items() if s == status and (kind is None or k == kind))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [Outcome(*row) for row in self._rows[index]]
        return Outcome(*self._rows[index])

    def __repr__(self) -> str:
        return f"Outcomes({list(self)!r})"


_OUTCOME_FIELDS = tuple(f.name for f in fields(Outcome))


@dataclass
class SweepReport:
    at: datetime
    claimed: int = 0  # invoice stages claimed in this sweep
    checked: int = 0  # invoices looked at
    outcomes: Outcomes = field(default_factory=Outcomes)

    def count(self, status: str, kind: str | None = None) -> int:
        return self.outcomes.count_of(status, kind)
