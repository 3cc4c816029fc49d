"""The real running bot (`redflag`, Slack HTTP mode, with its scheduler) beside operators' `nudges run`.

The bot's scheduler sweeps at start-up on the real clock, so the users here
live in a zone where it is mid-morning now. While it works through a slow
Slack, an operator runs sweeps by hand; every user still gets one DM, and the
bot answers a slash command quickly throughout. SIGTERM stops a sweep
cleanly: the DMs in flight finish, the rest wait for the next sweep.
"""
from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime, timedelta, timezone

from bot.events import Address, Command
from faultkit import REDFLAG, Sweep, assert_exactly_once, start_sweep, sweep
from slack_harness import SlackSender


def morning_zone() -> str:
    """An Etc/GMT zone where it is about 10:00 now (inside the 09:00 send window)."""
    offset = ((10 - datetime.now(timezone.utc).hour + 12) % 24) - 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"  # Etc/GMT-2 is UTC+2


def seed_now(core, users: int) -> list[str]:
    from zoneinfo import ZoneInfo

    tz = morning_zone()
    today = datetime.now(ZoneInfo(tz)).date()
    ids = [f"U{i}" for i in range(1, users + 1)]
    for user in ids:
        who = Address(platform="slack", workspace="T1", user=user, channel="C1", locale="en-US", timezone=tz)
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


async def timed_command(slack: SlackSender) -> float:
    started = time.monotonic()
    status, reply = await slack.command("/redflag", "help")
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
        assert slowest < 1.5, f"a slash command waited {slowest:.2f} s during the sweep"
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
    bot, _ = await start_bot({**child_env, "REDFLAG_NUDGE_CONCURRENCY": "2"})
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"), timeout=30)
    started = time.monotonic()
    await bot.terminate()
    assert time.monotonic() - started < 10 and bot.proc.returncode == 0, bot.err
    assert store.nudges.delivery.unknown() == []  # nothing was cut off between the post and the mark
    delivered = store.database.one("SELECT count(*) AS n FROM nudge_messages WHERE status = 'delivered'")["n"]
    assert 1 <= delivered < len(users) and delivered == len(fake.posted())
    await sweep(child_env, at=None)
    assert_exactly_once(fake, store, users)
