"""Slack round trip: signed `/incident` slash commands over real HTTP, Redflag vs a bare Bolt app.

A server process runs, on one asyncio loop:

* the real Slack service (`adapters.slack.service.start(core, env)`) on a
  fresh SQLite file, its Web API pointed at the fake Slack of
  `tests/slack/fake_slack.py` (the app asks `users.info` once per user for
  locale and zone, then caches it; nothing else is called for a command whose
  reply rides in the ack);
* a bare slack-bolt `AsyncApp` with the same token, signing secret and fake
  Web API, served by Bolt's own aiohttp server (`AsyncApp.web_app()`), whose
  `/incident` handler only acks a fixed text.

This process (the load generator, aiohttp client) signs each request like
Slack (v0 HMAC, fresh timestamp, unique trigger_id) and alternates blocks of
requests between the two apps, so both see the same machine state. For each
concurrency (1 and 20) each app gets at least 2 000 timed requests; latency
is from sending the request to reading the whole response. Every Redflag
answer must be the "Logged" ack, and the incident count in the database must
equal the requests sent (each one wrote a row before it answered).

Goals: Redflag's median within 1.3× of the bare app's, p99 under 1.5×.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench._common import REPO, Result, emit, median, percentile, quick_flag

BOT_TOKEN = "xoxb-1111-2222-BENCHBOTTOKEN"
SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
TEAM = "T1"
USERS = [f"U{i:03d}" for i in range(25)]
BARE_TEXT = "Logged."


# -- the server process ----------------------------------------------------------
async def _serve(db: str) -> None:
    sys.path.insert(0, str(REPO / "tests" / "slack"))
    from aiohttp import web
    from fake_slack import FakeSlack  # type: ignore[import-not-found]
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.service import start
    from bot.core import Core
    from bot.events import Address, Command
    from storage.store import Store

    fake = await FakeSlack().start()
    fake.teams[BOT_TOKEN] = TEAM
    for user in USERS:
        fake.user(user, locale="en-US", tz="Europe/Amsterdam", name=user)
    core = Core(Store(db))
    for user in USERS:
        core.handle(Command(Address("slack", TEAM, user, "C1"), "client", "add Acme"))
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "REDFLAG_PORT": "0",
        "REDFLAG_HOST": "127.0.0.1",
        "REDFLAG_DB": db,
    }
    ours = await start(core, env)

    bare = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=fake.url), signing_secret=SIGNING_SECRET, name="bare")

    @bare.command("/incident")
    async def incident(ack) -> None:  # type: ignore[no-untyped-def]
        await ack(text=BARE_TEXT)

    runner = web.AppRunner(bare.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    bare_port = runner.addresses[0][1]
    print(json.dumps({"ours": ours.port, "bare": bare_port, "pid": os.getpid()}), flush=True)
    # Serve until the load generator closes our stdin, then report the rows written.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    row = core.store.database.one("SELECT count(*) AS n FROM incidents")
    fake.calls.clear()
    print(json.dumps({"incidents": row["n"] if row else 0}), flush=True)
    await ours.stop()
    await runner.cleanup()
    await fake.stop()


# -- the load generator -----------------------------------------------------------
def sign(timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


_triggers = itertools.count(1)


def command_body(user: str, n: int) -> str:
    return urlencode(
        {
            "token": "verification-token-unused",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": "C2147483705",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/incident",
            "text": f"Acme late-payment paid 40 days late again, invoice {n}",
            "api_app_id": "A0BENCH",
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/T1/1/abc",
            "trigger_id": f"13345224609.738474920.{next(_triggers):031x}",
        }
    )


async def _one(session, url: str, user: str, n: int, expect: str) -> tuple[float, bool]:
    body = command_body(user, n)
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(ts, body),
    }
    start = time.perf_counter()
    async with session.post(url, data=body.encode(), headers=headers) as resp:
        text = await resp.text()
    elapsed = time.perf_counter() - start
    return elapsed, resp.status == 200 and expect in text


async def _block(session, url: str, count: int, concurrency: int, expect: str, offset: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    counter = itertools.count()

    async def worker(w: int) -> None:
        nonlocal failures
        while True:
            i = next(counter)
            if i >= count:
                return
            elapsed, ok = await _one(session, url, USERS[(offset + i) % len(USERS)], offset + i, expect)
            latencies.append(elapsed)
            failures += not ok

    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return latencies, failures


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (from /proc, 1/100 s resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(ports: dict, concurrencies: list[int], total: int, block: int, warmup: int) -> dict:
    import aiohttp

    pid = ports.pop("pid")
    urls = {name: f"http://127.0.0.1:{port}/slack/events" for name, port in ports.items()}
    expect = {"ours": "Logged", "bare": BARE_TEXT}
    out: dict = {"sent_ours": 0}
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as session:
        for name in ("ours", "bare"):  # warm-up: users.info caches, catalogs, connections
            _, failed = await _block(session, urls[name], warmup, 5, expect[name], 0)
            if failed:
                raise RuntimeError(f"{name}: {failed} failed warm-up requests")
            out["sent_ours"] += warmup if name == "ours" else 0
        for c in concurrencies:
            lat: dict[str, list[float]] = {"ours": [], "bare": []}
            fails = {"ours": 0, "bare": 0}
            cpu = {"ours": 0.0, "bare": 0.0}
            offset = 0
            while min(len(v) for v in lat.values()) < total:
                for name in ("ours", "bare") if (offset // block) % 2 == 0 else ("bare", "ours"):
                    before = cpu_seconds(pid)
                    got, failed = await _block(session, urls[name], block, c, expect[name], offset)
                    cpu[name] += cpu_seconds(pid) - before
                    lat[name].extend(got)
                    fails[name] += failed
                    if name == "ours":
                        out["sent_ours"] += block
                offset += block
            out[c] = {"lat": lat, "fails": fails, "cpu": cpu}
    return out


def run(quick: bool = False) -> list[Result]:
    total = 300 if quick else 2_000
    block = 100 if quick else 200
    concurrencies = [1, 20]
    with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
        db = str(Path(tmp) / "slack.db")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.slack_roundtrip", "--serve", db],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env,
        )
        try:
            assert server.stdout is not None and server.stdin is not None
            ports = json.loads(server.stdout.readline())
            measured = asyncio.run(_load(ports, concurrencies, total, block, warmup=100))
            server.stdin.close()
            written = json.loads(server.stdout.readline())["incidents"]
            server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()

    results: list[Result] = []
    for c in concurrencies:
        lat, fails = measured[c]["lat"], measured[c]["fails"]
        n = min(len(lat["ours"]), len(lat["bare"]))
        for stat, fn, limit in (("median", median, 1.3), ("p99", lambda v: percentile(v, 99), 1.5)):
            ours, bare = fn(lat["ours"]) * 1e3, fn(lat["bare"]) * 1e3
            note = ""
            if stat == "median":
                note = (
                    f"{len(lat['ours'])} + {len(lat['bare'])} signed requests in alternating blocks of {block}; "
                    f"failed answers: Redflag {fails['ours']}, bare {fails['bare']}"
                )
            results.append(
                Result(
                    "Slack round trip",
                    f"/incident {stat}, concurrency {c}",
                    ours,
                    "ms",
                    baseline=bare,
                    goal=f"≤ {limit}× bare Bolt" if stat == "median" else f"< {limit}× bare Bolt",
                    ok=(ours / bare <= limit if stat == "median" else ours / bare < limit) and not fails["ours"],
                    note=note,
                )
            )
        del n
        cpu = measured[c]["cpu"]
        results.append(
            Result(
                "Slack round trip",
                f"server CPU per request, concurrency {c}",
                cpu["ours"] / len(lat["ours"]) * 1e3,
                "ms",
                baseline=cpu["bare"] / len(lat["bare"]) * 1e3,
                note="" if c != concurrencies[-1] else (
                    "CPU time of the server process (all threads) while each app's blocks ran, per request: "
                    "what queues when many requests are in flight"
                ),
            )
        )
    results.append(
        Result(
            "Slack round trip",
            "incidents stored / requests sent",
            written,
            "rows",
            goal="every request written",
            ok=written == measured["sent_ours"],
            note=f"{measured['sent_ours']} /incident requests sent to Redflag (warm-up included), {written} rows in SQLite",
        )
    )
    return results


if __name__ == "__main__":
    if "--serve" in sys.argv:
        asyncio.run(_serve(sys.argv[sys.argv.index("--serve") + 1]))
    else:
        emit(run(quick_flag(sys.argv)))
