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

import pytest

from faultkit import DISCORD_USERS, assert_discord_once, discord_received as per_user, seed, start_sweep, sweep
from fake_discord import GUILD, FakeDiscord

USERS = DISCORD_USERS[:5]


def assert_once(fake: FakeDiscord, store, failed_ok: set[str] = frozenset()) -> None:  # type: ignore[no-untyped-def]
    assert_discord_once(fake, store, USERS, failed_ok)


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
    # discord.py waits out a short 429 inside the send; the DM timeout (0.8 s here) does not run meanwhile
    await sweep(discord_env)
    assert_once(discord_fake, store)


async def test_closed_dms_are_recorded_as_failed(core, store, discord_fake, discord_env):
    seed(core, 0, platform="discord", workspace=GUILD, user_ids=USERS)
    discord_fake.closed_dms.add(USERS[0])
    await sweep(discord_env)
    assert_once(discord_fake, store, failed_ok={USERS[0]})
    assert store.database.one("SELECT last_error FROM nudge_messages WHERE owner = ?", (USERS[0],))["last_error"] == "dms_closed"
