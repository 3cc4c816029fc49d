"""Real `redflag nudges run` processes against a fake Slack that is slow, silent, rate-limiting or gone.

Each case ends with every due reminder delivered exactly once, or recorded
as failed with its reason, judged from what the fake Slack itself stored.
"""
from __future__ import annotations

import asyncio

from faultkit import AT, assert_exactly_once, received, seed, start_sweep, sweep


async def test_staggered_sweeps_with_a_later_at_do_not_send_twice(core, store, fake, child_env):
    users = seed(core, 10)
    fake.slow("chat.postMessage", 0.3)
    first = await start_sweep(child_env, at="2026-11-25T09:00:00+00:00")
    await fake.wait_for(lambda: fake.posted(), timeout=30)
    second = await start_sweep(child_env, at="2026-11-25T09:30:00+00:00")  # 30 minutes "later": leases are real time
    await first.done()
    await second.done()
    assert_exactly_once(fake, store, users)


async def test_a_lease_being_renewed_is_never_taken_over(core, store, fake, child_env):
    users = seed(core, 2)
    fake.slow("chat.postMessage", 2.5)  # each post outlasts the 1.5 s lease: only the heartbeat keeps it
    env = dict(child_env, REDFLAG_SLACK_DM_TIMEOUT="5", REDFLAG_NUDGE_CONCURRENCY="1")
    first = await start_sweep(env)
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"), timeout=30)
    await asyncio.sleep(1.8)  # past the lease's first expiry
    second = await start_sweep(env, at="2026-11-25T10:00:00+00:00")
    await first.done()
    await second.done()
    assert_exactly_once(fake, store, users)


async def test_concurrent_sweeps_with_the_same_at(core, store, fake, child_env):
    users = seed(core, 12)
    fake.slow("chat.postMessage", 0.1)
    sweeps = [await start_sweep(child_env) for _ in range(3)]
    for s in sweeps:
        await s.done()
    assert_exactly_once(fake, store, users)


async def test_an_earlier_at_than_a_finished_sweep_sends_nothing_more(core, store, fake, child_env):
    users = seed(core, 3)
    await sweep(child_env, at="2026-11-25T09:00:00+00:00")
    assert sum(received(fake).values()) == 3
    await sweep(child_env, at="2026-11-24T09:00:00+00:00")
    await sweep(child_env, at="2026-11-25T08:30:00+00:00")
    assert_exactly_once(fake, store, users)


async def test_accepted_but_never_answered_is_looked_for_not_resent(core, store, fake, child_env):
    users = seed(core, 3)
    fake.hang_after_accept("chat.postMessage", times=3)  # every first post lands, none is answered
    first = await sweep(child_env)
    assert "not confirmed" in first.out
    assert len(store.nudges.delivery.unknown()) == 3
    await sweep(child_env)
    looked = [str(c.params.get("include_all_metadata")).lower() for c in fake.calls_to("conversations.history")]
    assert looked == ["1"] * 3 or looked == ["true"] * 3
    assert len(fake.calls_to("chat.postMessage")) == 3  # found in the history: none posted again
    assert store.nudges.delivery.unknown() == []
    assert_exactly_once(fake, store, users)


async def test_killed_after_the_post_before_the_mark(core, store, fake, child_env):
    users = seed(core, 1)
    fake.hang_after_accept("chat.postMessage")
    run = await start_sweep(child_env, extra={"REDFLAG_SLACK_DM_TIMEOUT": "30"})
    await fake.wait_for(lambda: fake.posted(), timeout=30)
    await run.kill()
    await asyncio.sleep(1.6)  # the dead sweep's lease runs out
    await sweep(child_env)
    assert len(fake.calls_to("chat.postMessage")) == 1 and fake.calls_to("conversations.history")
    assert_exactly_once(fake, store, users)


async def test_killed_after_the_claim_before_the_post(core, store, fake, child_env):
    users = seed(core, 2)
    fake.slow("conversations.open", 30)
    run = await start_sweep(child_env)
    await fake.wait_for(lambda: fake.calls_to("conversations.open"), timeout=30)
    await run.kill()
    assert store.database.one("SELECT count(*) AS n FROM nudge_ledger")["n"] == 2  # claimed, nothing sent
    fake.slow("conversations.open", 0)
    await asyncio.sleep(1.6)
    await sweep(child_env)
    assert_exactly_once(fake, store, users)


async def test_killed_after_the_mark(core, store, fake, child_env):
    users = seed(core, 3)
    fake.slow("conversations.open", 0.4)
    run = await start_sweep(child_env, extra={"REDFLAG_NUDGE_CONCURRENCY": "1"})
    await fake.wait_for(lambda: len(fake.calls_to("conversations.open")) >= 2, timeout=30)  # the first is marked
    await run.kill()
    delivered = store.database.one("SELECT count(*) AS n FROM nudge_messages WHERE status = 'delivered'")["n"]
    assert delivered >= 1
    await asyncio.sleep(1.6)
    await sweep(child_env)
    assert_exactly_once(fake, store, users)


async def test_rate_limited_for_long_waits_for_the_workspace_then_delivers(core, store, fake, child_env):
    import time

    users = seed(core, 8)
    env = dict(child_env, REDFLAG_NUDGE_CONCURRENCY="2")
    fake.rate_limit("chat.postMessage", seconds=600, retry_after=6)  # "for minutes"; longer than a sweep waits
    first = await sweep(env)
    limited_at = time.monotonic()
    assert len(fake.calls_to("chat.postMessage")) <= 2  # the first 429s pause the workspace: the rest wait
    assert fake.posted() == [] and "ratelimited" in first.out
    assert store.database.one("SELECT max(attempts) AS n FROM nudge_messages")["n"] == 0  # waiting is no failure
    early = await sweep(env)  # before Retry-After has passed: nothing is tried
    assert len(fake.calls_to("chat.postMessage")) <= 2 and "could not reach" not in early.out
    fake.limits.clear()
    await asyncio.sleep(max(0.0, 6.2 - (time.monotonic() - limited_at)))
    await sweep(env)
    assert_exactly_once(fake, store, users)


async def test_short_retry_after_is_waited_out_in_the_same_sweep(core, store, fake, child_env):
    users = seed(core, 6)
    fake.rate_limit("chat.postMessage", seconds=0.3, retry_after=0.2)
    await sweep(child_env)
    assert_exactly_once(fake, store, users)


async def test_a_closed_dm_is_recorded_as_failed_with_its_reason(core, store, fake, child_env):
    users = seed(core, 3)
    fake.fail("chat.postMessage", "is_archived")  # the first DM's channel closed since the claim
    await sweep(child_env)
    assert_exactly_once(fake, store, users, failed_ok=set(users))
    assert sum(received(fake).values()) == 2
    [failure] = [r for r in store.database.query("SELECT last_error FROM nudge_messages WHERE status = 'failed'")]
    assert failure["last_error"] == "is_archived"


async def test_workspace_uninstalled_mid_sweep(core, store, fake, child_env):
    users = seed(core, 6)
    fake.slow("conversations.open", 0.2)
    run = await start_sweep(child_env, extra={"REDFLAG_NUDGE_CONCURRENCY": "2"})
    await fake.wait_for(lambda: fake.posted(), timeout=30)
    fake.accept_any_token = False
    fake.teams.clear()  # the app is uninstalled: every token is now refused
    await run.done()
    assert_exactly_once(fake, store, users, failed_ok=set(users))
    failed = store.database.query("SELECT last_error FROM nudge_messages WHERE status = 'failed'")
    assert failed and {r["last_error"] for r in failed} == {"invalid_auth"}


async def test_an_unknown_outcome_that_cannot_be_verified_is_never_sent_blind(core, store, fake, child_env):
    """The window README names: the history check itself fails. The DM is recorded, not posted again."""
    seed(core, 2)
    fake.hang_after_accept("chat.postMessage", times=2)  # both posts land, neither is answered
    await sweep(child_env)
    assert len(store.nudges.delivery.unknown()) == 2
    fake.fail("conversations.history", "missing_scope", times=2)  # an old installation without im:history
    await sweep(child_env)
    assert len(fake.calls_to("chat.postMessage")) == 2  # never posted blind
    assert all(n == 1 for n in fake.posts_by_delivery().values())
    rows = store.database.query("SELECT status, last_error FROM nudge_messages")
    assert [(r["status"], r["last_error"]) for r in rows] == [("failed", "cannot verify: missing_scope")] * 2
    await sweep(child_env)  # and no later sweep sends them either
    assert len(fake.calls_to("chat.postMessage")) == 2


async def test_a_history_check_that_may_pass_is_tried_again_not_failed(core, store, fake, child_env):
    """README's rule, the other half: a look that failed for a reason that may pass keeps the DM unknown."""
    users = seed(core, 2)
    fake.hang_after_accept("chat.postMessage", times=2)  # both posts land, neither is answered
    await sweep(child_env)
    fake.hang_after_accept("conversations.history", times=2)  # the look gets no answer either
    await sweep(child_env)
    rows = store.database.query("SELECT status, attempts, last_error FROM nudge_messages")
    assert [(r["status"], r["attempts"], r["last_error"]) for r in rows] == [("pending", 2, "cannot verify: no answer from Slack")] * 2
    assert len(fake.calls_to("chat.postMessage")) == 2  # never posted blind
    await sweep(child_env)  # Slack answers again: both found in the history
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert_exactly_once(fake, store, users)
