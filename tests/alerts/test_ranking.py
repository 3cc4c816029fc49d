"""`bot/alerts/ranking.py`: what the pattern check keeps between incidents equals what it reads afresh."""
from __future__ import annotations

import random

from bot.alerts import ranking, rules
from bot.kinds import KINDS
from tests.conftest import address


def test_the_kept_ranking_and_recent_incidents_equal_a_fresh_read(core, say, clock) -> None:
    names = [f"Client {n}" for n in range(7)]
    for name in names:
        assert not say(f'/client add "{name}"')[0].is_error
    ctx = core.context(address("U1", "W1", "console"))
    ids = {c.name: c.id for c in core.store.clients.list(ctx.owner)}
    rng = random.Random(3)
    for n in range(60):  # every /incident's check updates the kept entry; ties and moves in the ranking
        name = rng.choice(names)
        assert not say(f'/incident "{name}" {rng.choice(KINDS)} note {n}')[0].is_error
        clock.advance(minutes=rng.randrange(1, 300))
        ctx = core.context(address("U1", "W1", "console"))
        if n % 10:
            continue
        kept = {cid: ranking.facts(ctx, cid) for cid in ids.values()}
        ranking.forget(ctx)
        fresh = {cid: ranking.facts(ctx, cid) for cid in ids.values()}
        assert kept == fresh
        scores = {cid: f.pareto.score for cid, f in fresh.items()}
        assert sorted(f.pareto.rank for f in fresh.values()) == list(range(1, len(ids) + 1))
        for cid, f in fresh.items():
            assert f.pareto.rank == rules.standing_of(scores, {}, cid, {}).rank


def test_facts_handed_out_stay_as_they_were_while_the_next_incident_is_added(core, say) -> None:
    """A check on another thread (PostgreSQL's short pool) may still be reading them."""
    assert not say("/client add Acme")[0].is_error
    assert not say("/incident Acme haggling first")[0].is_error
    ctx = core.context(address("U1", "W1", "console"))
    acme = core.store.clients.by_name(ctx.owner, "Acme")
    before = ranking.facts(ctx, acme.id)
    assert [f.kind for f in before.timeline] == ["haggling"]
    assert not say("/incident Acme haggling second")[0].is_error
    assert [f.kind for f in before.timeline] == ["haggling"]
    assert len(ranking.facts(core.context(address("U1", "W1", "console")), acme.id).timeline) == 2
