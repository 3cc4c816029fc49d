"""Discord shards: the real discord.py client, and real `redflag` processes, against the fake Discord.

Each process (or client) identifies with its own shard and gets only its
guilds' interactions; a sweeper with no gateway connection still delivers
reminder DMs over REST; bad shard settings stop start-up with one line.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from adapters.discord import shards
from adapters.discord.client import RedflagClient, RedflagShardedClient
from adapters.discord.service import start
from adapters.oneshot import notifiers_from_env
from bot.notify import Recipient
from bot.replies import Reply
from fake_discord import GUILD, USER, FakeDiscord

REPO = Path(__file__).resolve().parents[2]


def guild_on(fake: FakeDiscord, shard: int, count: int) -> str:
    """A guild id whose events Discord sends on `shard` of `count`."""
    guild = int(GUILD)
    while fake.shard_for(str(guild), count) != shard:
        guild += 1 << 22
    return str(guild)


async def answered(fake: FakeDiscord, guild: str) -> dict:
    payload = await fake.slash("redflag help", guild=guild)
    return (await fake.callback_for(payload)).json


# -- settings ----------------------------------------------------------------------------------

def test_no_shard_settings_is_one_unsharded_client() -> None:
    assert shards.from_env({}) == shards.ShardSettings()
    assert not shards.from_env({}).sharded


@pytest.mark.parametrize(("count", "ids", "want"), [
    ("2", "0,1", shards.ShardSettings(True, 2, (0, 1))),
    ("3", " 2 ", shards.ShardSettings(True, 3, (2,))),
    ("4", "0-2", shards.ShardSettings(True, 4, (0, 1, 2))),
    ("4", "", shards.ShardSettings(True, 4, None)),
    ("auto", "", shards.ShardSettings(True, None, None)),
])
def test_shard_settings_are_read(count: str, ids: str, want: shards.ShardSettings) -> None:
    assert shards.from_env({shards.COUNT_VAR: count, shards.IDS_VAR: ids}) == want


@pytest.mark.parametrize(("count", "ids", "says"), [
    ("", "0", "needs REDFLAG_DISCORD_SHARDS"),
    ("two", "", "takes a number of shards or auto, not 'two'"),
    ("0", "", "takes 1 to 4096 shards, not 0"),
    ("2", "2", "shard 2 does not exist with REDFLAG_DISCORD_SHARDS=2 (shards are 0 to 1)"),
    ("2", "0,0", "names shard 0 twice"),
    ("3", "0;1", "takes shard numbers like 0,1 or 0-2"),
    ("3", "2-1", "the range '2-1' is empty"),
    ("auto", "0", "needs a fixed REDFLAG_DISCORD_SHARDS, not auto"),
])
def test_bad_shard_settings_say_what_is_wrong(count: str, ids: str, says: str) -> None:
    with pytest.raises(shards.ShardSettingsError, match=re.escape(says)):
        shards.from_env({shards.COUNT_VAR: count, shards.IDS_VAR: ids})


# -- clients in this process -----------------------------------------------------------------------

async def test_without_shard_settings_the_client_identifies_unsharded(core, env, fake: FakeDiscord):
    service = await start(core, env)
    try:
        await fake.wait_ready()
        assert type(service.client) is RedflagClient
        assert "shard" not in fake.identifies[0]
    finally:
        await service.stop()


async def test_two_clients_each_identify_with_their_own_shard_and_get_their_own_guilds(core, env, fake: FakeDiscord):
    first = await start(core, {**env, shards.COUNT_VAR: "2", shards.IDS_VAR: "0"})
    second = await start(core, {**env, shards.COUNT_VAR: "2", shards.IDS_VAR: "1"})
    try:
        await fake.wait_for(lambda: len(fake.shard_of) == 2, timeout=30)
        assert isinstance(first.client, RedflagShardedClient) and isinstance(second.client, RedflagShardedClient)
        assert fake.identified_shards() == [(0, 2), (1, 2)]
        await asyncio.wait_for(asyncio.gather(first.client.wait_until_ready(), second.client.wait_until_ready()), 30)
        assert first.client.shard_ids == [0] and second.client.shard_ids == [1]
        for shard in (0, 1):
            before = len(fake.delivered)
            body = await answered(fake, guild_on(fake, shard, 2))
            assert body["type"] == 4
            assert fake.delivered[before:] == [("INTERACTION_CREATE", (shard, 2))]  # that shard's process alone
        assert not fake.find("GET", r"^/gateway/bot$")  # a fixed count needs no recommendation
    finally:
        await first.stop()
        await second.stop()


async def test_auto_asks_discord_for_the_shard_count_and_runs_them_all(core, env, fake: FakeDiscord):
    fake.recommended_shards = 2
    service = await start(core, {**env, shards.COUNT_VAR: "auto"})
    try:
        # discord.py waits 5 s between two IDENTIFYs of one client, as Discord's identify limit asks
        await fake.wait_for(lambda: len(fake.identified_shards()) == 2, timeout=30)
        assert fake.find("GET", r"^/gateway/bot$")
        assert fake.identified_shards() == [(0, 2), (1, 2)]
        assert service.client.shard_count == 2
    finally:
        await service.stop()


async def test_bad_shard_settings_stop_the_service_before_it_connects(core, env, fake: FakeDiscord):
    with pytest.raises(shards.ShardSettingsError):
        await start(core, {**env, shards.COUNT_VAR: "2", shards.IDS_VAR: "5"})
    assert fake.calls == [] and fake.identifies == []


# -- a sweeper: REST only ----------------------------------------------------------------------------

async def test_a_process_without_a_gateway_connection_delivers_a_dm(core, env, fake: FakeDiscord):
    # the one-shot sweeper's notifiers (`redflag nudges run`), in an environment that shards the bot
    sharded_env = {**env, shards.COUNT_VAR: "2", shards.IDS_VAR: "1"}
    async with notifiers_from_env(core, sharded_env) as notifiers:
        await notifiers["discord"].send_dm(Recipient("discord", GUILD, USER), [Reply(title="Invoice INV-7 is 7 days late", text="*Acme Corp* owes €1,200.50.")])
    assert fake.identifies == [] and fake.sockets == []  # never touched the gateway
    (created,) = fake.dm_created
    assert fake.dm_channels[created["channel_id"]] == USER
    assert "Acme Corp" in created["embeds"][0]["description"]


# -- real processes --------------------------------------------------------------------------------

def _environ(env: dict[str, str], db: Path, **extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    environ.update(env, REDFLAG_DB=str(db), REDFLAG_SCHEDULER="off", **extra)
    return environ


async def test_two_redflag_processes_share_the_guilds_by_shard(env, fake: FakeDiscord, tmp_path: Path):
    db = tmp_path / "redflag.db"
    procs = [
        await asyncio.create_subprocess_exec(sys.executable, "-m", "redflag", "serve", cwd=REPO,
                                             env=_environ(env, db, REDFLAG_DISCORD_SHARDS="2", REDFLAG_DISCORD_SHARD_IDS=str(shard)),
                                             stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        for shard in (0, 1)
    ]
    try:
        await fake.wait_for(lambda: len(fake.shard_of) == 2 and len(fake.identifies) == 2, timeout=90)
        assert fake.identified_shards() == [(0, 2), (1, 2)]
        for shard in (0, 1):
            before = len(fake.delivered)
            body = await asyncio.wait_for(answered(fake, guild_on(fake, shard, 2)), 60)
            assert body["type"] == 4 and "/client" in str(body["data"])
            assert fake.delivered[before:] == [("INTERACTION_CREATE", (shard, 2))]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        results = [await asyncio.wait_for(proc.communicate(), 60) for proc in procs]
    for proc, (_, err) in zip(procs, results):
        assert proc.returncode == 0, err.decode()


async def test_a_bad_shard_setting_stops_redflag_at_start_up(env, fake: FakeDiscord, tmp_path: Path):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "redflag", cwd=REPO,
        env=_environ(env, tmp_path / "redflag.db", REDFLAG_DISCORD_SHARDS="2", REDFLAG_DISCORD_SHARD_IDS="0,2"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert err.decode().strip() == "redflag: REDFLAG_DISCORD_SHARD_IDS: shard 2 does not exist with REDFLAG_DISCORD_SHARDS=2 (shards are 0 to 1)"
    assert fake.calls == [] and not (tmp_path / "redflag.db").exists()
