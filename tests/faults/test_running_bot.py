"""The real running bot (`redflag`, Slack HTTP mode, with its scheduler) beside operators' `nudges run`.

The bot's scheduler sweeps at start-up on the real clock, so the users here
live in a zone where it is mid-morning now. While it works through a slow
Slack, an operator runs sweeps by hand; every user still gets one DM, and the
bot answers a slash command quickly throughout. SIGTERM stops a sweep
cleanly: the DMs in flight finish, the rest wait for the next sweep.

For each fault with the running bot (a slow, a silent-after-accepting and a
rate-limiting Slack or Discord), slash commands sent while the faulty sweep
is still working are answered within the platform's 3 s deadline (Slack
drops a slash command not acknowledged in 3 s; Discord an interaction not
answered in 3 s). That is a protocol deadline, not a benchmark.
"""
from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest

from bot.events import Address, Command
from fake_discord import GUILD, OTHER_USER
from faultkit import DISCORD_USERS, REDFLAG, Sweep, assert_discord_once, assert_exactly_once, start_sweep, sweep
from slack_harness import SlackSender

#: Slack acknowledges a slash command, Discord an interaction, within 3 s or the user sees an error.
DEADLINE = 3.0


def morning_zone() -> str:
    """An Etc/GMT zone where it is about 10:00 now (inside the 09:00 send window)."""
    offset = ((10 - datetime.now(timezone.utc).hour + 12) % 24) - 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"  # Etc/GMT-2 is UTC+2


def seed_now(core, users: int, platform: str = "slack") -> list[str]:
    from zoneinfo import ZoneInfo

    tz = morning_zone()
    today = datetime.now(ZoneInfo(tz)).date()
    ids = [f"U{i}" for i in range(1, users + 1)] if platform == "slack" else DISCORD_USERS[:users]
    workspace = "T1" if platform == "slack" else GUILD
    for user in ids:
        who = Address(platform=platform, workspace=workspace, user=user, channel="C1", locale="en-US", timezone=tz)
        core.handle(Command(who, "redflag", "settings hour=9"))
        core.handle(Command(who, "client", "add Acme currency=EUR"))
        due = (today - timedelta(days=20)).isoformat()
        reply = core.handle(Command(who, "invoice", f"add Acme 400 issued=2026-01-01 due={due} ref=LATE-{user}"))
        assert not reply[0].is_error, reply[0].plain()
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Service:
    def __init__(self, port: int) -> None:
        self.port = port


async def start_bot(env: dict[str, str]) -> tuple[Sweep, SlackSender, int]:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        str(REDFLAG), env={**env, "REDFLAG_PORT": str(port), "REDFLAG_HOST": "127.0.0.1"},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        except OSError:
            assert time.monotonic() < deadline and proc.returncode is None, "the bot did not start"
            await asyncio.sleep(0.1)
    return Sweep(proc), port


async def timed_command(slack: SlackSender, **kw) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    status, reply = await slack.command("/redflag", "help", **kw)
    assert status == 200 and reply, reply
    return time.monotonic() - started


async def test_bot_scheduler_and_hand_sweeps_deliver_once_and_the_bot_stays_responsive(core, store, fake, child_env):
    users = seed_now(core, 10)
    fake.slow("chat.postMessage", 0.3)
    bot, port = await start_bot(child_env)
    slack = SlackSender(_Service(port), fake)  # type: ignore[arg-type]
    try:
        await fake.wait_for(lambda: fake.posted(), timeout=30)  # the scheduler's start-up sweep is sending
        now = datetime.now(timezone.utc)
        by_hand = [await start_sweep(child_env, at=None),
                   await start_sweep(child_env, at=(now - timedelta(minutes=30)).isoformat())]
        slowest = max([await timed_command(slack) for _ in range(5)])
        for s in by_hand:
            await s.done()
        await fake.wait_for(lambda: len(fake.posted()) >= len(users), timeout=30)
        assert slowest < 2.5, f"a slash command waited {slowest:.2f} s during the sweep"  # Slack gives up at 3 s
    finally:
        await bot.terminate()
    assert_exactly_once(fake, store, users)


async def test_sigterm_finishes_the_dms_in_flight_and_leaves_the_rest(core, store, fake, child_env):
    from faultkit import seed

    users = seed(core, 8)
    fake.slow("chat.postMessage", 0.6)
    run = await start_sweep(child_env, extra={"REDFLAG_NUDGE_CONCURRENCY": "2"})
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"), timeout=30)
    started = time.monotonic()
    await run.terminate()
    assert time.monotonic() - started < 5 and run.proc.returncode == 0, run.err
    assert store.nudges.delivery.unknown() == []  # every DM it started, it finished and marked
    delivered = store.database.one("SELECT count(*) AS n FROM nudge_messages WHERE status = 'delivered'")["n"]
    assert 1 <= delivered < len(users) and delivered == len(fake.posted())
    assert run.out.count("sent to") == delivered  # the report names what it sent; the rest stay pending
    await sweep(child_env)
    assert_exactly_once(fake, store, users)


async def test_sigterm_to_the_bot_finishes_its_sweeps_dms_in_flight(core, store, fake, child_env):
    users = seed_now(core, 8)
    fake.slow("chat.postMessage", 0.6)
    bot, port = await start_bot({**child_env, "REDFLAG_NUDGE_CONCURRENCY": "2"})
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"), timeout=30)
    assert await timed_command(SlackSender(_Service(port), fake), user="U40") < DEADLINE  # type: ignore[arg-type]
    started = time.monotonic()
    await bot.terminate()
    assert time.monotonic() - started < 10 and bot.proc.returncode == 0, bot.err
    assert store.nudges.delivery.unknown() == []  # nothing was cut off between the post and the mark
    delivered = store.database.one("SELECT count(*) AS n FROM nudge_messages WHERE status = 'delivered'")["n"]
    assert 1 <= delivered < len(users) and delivered == len(fake.posted())
    await sweep(child_env, at=None)
    assert_exactly_once(fake, store, users)


# -- the bot stays responsive under every fault ---------------------------------------------------
SLACK_FAULTS = {
    "slow": ({"REDFLAG_NUDGE_CONCURRENCY": "2", "REDFLAG_SLACK_DM_TIMEOUT": "5"},
             lambda fake: fake.slow("chat.postMessage", 1.0)),
    "silent": ({"REDFLAG_SLACK_DM_TIMEOUT": "4"}, lambda fake: fake.hang_after_accept("chat.postMessage", times=6)),
    "rate-limited": ({"REDFLAG_NUDGE_MAX_INLINE_WAIT": "5"},
                     lambda fake: fake.rate_limit("chat.postMessage", seconds=4, retry_after=1.5)),
}


@pytest.mark.parametrize("fault", list(SLACK_FAULTS))
async def test_slack_commands_are_answered_in_time_during_a_faulty_sweep(core, store, fake, child_env, fault):
    users = seed_now(core, 6)
    extra, apply = SLACK_FAULTS[fault]
    apply(fake)
    bot, port = await start_bot({**child_env, **extra})
    slack = SlackSender(_Service(port), fake)  # type: ignore[arg-type]
    try:
        await fake.wait_for(lambda: fake.calls_to("chat.postMessage"), timeout=30)  # the faulty sweep is under way
        waits = [await timed_command(slack, user="U40") for _ in range(3)]  # someone without a reminder
        delivered = store.database.one("SELECT count(*) AS n FROM nudge_messages WHERE status = 'delivered'")["n"]
        assert delivered < len(users), "the sweep was over before the commands: they did not meet the fault"
        assert max(waits) < DEADLINE, f"a slash command waited {max(waits):.2f} s during the {fault} sweep"
    finally:
        await bot.terminate()
    fake.limits.clear()
    fake.delays.clear()
    fake.hangs.clear()
    await asyncio.sleep(1.6)  # leases of anything cut short run out
    await sweep(child_env, at=None)
    assert_exactly_once(fake, store, users)


DISCORD_FAULTS = {
    "slow": ({"REDFLAG_NUDGE_CONCURRENCY": "2", "REDFLAG_DISCORD_DM_TIMEOUT": "5"},
             lambda fake: setattr(fake, "dm_delay", 1.0)),
    "silent": ({"REDFLAG_DISCORD_DM_TIMEOUT": "4"}, lambda fake: setattr(fake, "dm_hangs", 6)),
    "rate-limited": ({}, lambda fake: (setattr(fake, "dm_limited_until", time.monotonic() + 8),
                                       setattr(fake, "dm_retry_after", 1.0))),
}


@pytest.mark.parametrize("fault", list(DISCORD_FAULTS))
async def test_discord_interactions_are_answered_in_time_during_a_faulty_sweep(core, store, discord_fake, discord_env, fault):
    users = seed_now(core, 6, platform="discord")
    extra, apply = DISCORD_FAULTS[fault]
    apply(discord_fake)
    proc = await asyncio.create_subprocess_exec(
        str(REDFLAG), env={**discord_env, **extra}, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    bot = Sweep(proc)
    try:
        await discord_fake.wait_ready()
        await discord_fake.wait_for(lambda: discord_fake.find("POST", r"^/channels/\d+/messages$"), timeout=30)
        waits = []
        for _ in range(3):
            started = time.monotonic()
            payload = await discord_fake.slash("invoice list", user=OTHER_USER)  # someone without a reminder
            await asyncio.wait_for(discord_fake.callback_for(payload), 10)
            waits.append(time.monotonic() - started)
        delivered = store.database.one("SELECT count(*) AS n FROM nudge_messages WHERE status = 'delivered'")["n"]
        assert delivered < len(users), "the sweep was over before the commands: they did not meet the fault"
        assert max(waits) < DEADLINE, f"an interaction waited {max(waits):.2f} s during the {fault} sweep"
    finally:
        await bot.terminate()
    discord_fake.dm_delay = discord_fake.dm_limited_until = 0.0
    discord_fake.dm_hangs = 0
    await asyncio.sleep(1.6)
    await sweep(discord_env, at=None)
    assert_discord_once(discord_fake, store, users)


async def test_a_command_sent_the_moment_the_bot_says_serving_is_answered_and_stored(core, store, fake, child_env):
    """Start-up leaves work for later (issue 20: no collections until it is over, kept catalogs, imports on
    first use): none of it is anything the first request needs."""
    from storage.records import Owner

    who = Address(platform="slack", workspace="T1", user="U1", channel="C1", locale="en-US")
    assert not core.handle(Command(who, "client", "add Acme currency=EUR"))[0].is_error
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        str(REDFLAG), env={**child_env, "REDFLAG_PORT": str(port), "REDFLAG_HOST": "127.0.0.1", "REDFLAG_SCHEDULER": "off"},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    bot = Sweep(proc)
    seen = b""
    try:
        assert proc.stderr is not None
        while b"serving slack" not in seen:
            line = await asyncio.wait_for(proc.stderr.readline(), 30)
            assert line, f"the bot ended before serving: {seen!r}"
            seen += line
        slack = SlackSender(_Service(port), fake)  # type: ignore[arg-type]
        status, reply = await slack.command("/incident", '"Acme" late-payment paid the moment we were up')
    finally:
        await bot.terminate()
    assert status == 200 and "Acme" in str(reply), reply
    client = store.clients.by_name(Owner("T1", "U1"), "Acme")
    assert client is not None
    notes = [i.note for i in store.incidents.for_client(Owner("T1", "U1"), client.id)]
    assert notes == ["paid the moment we were up"]
