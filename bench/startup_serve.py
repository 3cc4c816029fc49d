"""Start-up to ready for Slack + Discord (issue 20), beside a bare script with the same imports.

`redflag` starts with Slack (HTTP, signing secret) and Discord configured
against the test fakes (`tests/slack/fake_slack.py`,
`tests/discord/fake_discord.py`, run by a helper process); the clock stops
when it has logged "serving" for both surfaces (Slack's port is open,
Discord is logged in and its gateway connecting). The reference is a bare
script on the same interpreter that imports slack-bolt's `AsyncApp`,
aiohttp and discord.py, opens an aiohttp port and prints "serving": what
any bot on these SDKs must pay. Runs alternate; medians are kept.

Goal: ≤ 1.1× the bare script.
"""
from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import REPO, Result, emit, median, quick_flag, stop, with_bytecode
from bench.memory import BOT_TOKEN, SIGNING_SECRET, _free_port

BARE = """
import asyncio, sys
from slack_bolt.async_app import AsyncApp
import aiohttp
from aiohttp import web
import discord

async def main():
    runner = web.AppRunner(web.Application())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(sys.argv[1])).start()
    print("serving", file=sys.stderr, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def _fakes() -> None:
    sys.path.insert(0, str(REPO / "tests" / "slack"))
    sys.path.insert(0, str(REPO / "tests" / "discord"))
    from fake_discord import TOKEN, FakeDiscord  # type: ignore[import-not-found]
    from fake_slack import FakeSlack  # type: ignore[import-not-found]

    slack = await FakeSlack().start()
    slack.teams[BOT_TOKEN] = "T1"
    discord = FakeDiscord()
    await discord.start()
    print(json.dumps({"slack_api": slack.url, "discord_api": discord.api_url, "discord_gateway": discord.gateway_url, "discord_token": TOKEN}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the benchmark closes stdin


def _until(proc: subprocess.Popen, needles: list[bytes], start: float, timeout: float = 60.0) -> float:
    """Seconds from `start` until every needle has appeared on the process's stderr."""
    assert proc.stderr is not None
    fd = proc.stderr.fileno()
    seen = b""
    while time.perf_counter() - start < timeout:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        if all(n in seen for n in needles):
            return time.perf_counter() - start
    raise RuntimeError(f"not ready; it printed: {seen[-800:]!r}")


def time_redflag(env: dict[str, str], cwd: str) -> float:
    redflag = Path(sys.executable).with_name("redflag")
    env = dict(env, REDFLAG_PORT=str(_free_port()))
    start = time.perf_counter()
    proc = subprocess.Popen([str(redflag)], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        return _until(proc, [b"serving slack", b"serving discord"], start)
    finally:
        stop(proc)


def time_bare(env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BARE, str(_free_port())], env=env, cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        return _until(proc, [b"serving"], start)
    finally:
        stop(proc)


def run(quick: bool = False) -> list[Result]:
    rounds = 3 if quick else 15
    env = with_bytecode({k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))})
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    fakes = subprocess.Popen([sys.executable, "-m", "bench.startup_serve", "--fakes"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
    try:
        assert fakes.stdin is not None and fakes.stdout is not None
        urls = json.loads(fakes.stdout.readline())
        with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
            bot_env = dict(env)
            bot_env.update(
                SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=urls["slack_api"],
                REDFLAG_HOST="127.0.0.1", REDFLAG_DB=str(Path(tmp) / "serve.db"), TZ="UTC", LANG="C.UTF-8",
                DISCORD_TOKEN=urls["discord_token"], DISCORD_API_URL=urls["discord_api"],
                DISCORD_GATEWAY_URL=urls["discord_gateway"],
            )
            first = time_redflag(bot_env, tmp)  # creates the schema
            ours, bare = [], []
            for _ in range(rounds):
                ours.append(time_redflag(bot_env, tmp))
                bare.append(time_bare(env, tmp))
    finally:
        if fakes.stdin is not None:
            fakes.stdin.close()
        try:
            fakes.wait(timeout=10)
        except subprocess.TimeoutExpired:
            fakes.kill()
            fakes.wait()
    ours_ms, bare_ms = median(ours) * 1e3, median(bare) * 1e3
    return [
        Result(
            "start-up",
            "to serving Slack + Discord",
            ours_ms,
            "ms",
            baseline=bare_ms,
            goal="≤ 1.1× bare imports",
            ok=ours_ms <= 1.1 * bare_ms,
            note=f"median of {rounds} alternating runs against the fakes, existing database; reference: a script "
            f"importing slack-bolt, aiohttp and discord.py and opening a port; first start {first * 1e3:.0f} ms",
        )
    ]


if __name__ == "__main__":
    if "--fakes" in sys.argv:
        asyncio.run(_fakes())
    else:
        emit(run(quick_flag(sys.argv)))
