"""Memory: peak RSS of a `redflag` process serving Slack and Discord with the scheduler, 1 000 000 invoices stored.

The database is the reminder benchmark's big one (`bench.sweep.build`: 1 000 000
invoices, 1 000 of them due today across 100 users, the rest other users'
history), with the 100 due users moved to Slack and a send hour of 0 so the
scheduler's first sweep (at start-up) has 1 000 reminders to deliver.

A helper process runs the test fakes (`tests/slack/fake_slack.py`,
`tests/discord/fake_discord.py`) on localhost; `redflag` (the installed
console script, no arguments) is started with Slack (HTTP mode, signing
secret) and Discord configured against them, so it serves both surfaces and
runs the scheduler on one loop, exactly as in production. Then:

* Discord: the gateway connects (READY), 200 slash commands arrive through it
  (`/client add`, `/incident log`, `/invoice add`, `/client show`);
* Slack: 1 000 signed slash commands over HTTP (`/client add`, `/incident`,
  `/invoice add`, `/client show`, `/invoice list`) from 20 users;
* the scheduler's sweep delivers the 1 000 reminders as Slack DMs.

Peak RSS is the kernel's high-water mark for the process (`VmHWM` in
/proc/<pid>/status), read after all of that, before stopping it.

Goal: under 150 MB.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench._common import REPO, Result, emit, quick_flag, stop

BOT_TOKEN = "xoxb-1111-2222-MEMBENCHTOKEN"
SIGNING_SECRET = "memory-bench-signing-secret-0123456789"
SLACK_USERS = [f"U{i:03d}" for i in range(20)]
SLACK_COMMANDS = 1_000
DISCORD_COMMANDS = 200
#: The reminders due at the first sweep (`bench.sweep.build`'s due set).
REMINDERS = 1_000


def _sign(timestamp: str, body: str) -> str:
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()


_triggers = itertools.count(1)


def _slack_body(user: str, command: str, text: str) -> str:
    return urlencode(
        {
            "team_id": "T1",
            "channel_id": "C2147483705",
            "user_id": user,
            "command": command,
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": f"1.2.{next(_triggers):031x}",
        }
    )


def _slack_script(n: int) -> list[tuple[str, str, str]]:
    script = [(u, "/client", f"add Acme{i % 3}") for i, u in enumerate(SLACK_USERS * 3)]
    i = 0
    while len(script) < n:
        user = SLACK_USERS[i % len(SLACK_USERS)]
        client = f"Acme{i % 3}"
        step = i % 10
        if step < 6:
            script.append((user, "/incident", f"{client} late-payment paid 40 days late, invoice {i}"))
        elif step < 8:
            script.append((user, "/invoice", f"add {client} 1200.50 ref=M-{i}"))
        elif step == 8:
            script.append((user, "/client", f"show {client}"))
        else:
            script.append((user, "/invoice", "list"))
        i += 1
    return script


# -- the fakes (and the traffic they send) -------------------------------------------
async def _fakes(commands: int, discord_commands: int) -> None:
    sys.path.insert(0, str(REPO / "tests" / "slack"))
    sys.path.insert(0, str(REPO / "tests" / "discord"))
    import aiohttp
    from fake_discord import TOKEN, FakeDiscord  # type: ignore[import-not-found]
    from fake_slack import FakeSlack  # type: ignore[import-not-found]

    slack = await FakeSlack().start()
    slack.teams[BOT_TOKEN] = "T1"
    for user in SLACK_USERS:
        slack.user(user, locale="en-US", tz="Europe/Amsterdam", name=user)
    discord = FakeDiscord()
    await discord.start()
    print(json.dumps({"slack_api": slack.url, "discord_api": discord.api_url, "discord_gateway": discord.gateway_url, "discord_token": TOKEN}), flush=True)
    loop = asyncio.get_running_loop()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    port = int(line.split()[1])
    stats: dict = {}

    t0 = time.perf_counter()
    await asyncio.wait_for(discord.wait_ready(), 60)
    answered = 0
    for i in range(discord_commands):
        step = i % 4
        if i < 3:
            path, options = "client add", {"name": f"Globex{i}"}
        elif step == 0:
            path, options = "incident log", {"client": f"Globex{i % 3}", "kind": "scope-creep", "note": f"round {i}"}
        elif step == 1:
            path, options = "invoice add", {"client": f"Globex{i % 3}", "amount": "300", "ref": f"G-{i}"}
        elif step == 2:
            path, options = "client show", {"client": f"Globex{i % 3}"}
        else:
            path, options = "incident log", {"client": f"Globex{i % 3}", "kind": "late-payment", "note": f"late {i}"}
        payload = await discord.slash(path, options)
        call = await discord.callback_for(payload)
        answered += call.json.get("type") in (4, 5)
    stats["discord_answered"] = answered
    stats["discord_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ok = 0
    async with aiohttp.ClientSession() as session:
        sem = asyncio.Semaphore(10)

        async def send(user: str, command: str, text: str) -> None:
            nonlocal ok
            body = _slack_body(user, command, text)
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": _sign(ts, body)}
            async with sem:
                async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers) as resp:
                    await resp.read()
                    ok += resp.status == 200

        script = _slack_script(commands)
        # Client adds first (in order), then the rest concurrently.
        for user, command, text in script[: len(SLACK_USERS) * 3]:
            await send(user, command, text)
        await asyncio.gather(*(send(*s) for s in script[len(SLACK_USERS) * 3 :]))
    stats["slack_ok"] = ok
    stats["slack_sent"] = len(script)
    stats["slack_s"] = time.perf_counter() - t0

    # The start-up sweep delivers the due reminders as Slack DMs: waited for while they keep coming (a
    # stalled sweep ends the wait after a minute without one, not after a fixed ten minutes).
    sent, quiet_since = -1, time.monotonic()
    while (now_sent := len(slack.calls_to("chat.postMessage"))) < REMINDERS and time.monotonic() - quiet_since < 60:
        if now_sent != sent:
            sent, quiet_since = now_sent, time.monotonic()
        await asyncio.sleep(0.2)
    stats["reminder_dms"] = len(slack.calls_to("chat.postMessage"))
    print(json.dumps(stats), flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    await slack.stop()
    await discord.stop()


# -- the measurement -------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB -> MB
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def _wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redflag exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("redflag did not answer /healthz")


def build_db(path: Path, invoices: int) -> int:
    from bench.sweep import build

    build(path, invoices)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE users SET platform = 'slack', send_hour = 0 WHERE user LIKE 'D%'")
    stored = conn.execute("SELECT count(*) FROM invoices").fetchone()[0]
    conn.close()
    return stored


def run(quick: bool = False) -> list[Result]:
    invoices = 100_000 if quick else 1_000_000
    commands = 300 if quick else SLACK_COMMANDS
    discord_commands = 60 if quick else DISCORD_COMMANDS
    env_base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    env_base["PYTHONPATH"] = str(REPO) + os.pathsep + env_base.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
        db = Path(tmp) / "memory.db"
        t0 = time.perf_counter()
        stored = build_db(db, invoices)
        built = time.perf_counter() - t0
        fakes = subprocess.Popen(
            [sys.executable, "-m", "bench.memory", "--fakes", str(commands), str(discord_commands)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=env_base,
        )
        bot = None
        try:
            assert fakes.stdin is not None and fakes.stdout is not None
            urls = json.loads(fakes.stdout.readline())
            port = _free_port()
            env = dict(env_base)
            env.update(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=urls["slack_api"],
                REDFLAG_PORT=str(port),
                REDFLAG_HOST="127.0.0.1",
                REDFLAG_DB=str(db),
                DISCORD_TOKEN=urls["discord_token"],
                DISCORD_API_URL=urls["discord_api"],
                DISCORD_GATEWAY_URL=urls["discord_gateway"],
            )
            redflag = Path(sys.executable).with_name("redflag")
            # Its log to a file: a pipe nobody reads fills at 64 kB and then blocks the bot mid-sweep.
            log = open(Path(tmp) / "redflag.log", "w")
            bot = subprocess.Popen([str(redflag)], env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=log, text=True)
            _wait_healthy(port, bot)
            started_rss = _vm(bot.pid, "VmRSS")
            fakes.stdin.write(f"go {port}\n")
            fakes.stdin.flush()
            stats = json.loads(fakes.stdout.readline())
            peak = _vm(bot.pid, "VmHWM")
            now = _vm(bot.pid, "VmRSS")
            fakes.stdin.close()
            fakes.wait(timeout=30)
            if stats["reminder_dms"] < REMINDERS:
                stats["log"] = (Path(tmp) / "redflag.log").read_text()[-600:]
        finally:
            if bot is not None:
                stop(bot)
                log.close()
            if fakes.poll() is None:
                fakes.kill()
                fakes.wait()
    served = (
        f"{stored:,} invoices stored (built in {built:.0f} s); after start-up {started_rss:.0f} MB; "
        f"served {stats['discord_answered']}/{discord_commands} Discord commands through the gateway, "
        f"{stats['slack_ok']}/{stats['slack_sent']} signed Slack commands, and the sweep sent "
        f"{stats['reminder_dms']} of {REMINDERS} reminder DMs; RSS at the end {now:.0f} MB"
    )
    if "log" in stats:
        served += f"; the sweep stalled, the bot's log ends: {stats['log']!r}"
    return [
        Result("memory", "peak RSS, Slack + Discord + scheduler", peak, "MB", goal="< 150 MB, every reminder sent",
               ok=peak < 150 and stats["reminder_dms"] >= REMINDERS, note=served)
    ]


if __name__ == "__main__":
    if "--fakes" in sys.argv:
        i = sys.argv.index("--fakes")
        asyncio.run(_fakes(int(sys.argv[i + 1]), int(sys.argv[i + 2])))
    else:
        emit(run(quick_flag(sys.argv)))
