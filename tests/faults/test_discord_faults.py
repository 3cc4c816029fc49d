"""Discord's fault cases beside Slack's: real `redflag nudges run` processes against a faulty fake Discord.

Rate limits of minutes, staggered and concurrent sweeps, a sweep killed at
each step, the bot removed or its token reset mid-sweep, a DM in several
parts, and the one window README names. Every case is judged from what the
fake Discord created (`dm_created`, one entry per message it made).
"""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import pytest

from bot.events import Address, Command
from faultkit import DISCORD_USERS, assert_discord_once, discord_received, seed, start_sweep, sweep
from fake_discord import GUILD, OTHER_GUILD

USERS = DISCORD_USERS[:10]


def dm_posts(fake) -> list:  # type: ignore[no-untyped-def]
    return fake.find("POST", r"^/channels/\d+/messages$")


@pytest.mark.parametrize("scope", ["per-route", "global"])
async def test_retry_after_of_minutes_defers_the_workspace_then_delivers_once(core, store, discord_fake, discord_env, scope):
    """The sweep stops trying at once, counts no attempt, holds the guild back; after the wait, one DM each.

    A "minutes" wait is scaled down: discord.py waits out a 429 of up to 1 s itself here (30 s in
    production), the sweep up to 0.5 s; Discord asks for 4 s.
    """
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS[:3])
    # a global limit is the bot's own: the other guild's DMs wait too, without a request each
    seed(core, 0, platform="discord", workspace=OTHER_GUILD if scope == "global" else GUILD, user_ids=USERS[3:6])
    env = dict(discord_env, REDFLAG_DISCORD_RATELIMIT_WAIT="1", REDFLAG_NUDGE_CONCURRENCY="2")
    if scope == "global":
        discord_fake.global_limited_until, discord_fake.global_retry_after = time.monotonic() + 600, 4.0
    else:
        discord_fake.dm_limited_until, discord_fake.dm_retry_after = time.monotonic() + 600, 4.0
    started = time.monotonic()
    first = await sweep(env)
    limited_at = time.monotonic()
    assert limited_at - started < 10, "the sweep waited the Retry-After out instead of ending"
    assert discord_fake.dm_created == [] and "(rate limited)" in first.out, first.out
    limited = [c for c in discord_fake.calls if c.status == 429]
    assert 1 <= len(limited) <= 2  # the first 429s hold the guild back: the other DMs are not tried
    rows = store.database.query("SELECT status, attempts, next_attempt_at FROM nudge_messages")
    assert {r["status"] for r in rows} == {"pending"} and max(r["attempts"] for r in rows) == 0  # waiting is no failure
    assert min(datetime.fromisoformat(r["next_attempt_at"]) for r in rows) > datetime.now(timezone.utc) + timedelta(seconds=2)
    early = await sweep(env)  # before Retry-After has passed: nothing is tried
    assert len([c for c in discord_fake.calls if c.status == 429]) == len(limited) and "could not reach" not in early.out
    discord_fake.dm_limited_until = discord_fake.global_limited_until = 0.0
    await asyncio.sleep(max(0.0, 4.2 - (time.monotonic() - limited_at)))
    await sweep(env)
    assert_discord_once(discord_fake, store, USERS[:6])


async def test_retry_after_of_ten_minutes_with_production_waits(core, store, discord_fake, discord_env):
    """Production thresholds (discord.py waits up to 30 s, the sweep 30 s): a 600 s Retry-After ends the sweep at once."""
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS[:3])
    env = {k: v for k, v in discord_env.items() if k != "REDFLAG_NUDGE_MAX_INLINE_WAIT"}
    discord_fake.dm_limited_until, discord_fake.dm_retry_after = time.monotonic() + 600, 600.0
    started = time.monotonic()
    first = await sweep(env)
    assert time.monotonic() - started < 15 and discord_fake.dm_created == [], first.out
    rows = store.database.query("SELECT status, attempts, last_error, next_attempt_at FROM nudge_messages")
    assert [(r["status"], r["attempts"], r["last_error"]) for r in rows] == [("pending", 0, "rate limited")] * 3
    assert all(datetime.fromisoformat(r["next_attempt_at"]) > datetime.now(timezone.utc) + timedelta(minutes=9) for r in rows)
    assert discord_received(discord_fake) == {}


async def test_staggered_sweeps_with_a_later_at_do_not_send_twice(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS)
    discord_fake.dm_delay = 0.3
    first = await start_sweep(discord_env, at="2026-11-25T09:00:00+00:00")
    await discord_fake.wait_for(lambda: dm_posts(discord_fake), timeout=30)
    second = await start_sweep(discord_env, at="2026-11-25T09:30:00+00:00")  # while the first is still delivering
    await first.done()
    await second.done()
    assert_discord_once(discord_fake, store, USERS)


async def test_concurrent_sweeps_with_the_same_at(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS)
    discord_fake.dm_delay = 0.1
    sweeps = [await start_sweep(discord_env) for _ in range(3)]
    for s in sweeps:
        await s.done()
    assert_discord_once(discord_fake, store, USERS)


async def test_killed_after_the_claim_before_the_send(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS[:2])
    discord_fake.dm_open_delay = 30
    run = await start_sweep(discord_env, extra={"REDFLAG_DISCORD_DM_TIMEOUT": "60"})
    await discord_fake.wait_for(lambda: discord_fake.dm_opens_started, timeout=30)
    await run.kill()
    assert store.database.one("SELECT count(*) AS n FROM nudge_ledger")["n"] == 2  # claimed, nothing sent
    assert discord_fake.dm_created == []
    discord_fake.dm_open_delay = 0
    await asyncio.sleep(1.6)  # the dead sweep's leases run out
    await sweep(discord_env)
    assert_discord_once(discord_fake, store, USERS[:2])


async def test_killed_after_the_send_before_the_mark(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS[:3])
    discord_fake.nonce_window = 0.0  # past Discord's nonce window: only the history check protects
    discord_fake.dm_hangs = 3  # created, never answered
    run = await start_sweep(discord_env, extra={"REDFLAG_DISCORD_DM_TIMEOUT": "30"})
    await discord_fake.wait_for(lambda: len(discord_fake.dm_created) == 3, timeout=30)
    await run.kill()
    await asyncio.sleep(1.6)
    await sweep(discord_env)
    assert len(dm_posts(discord_fake)) == 3  # found in the DMs' history: none sent again
    assert_discord_once(discord_fake, store, USERS[:3])


async def test_killed_after_the_mark(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS[:3])
    discord_fake.dm_open_delay = 0.4
    run = await start_sweep(discord_env, extra={"REDFLAG_NUDGE_CONCURRENCY": "1"})
    await discord_fake.wait_for(lambda: discord_fake.dm_opens_started >= 2, timeout=30)  # the first is marked
    await run.kill()
    delivered = store.database.one("SELECT count(*) AS n FROM nudge_messages WHERE status = 'delivered'")["n"]
    assert delivered >= 1
    discord_fake.dm_open_delay = 0
    await asyncio.sleep(1.6)
    await sweep(discord_env)
    assert_discord_once(discord_fake, store, USERS[:3])


@pytest.mark.parametrize("how", ["bot-removed", "token-reset"])
async def test_uninstalled_mid_sweep_is_recorded_as_failed_not_retried(core, store, discord_fake, discord_env, how):
    users = USERS[:6]
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=users)
    discord_fake.dm_delay = 0.2
    run = await start_sweep(discord_env, extra={"REDFLAG_NUDGE_CONCURRENCY": "2"})
    await discord_fake.wait_for(lambda: discord_fake.dm_created, timeout=30)
    if how == "bot-removed":
        discord_fake.closed_dms.update(users)  # no guild in common any more: Discord refuses the DMs (50007)
    else:
        discord_fake.token = "someone-reset-it"  # every request is now 401
    await run.done()
    assert_discord_once(discord_fake, store, users, failed_ok=set(users))
    failed = store.database.query("SELECT last_error, error_kind FROM nudge_messages WHERE status = 'failed'")
    want = ("dms_closed", "dms_closed") if how == "bot-removed" else ("unauthorized (401)", "access_revoked")
    assert failed and {(r["last_error"], r["error_kind"]) for r in failed} == {want}
    tried = len(dm_posts(discord_fake)) + discord_fake.dm_opens_started + len(discord_fake.find("POST", "^/users/@me/channels$"))
    later = await start_sweep(discord_env)  # a later sweep does not try them again
    await asyncio.wait_for(later.proc.communicate(), 60)  # (with the token reset it cannot even log in)
    assert len(dm_posts(discord_fake)) + discord_fake.dm_opens_started + len(discord_fake.find("POST", "^/users/@me/channels$")) == tried
    assert_discord_once(discord_fake, store, users, failed_ok=set(users))


def seed_many(core, user: str, invoices: int) -> None:  # type: ignore[no-untyped-def]
    """One client with many overdue invoices: one grouped reminder, too long for one Discord message."""
    who = Address(platform="discord", workspace=GUILD, user=user, channel="C1", locale="en-US", timezone="Europe/Amsterdam")
    assert not core.handle(Command(who, "client", "add Acme currency=EUR"))[0].is_error
    for i in range(invoices):
        reply = core.handle(Command(who, "invoice", f"add Acme {400 + i} issued=2026-10-01 due=2026-11-01 ref=INV-{i:03d}-" + "x" * 20))
        assert not reply[0].is_error, reply[0].plain()


@pytest.mark.parametrize("window", [300.0, 0.0], ids=["nonce-dedupe", "history-check"])
async def test_a_dm_in_several_parts_resumes_at_the_first_part_that_did_not_arrive(core, store, discord_fake, discord_env, window):
    user = USERS[0]
    seed_many(core, user, 60)
    discord_fake.nonce_window = window
    discord_fake.dm_hang_skip, discord_fake.dm_hangs = 1, 1  # part 0 answered; part 1 created, never answered
    first = await sweep(discord_env)
    assert "not confirmed" in first.out
    assert len(discord_fake.dm_created) == 2
    await sweep(discord_env)
    nonces = [m["nonce"] for m in discord_fake.dm_created]
    parts = len(nonces)
    assert parts >= 3, "the reminder should need several Discord messages"
    assert nonces == [nonces[0][:-1] + str(i) for i in range(parts)]  # every part once, in order
    posted = [c.json["nonce"] for c in dm_posts(discord_fake)]
    assert posted[:2] == nonces[:2] and nonces[0] not in posted[2:]  # the retry never re-sent part 0
    if window == 0.0:
        assert nonces[1] not in posted[2:]  # part 1 was found in the DM's history, not sent again
    assert_discord_once(discord_fake, store, [user], parts=parts)


@pytest.mark.parametrize(
    "window, text_changes, dms",
    [(300.0, False, 1), (300.0, True, 1), (0.0, False, 1), (0.0, True, 2)],
    ids=["nonce-live", "nonce-live-text-changed", "nonce-expired", "nonce-expired-text-changed"],
)
async def test_the_window_that_remains_on_discord(core, store, discord_fake, discord_env, window, text_changes, dms):
    """README's remaining window, measured: a DM whose answer was lost is retried after the nonce has
    expired, and its text changed in between (an invoice in it was paid). Only that combination shows the
    user a second DM (the first, now out of date, and the corrected one); every other one DM.

    `window` is how long the fake Discord remembers a nonce; the retry here comes at once (0 s), so 300 s
    stands for "retried within Discord's nonce window" and 0 s for "retried after it".
    """
    user = USERS[0]
    who = Address(platform="discord", workspace=GUILD, user=user, channel="C1", locale="en-US", timezone="Europe/Amsterdam")
    assert not core.handle(Command(who, "client", "add Acme currency=EUR"))[0].is_error
    for ref in ("A-1", "A-2"):
        assert not core.handle(Command(who, "invoice", f"add Acme 400 issued=2026-10-01 due=2026-11-01 ref={ref}"))[0].is_error
    discord_fake.nonce_window = window
    discord_fake.dm_hangs = 1  # the grouped DM (both invoices) is created, its answer lost
    first = await sweep(discord_env)
    assert "not confirmed" in first.out and len(discord_fake.dm_created) == 1
    if text_changes:
        assert not core.handle(Command(who, "invoice", "paid A-2"))[0].is_error  # the DM now names one invoice
    await sweep(discord_env)
    assert discord_received(discord_fake)[user] == dms
    titles = [m["embeds"][0]["title"] for m in discord_fake.dm_created]
    if dms == 2:
        assert "2" in titles[0] and "A-1" in titles[1]  # the stale DM, then the corrected one
    assert store.database.one("SELECT status FROM nudge_messages")["status"] == "delivered"
