"""Chat workers without the reminder scheduler: `redflag serve --no-scheduler` and `REDFLAG_SCHEDULER=off`.

Real `redflag` processes serve Discord against the fake; once one has
answered a command it is stopped and its log read. The scheduler logs its
start (APScheduler's "Scheduler started"); a worker without it says so instead.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from fake_discord import FakeDiscord

REPO = Path(__file__).resolve().parents[2]
OFF_LINE = "reminder scheduler off in this process (REDFLAG_SCHEDULER=off): run `redflag nudges run` on a schedule"


async def serve_once(env: dict[str, str], fake: FakeDiscord, tmp_path: Path, *args: str, **extra: str) -> tuple[int, str]:
    """Start `redflag <args>`, wait for one answered command, SIGTERM it; (exit status, log)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    environ.update(env, REDFLAG_DB=str(tmp_path / "redflag.db"), **extra)
    before = len(fake.identifies)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "redflag", "--log-level", "INFO", *args, cwd=REPO, env=environ,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for(lambda: len(fake.identifies) > before and fake.sockets, timeout=90)
        payload = await fake.slash("redflag help")
        assert (await asyncio.wait_for(fake.callback_for(payload), 60)).json["type"] == 4
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, err.decode()


async def test_plain_serve_runs_the_scheduler(env, fake: FakeDiscord, tmp_path: Path):
    status, log = await serve_once(env, fake, tmp_path, "serve")
    assert status == 0, log
    assert "Scheduler started" in log and OFF_LINE not in log


@pytest.mark.parametrize(("args", "extra"), [(("serve", "--no-scheduler"), {}), (("serve",), {"REDFLAG_SCHEDULER": "off"}), ((), {"REDFLAG_SCHEDULER": "OFF"})])
async def test_a_worker_without_the_scheduler_serves_commands_and_sweeps_nothing(env, fake: FakeDiscord, tmp_path: Path, args, extra):
    status, log = await serve_once(env, fake, tmp_path, *args, **extra)
    assert status == 0, log
    assert OFF_LINE in log
    assert "Scheduler started" not in log


async def test_a_scheduler_setting_that_is_neither_on_nor_off_stops_start_up(env, fake: FakeDiscord, tmp_path: Path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    environ.update(env, REDFLAG_DB=str(tmp_path / "redflag.db"), REDFLAG_SCHEDULER="sometimes")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "redflag", "serve", cwd=REPO, env=environ,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert err.decode().strip() == "redflag: REDFLAG_SCHEDULER takes on or off, not 'sometimes'"
    assert fake.calls == []
