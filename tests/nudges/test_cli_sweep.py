"""`redflag nudges run` from cron delivers real Slack DMs, without the bot serving anything.

The Slack side is the fake Slack Web API of tests/slack (no Slack service runs here: the
sweep is a child process that only posts DMs).
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))

from bot.events import Address, Command  # noqa: E402
from slack_harness import BOT_TOKEN, SIGNING_SECRET, STEVE, started_fake  # noqa: E402

USER = Address(platform="slack", workspace="T1", user="U1", channel="C1", locale="en-US", timezone="Europe/Amsterdam")


@pytest.fixture
async def fake():
    server = await started_fake(STEVE)
    yield server
    await server.stop()


@pytest.fixture
def env(fake, store_url) -> dict[str, str]:
    """On the `store` fixture's database: the SQLite file, or PostgreSQL (`pg_plugin.BOTH_ENGINES`)."""
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.url,
            "REDFLAG_DATABASE_URL" if "://" in store_url else "REDFLAG_DB": store_url}


async def test_nudges_run_sends_slack_dms(core, env, fake) -> None:
    core.handle(Command(USER, "client", "add Acme currency=EUR"))
    core.handle(Command(USER, "invoice", "add Acme 400 issued=2026-10-01 due=2026-11-01 ref=LATE-1"))
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    environ.update(env)
    redflag = Path(sys.executable).with_name("redflag")
    proc = await asyncio.create_subprocess_exec(
        str(redflag), "nudges", "run", "--at", "2026-11-25T09:00:00+00:00",
        env=environ, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, err.decode()
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 1, out.decode()
    assert "LATE-1" in str(posts[0].params)
    # A second run the same day sends nothing more.
    proc = await asyncio.create_subprocess_exec(
        str(redflag), "nudges", "run", "--at", "2026-11-25T09:05:00+00:00",
        env=environ, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    await asyncio.wait_for(proc.communicate(), timeout=60)
    assert len(fake.calls_to("chat.postMessage")) == 1
