"""The ranking and the share of trouble the top 20% of clients cause (`bot.report.pareto.pareto`)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.money import per_currency as add_revenue
from bot.report.pareto import ClientTrouble, pareto, top_count


def test_ranking_shares_and_top_fifth() -> None:
    clients = [
        ClientTrouble("Quiet Co", 1.0, (("EUR", 50_000),), 1),
        ClientTrouble("Acme", 12.0, (("EUR", 120_000),), 2),
        ClientTrouble("Bolt", 4.0, (), 3),
        ClientTrouble("Cedar", 2.0, (("USD", 30_000),), 4),
        ClientTrouble("Dune", 1.0, (("EUR", 10_000), ("USD", 5_000)), 5),
    ]
    p = pareto(clients)
    assert [r.client.name for r in p.ranked] == ["Acme", "Bolt", "Cedar", "Dune", "Quiet Co"]  # ties by name
    assert [r.rank for r in p.ranked] == [1, 2, 3, 4, 5]
    assert p.total == 20.0
    assert [round(r.share, 3) for r in p.ranked] == [0.6, 0.2, 0.1, 0.05, 0.05]
    assert [round(r.cumulative, 3) for r in p.ranked] == [0.6, 0.8, 0.9, 0.95, 1.0]
    assert p.top_count == 1  # 20% of 5
    assert p.top_share == pytest.approx(0.6)
    assert p.revenue_totals == (("EUR", 180_000), ("USD", 35_000))  # never converted


def test_one_client_is_the_whole_picture() -> None:
    p = pareto([ClientTrouble("Solo", 3.5, (("JPY", 120_000),), 7)])
    assert p.top_count == 1
    assert p.top_share == 1.0
    assert [(r.rank, r.share, r.cumulative) for r in p.ranked] == [(1, 1.0, 1.0)]
    assert p.revenue_totals == (("JPY", 120_000),)


def test_no_trouble_at_all_has_no_share() -> None:
    p = pareto([ClientTrouble("A", 0.0, (("EUR", 100),)), ClientTrouble("B", 0.0)])
    assert p.total == 0
    assert p.top_share is None
    assert all(r.share == 0 and r.cumulative == 0 for r in p.ranked)


def test_no_clients() -> None:
    p = pareto([])
    assert p.ranked == () and p.top_count == 0 and p.top_share is None and p.revenue_totals == ()


@pytest.mark.parametrize(("n", "top"), [(0, 0), (1, 1), (4, 1), (5, 1), (6, 2), (10, 2), (11, 3), (100, 20)])
def test_top_twenty_percent_rounds_up(n: int, top: int) -> None:
    assert top_count(n) == top


def test_revenue_adds_per_currency_only() -> None:
    assert add_revenue([("EUR", 100), ("VND", 2_000_000), ("EUR", 250), ("USD", 1), ("GBP", 0)]) == (
        ("EUR", 350),
        ("USD", 1),
        ("VND", 2_000_000),
    )


scores = st.lists(
    st.tuples(st.text(min_size=1, max_size=8), st.floats(min_value=0, max_value=500, allow_nan=False).map(lambda x: round(x, 1))),
    max_size=40,
)


@given(scores)
def test_pareto_invariants(rows: list[tuple[str, float]]) -> None:
    p = pareto([ClientTrouble(name, score, (), i) for i, (name, score) in enumerate(rows)])
    ranked = [r.client.score for r in p.ranked]
    assert ranked == sorted(ranked, reverse=True)
    assert len(p.ranked) == len(rows)
    cumulative = [r.cumulative for r in p.ranked]
    assert cumulative == sorted(cumulative)
    if p.total:
        assert cumulative[-1] == pytest.approx(1.0)
        assert sum(r.share for r in p.ranked) == pytest.approx(1.0)
        # the top fifth causes at least a fifth of the trouble: they are the worst ones
        assert p.top_share is not None and p.top_share >= p.top_count / len(rows) - 1e-9
