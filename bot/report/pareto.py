"""The Pareto ranking of `/client report`: pure maths, no store, no language.

DOMAIN.md's observation (about 20% of clients cause most of the trouble) as
numbers: every client ranked by trouble, each one's share and the running
share, and the share the top fifth causes. Revenue is kept per currency and
never converted (`bot/money.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from bot.money import per_currency

#: The "top 20%" of the Pareto observation, as a fraction of the client count (rounded up).
TOP_FRACTION_NUM, TOP_FRACTION_DEN = 1, 5

@dataclass(frozen=True)
class ClientTrouble:
    """One client's inputs to the report."""

    name: str
    score: float
    revenue: tuple[tuple[str, int], ...] = ()  # (ISO currency, minor units), one entry per currency
    client_id: int = 0


@dataclass(frozen=True)
class Ranked:
    """A client's place in the 80/20 ranking, with its share of all the trouble."""
    rank: int
    client: ClientTrouble
    share: float  # of all trouble, 0..1 (0 when there is none)
    cumulative: float  # share of this client and every one ranked above it


@dataclass(frozen=True)
class Pareto:
    """The whole 80/20 ranking: who causes most of the trouble, and what they pay."""
    ranked: tuple[Ranked, ...]
    total: float
    top_count: int  # how many clients make the top 20%
    top_share: float | None  # their share of the trouble; None when nobody caused any
    revenue_totals: tuple[tuple[str, int], ...]  # per currency, sorted by currency code

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.revenue_totals)


def top_count(clients: int) -> int:
    """The top 20% of `clients`, rounded up: at least one client once there is one."""
    return -(-clients * TOP_FRACTION_NUM // TOP_FRACTION_DEN) if clients else 0


def pareto(clients: Iterable[ClientTrouble]) -> Pareto:
    """Rank by trouble (highest first; ties by name, then id, so the order is stable)."""
    ordered = sorted(clients, key=lambda c: (-c.score, c.name.casefold(), c.client_id))
    total = sum(c.score for c in ordered)
    ranked: list[Ranked] = []
    running = 0.0
    for i, c in enumerate(ordered, start=1):
        running += c.score
        ranked.append(
            Ranked(
                rank=i,
                client=c,
                share=c.score / total if total else 0.0,
                cumulative=min(running / total, 1.0) if total else 0.0,
            )
        )
    top = top_count(len(ordered))
    top_share = ranked[top - 1].cumulative if total and top else None
    revenue = per_currency(pair for c in ordered for pair in c.revenue)
    return Pareto(tuple(ranked), total, top, top_share, revenue)
