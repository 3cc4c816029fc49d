"""Real `redflag nudges run` processes delivering Discord DMs (REST only) through a faulty fake Discord.

Discord's own guard is the nonce: each part goes out with a nonce derived
from its ledger entry and `enforce_nonce`, and the fake, like Discord,
answers a repeat within its window with the message it already made. After
the window (`nonce_window = 0` here) the sweep reads the DM's messages
before sending again. Either way each user gets one DM.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from faultkit import seed, start_sweep, sweep
from discord_fixtures import discord_fake  # noqa: F401  (a fixture)
from fake_discord import GUILD, TOKEN, FakeDiscord

USERS = [f"6000000000000001{i:02d}" for i in range(1, 6)]


@pytest.fixture
def discord_env(child_env, discord_fake):
    env = {k: v for k, v in child_env.items() if not k.startswith("SLACK_")}
    env.update(DISCORD_TOKEN=TOKEN, DISCORD_API_URL=discord_fake.api_url, DISCORD_GATEWAY_URL=discord_fake.gateway_url)
    return env


def per_user(fake: FakeDiscord) -> Counter:
    users = Counter()
    for m in fake.dm_created:
        users[fake.dm_channels[m["channel_id"]]] += 1
    return users


def assert_once(fake: FakeDiscord, store, failed_ok: set[str] = frozenset()) -> None:  # type: ignore[no-untyped-def]
    got = per_user(fake)
    status = {r["owner"]: (r["status"], r["last_error"])
              for r in store.database.query("SELECT owner, status, last_error FROM nudge_messages")}
    for user in USERS:
        if user in failed_ok and got[user] == 0:
            assert status[user][0] == "failed" and status[user][1], status[user]
        else:
            assert got[user] == 1 and status[user][0] == "delivered", (user, got[user], status[user])
    nonces = Counter(m.get("nonce") for m in fake.dm_created)
    assert all(n == 1 for n in nonces.values()) and None not in nonces


@pytest.mark.parametrize("window", [300.0, 0.0], ids=["nonce-dedupe", "history-check"])
async def test_accepted_but_never_answered_is_not_sent_twice(core, store, discord_fake, discord_env, window):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS)
    discord_fake.nonce_window = window
    discord_fake.dm_hangs = len(USERS)  # every first send is created, none answered
    first = await sweep(discord_env)
    assert "not confirmed" in first.out
    await sweep(discord_env)
    assert_once(discord_fake, store)


async def test_killed_after_the_send_before_the_mark(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS[:1])
    discord_fake.nonce_window = 0.0  # past Discord's nonce window: only the history check protects
    discord_fake.dm_hangs = 1
    run = await start_sweep(discord_env, extra={"REDFLAG_DISCORD_DM_TIMEOUT": "30"})
    await discord_fake.wait_for(lambda: discord_fake.dm_created, timeout=30)
    await run.kill()
    await asyncio.sleep(1.6)
    await sweep(discord_env)
    got = per_user(discord_fake)
    assert got[USERS[0]] == 1 and discord_fake.find("GET", r"^/channels/\d+/messages$")


async def test_rate_limited_then_delivered_once(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS)
    discord_fake.dm_limited_until = time.monotonic() + 1.0
    discord_fake.dm_retry_after = 0.5
    # discord.py waits out the 429 inside the send, so the send timeout must cover that wait
    await sweep(discord_env, extra={"REDFLAG_DISCORD_DM_TIMEOUT": "10"})
    assert_once(discord_fake, store)


async def test_closed_dms_are_recorded_as_failed(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS)
    discord_fake.closed_dms.add(USERS[0])
    await sweep(discord_env)
    assert_once(discord_fake, store, failed_ok={USERS[0]})
    assert store.database.one("SELECT last_error FROM nudge_messages WHERE owner = ?", (USERS[0],))["last_error"] == "dms_closed"
