"""Slack `/incident` round trip: Redflag on PostgreSQL vs Redflag on SQLite.

A server process runs, on one asyncio loop, two copies of the real Slack
service (`adapters.slack.service.start`) against the fake Slack of
`tests/slack/fake_slack.py`: one whose store is a fresh SQLite file, one
whose store is a fresh database on a throwaway PostgreSQL 15 started by
`tests/pg_server.py` (unix socket, fsync off, as in the tests). The load
generator here signs `/incident` commands like Slack (the helpers of
`bench/slack_roundtrip.py`) and sends blocks to the two in turn, the order
rotating per block, so both see the same machine state. Every answer must
be the "Logged" ack and each store must hold exactly the incidents sent.

Measured: median and p99 latency at concurrency 1 and 20, PostgreSQL's
against SQLite's. No goal in the issue: the figure says what a shared
database costs a single worker (a network round trip per statement, here a
local socket, against an in-process file).

    python -m bench.pg_roundtrip            # 600 requests per engine and concurrency, 2 fresh servers
    python -m bench.pg_roundtrip --quick    # 150, 1 server
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._common import REPO, Result, emit, median, percentile, quick_flag
from bench.slack_roundtrip import BOT_TOKEN, RESPONSE_URL, SIGNING_SECRET, TEAM, USERS, _block

ENGINES = ("postgresql", "sqlite")
CONCURRENCIES = (1, 20)


async def _serve(sqlite_path: str, pg_url: str) -> None:
    sys.path.insert(0, str(REPO / "tests" / "slack"))
    from fake_slack import FakeSlack  # type: ignore[import-not-found]
    from slack_harness import service_env  # type: ignore[import-not-found]

    from adapters.slack.service import start
    from bot.core import Core
    from bot.events import Address, Command
    from storage.store import Store

    fake = await FakeSlack().start()
    fake.teams[BOT_TOKEN] = TEAM
    for user in USERS:
        fake.user(user, locale="en-US", tz="Europe/Amsterdam", name=user)
    services, cores = {}, {}
    for engine, target in (("postgresql", pg_url), ("sqlite", sqlite_path)):
        core = Core(Store(target))
        for user in USERS:
            core.handle(Command(Address("slack", TEAM, user, "C1"), "client", "add Acme"))
        env = service_env(fake.url, sqlite_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
        if engine == "postgresql":
            env["REDFLAG_DATABASE_URL"] = pg_url
            env.pop("REDFLAG_DB")
        services[engine], cores[engine] = await start(core, env), core
    print(json.dumps({"ports": {e: s.port for e, s in services.items()}, "fake": fake.url}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    written = {e: (c.store.database.one("SELECT count(*) AS n FROM incidents") or {"n": 0})["n"] for e, c in cores.items()}
    print(json.dumps(written), flush=True)
    for service in services.values():
        await service.stop()
    for core in cores.values():
        core.store.close()
    await fake.stop()


async def _load(ports: dict[str, int], total: int, block: int, warmup: int) -> dict:
    import aiohttp

    urls = {e: f"http://127.0.0.1:{p}/slack/events" for e, p in ports.items()}
    out: dict = {"sent": {e: 0 for e in ENGINES}}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
        for engine in ENGINES:  # warm-up: users.info caches, catalogs, pooled connections
            _, failed = await _block(session, urls[engine], warmup, 5, "Logged", 0)
            if failed:
                raise RuntimeError(f"{engine}: {failed} failed warm-up requests")
            out["sent"][engine] += warmup
        for c in CONCURRENCIES:
            lat: dict[str, list[float]] = {e: [] for e in ENGINES}
            fails = {e: 0 for e in ENGINES}
            offset = 0
            while min(len(v) for v in lat.values()) < total:
                turn = (offset // block) % len(ENGINES)
                for engine in ENGINES[turn:] + ENGINES[:turn]:
                    got, failed = await _block(session, urls[engine], block, c, "Logged", offset)
                    lat[engine].extend(got)
                    fails[engine] += failed
                    out["sent"][engine] += block
                offset += block
            out[c] = {"lat": lat, "fails": fails}
    return out


def _one_server(total: int, block: int) -> dict:
    sys.path.insert(0, str(REPO / "tests"))
    import pg_server  # type: ignore[import-not-found]

    server = pg_server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="redflag-bench-pg-") as tmp, server.database() as pg_url:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
            env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
            proc = subprocess.Popen([sys.executable, "-m", "bench.pg_roundtrip", "--serve", str(Path(tmp) / "slack.db"), pg_url],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
            try:
                assert proc.stdout is not None and proc.stdin is not None
                started = json.loads(proc.stdout.readline())
                RESPONSE_URL[0] = started["fake"] + "/response/1"
                measured = asyncio.run(_load(started["ports"], total, block, warmup=50))
                proc.stdin.close()
                measured["written"] = json.loads(proc.stdout.readline())
                proc.wait(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    finally:
        server.stop()
    return measured


def run(quick: bool = False) -> list[Result]:
    repetitions = 1 if quick else 2
    total = 150 if quick else 600  # per engine, per concurrency, per repetition
    block = 50 if quick else 100
    runs = [_one_server(total, block) for _ in range(repetitions)]
    stats = {"median": median, "p99": lambda v: percentile(v, 99)}
    results = []
    for c in CONCURRENCIES:
        pooled = {e: [x for r in runs for x in r[c]["lat"][e]] for e in ENGINES}
        fails = {e: sum(r[c]["fails"][e] for r in runs) for e in ENGINES}
        for stat, fn in stats.items():
            pg, lite = fn(pooled["postgresql"]) * 1e3, fn(pooled["sqlite"]) * 1e3
            results.append(Result(
                "Slack round trip, engines", f"/incident {stat}, concurrency {c}: PostgreSQL vs SQLite", pg, "ms",
                baseline=lite, ok=None,
                note="" if stat == "p99" else (
                    f"{len(pooled['postgresql'])} requests per engine in {repetitions} fresh server(s), blocks of {block} "
                    f"interleaved; failed answers: PostgreSQL {fails['postgresql']}, SQLite {fails['sqlite']}")))
    good = all(r["written"][e] == r["sent"][e] for r in runs for e in ENGINES)
    sent = sum(r["sent"]["postgresql"] for r in runs)
    results.append(Result("Slack round trip, engines", "incidents stored / requests sent, PostgreSQL",
                          sum(r["written"]["postgresql"] for r in runs), "rows", goal="every request written", ok=good,
                          note=f"{sent} requests to each engine (warm-up included); SQLite's count checked likewise"))
    return results


if __name__ == "__main__":
    if "--serve" in sys.argv:
        i = sys.argv.index("--serve")
        asyncio.run(_serve(sys.argv[i + 1], sys.argv[i + 2]))
    else:
        emit(run(quick_flag(sys.argv)))
