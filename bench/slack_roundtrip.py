"""Slack round trip: signed `/incident` slash commands over real HTTP, Redflag vs two bare Bolt apps.

A server process runs, on one asyncio loop:

* the real Slack service (`adapters.slack.service.start(core, env)`) on a
  fresh SQLite file, its Web API pointed at the fake Slack of
  `tests/slack/fake_slack.py` (the app asks `users.info` once per user for
  locale and zone, then caches it; nothing else is called for a command whose
  reply rides in the ack). The fake runs in a process of its own, started by
  the server: it stands for Slack's servers, so what it does with a slow
  command's files (a report's chart, a 10 000-row export) is not on the
  server's loop nor in its CPU figures;
* "durable": a bare slack-bolt `AsyncApp` whose `/incident` handler does the
  durable work Redflag must do before it answers and nothing else: one
  INSERT in a `BEGIN IMMEDIATE` transaction on its own WAL SQLite file with
  Redflag's schema and indexes (same pragmas), inline on the loop, then the
  ack. This is the honest limit: Bolt + aiohttp + one commit;
* "durable at ack": the same durable app in Bolt's `process_before_response=True` mode, which is
  Redflag's (`adapters/slack/acking.py`): Bolt answers when the handler returns instead of at its next
  10 ms poll of the ack. Redflag stopped paying that poll in issue 20's sixth pass, so this is the
  limit in Redflag's own mode; the goals stay against "durable" as the issue defines it;
* "bare": the same app as "durable" whose handler only acks a fixed text (writes nothing).

This process (the load generator, aiohttp client) signs each request like
Slack (v0 HMAC, fresh timestamp, unique trigger_id) and interleaves blocks of
requests between the three apps (the order rotating per block), so all see
the same machine state. Each repetition starts a fresh server process; the
latencies of all repetitions are pooled. Latency is from sending the request
to reading the whole response. Every Redflag answer must be the "Logged"
ack, and the incident count in the database must equal the requests sent.

Then the slow-command row: `/incident` at concurrency 5 against Redflag
alone, and again while a second client keeps one slow command in flight at a
time (`/client report` with its chart, `/client export` of a client with
thousands of incidents), blocks interleaved.

`python -m bench.slack_roundtrip --beside-slow` runs only that row (and the
rows-written check); `REDFLAG_SLOW_PROCESSES=0` in the environment keeps the
slow commands on the server's threads, as before the fourth pass, for an A/B;
`BENCH_CHECKPOINTS=at-commit` leaves SQLite's WAL checkpoints in the commits of
Redflag's requests, as before the seventh pass (`storage/checkpoints.py`).

Goals (issue 20): median <= 1.1x durable and p99 <= 1.2x durable at
concurrency 20; median <= 1.2x durable at 50; median <= 1.1x at 1;
`/incident` beside slow commands <= 1.2x `/incident` alone.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import os
import sqlite3
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
#: The user whose slow commands run beside the /incident load (a client with many incidents).
SLOW_USER = "U900"
SLOW_INCIDENTS = 5_000
BARE_TEXT = "Logged."
APPS = ("ours", "durable", "durable_ack", "bare")
DURABLE_INSERT = (
    "INSERT INTO incidents (workspace, owner, client_id, kind, note, occurred_at, logged_at, logged_by,"
    " source, source_ref, request_id, number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'command', NULL, ?, ?)"
)


# -- the server process ----------------------------------------------------------
def _durable_db(path: str) -> sqlite3.Connection:
    """Redflag's schema and indexes on a file of its own, opened with Redflag's pragmas."""
    from bot.core import Core
    from bot.events import Address, Command
    from storage.store import Store

    store = Store(path)
    Core(store).handle(Command(Address("slack", TEAM, "U000", "C1"), "client", "add Acme"))
    store.close()
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _seed_slow_user(core, workspace: str) -> None:
    """A client with thousands of incidents for the slow user: what an export and a report read."""
    from datetime import datetime, timedelta, timezone

    from bot.events import Address, Command

    core.handle(Command(Address("slack", workspace, SLOW_USER, "C1"), "client", "add Acme"))
    db = core.store.database
    client = db.one("SELECT id FROM clients WHERE workspace = ? AND owner = ?", (workspace, SLOW_USER))
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    kinds = ("late-payment", "scope-creep", "haggling")
    rows = [
        (workspace, SLOW_USER, client["id"], kinds[i % 3], f"note {i}", (start + timedelta(hours=i)).isoformat(timespec="seconds"),
         (start + timedelta(hours=i)).isoformat(timespec="seconds"), SLOW_USER, f"seed-{i}", i + 1)
        for i in range(SLOW_INCIDENTS)
    ]
    with db.transaction():
        db.conn.executemany(DURABLE_INSERT, rows)


def _durable_handler(conn: sqlite3.Connection, numbers):  # type: ignore[no-untyped-def]
    """The durable work and the ack, nothing else (Bolt injects arguments by name: no extra parameters)."""
    async def incident(ack, body) -> None:  # type: ignore[no-untyped-def]
        now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            DURABLE_INSERT,
            (body["team_id"], body["user_id"], 1, "late-payment", body["text"], now, now, body["user_id"], body["trigger_id"], next(numbers)),
        )
        conn.execute("COMMIT")
        await ack(text=BARE_TEXT)

    return incident


async def _serve(db: str) -> None:
    sys.path.insert(0, str(REPO / "tests" / "slack"))
    from aiohttp import web
    from slack_harness import service_env  # type: ignore[import-not-found]
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.service import start
    from bot.core import Core
    from bot.events import Address, Command
    from storage.store import Store

    fake_process = subprocess.Popen([sys.executable, "-m", "bench.slack_roundtrip", "--fake"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert fake_process.stdout is not None and fake_process.stdin is not None
    fake_url = json.loads(fake_process.stdout.readline())["url"]
    core = Core(Store(db))
    if os.environ.get("BENCH_CHECKPOINTS") != "at-commit":
        core.store.serving()  # as `redflag serve` does: WAL checkpoints on their own thread
    for user in USERS:
        core.handle(Command(Address("slack", TEAM, user, "C1"), "client", "add Acme"))
    _seed_slow_user(core, TEAM)
    ours = await start(core, service_env(fake_url, db, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET))

    ports = {"ours": ours.port}
    runners = []
    durable_conns = {"durable": _durable_db(db + ".durable"), "durable_ack": _durable_db(db + ".durable-ack")}
    numbers = itertools.count(1)
    for name in ("durable", "durable_ack", "bare"):
        app = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=fake_url), signing_secret=SIGNING_SECRET, name=name,
                       process_before_response=name == "durable_ack")
        if name == "bare":
            @app.command("/incident")
            async def incident(ack) -> None:  # type: ignore[no-untyped-def]
                await ack(text=BARE_TEXT)
        else:
            app.command("/incident")(_durable_handler(durable_conns[name], numbers))

        runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        ports[name] = runner.addresses[0][1]
        runners.append(runner)
    from redflag.cli import start_up_over

    start_up_over()  # as `redflag serve` does once its services are up (one process: every app gets it)
    print(json.dumps({**ports, "pid": os.getpid(), "fake": fake_url}), flush=True)
    # Serve until the load generator closes our stdin, then report the rows written.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    row = core.store.database.one("SELECT count(*) AS n FROM incidents WHERE owner != ?", (SLOW_USER,))
    durable_rows = {name: conn.execute("SELECT count(*) FROM incidents").fetchone()[0] for name, conn in durable_conns.items()}
    print(json.dumps({"incidents": row["n"] if row else 0, **durable_rows}), flush=True)
    await ours.stop()
    for runner in runners:
        await runner.cleanup()
    fake_process.stdin.close()
    fake_process.wait(timeout=30)


async def _fake() -> None:
    """The fake Slack Web API in its own process: prints its URL, serves until stdin closes."""
    sys.path.insert(0, str(REPO / "tests" / "slack"))
    from fake_slack import FakeSlack  # type: ignore[import-not-found]

    fake = await FakeSlack().start()
    fake.teams[BOT_TOKEN] = TEAM
    for user in USERS + [SLOW_USER]:
        fake.user(user, locale="en-US", tz="Europe/Amsterdam", name=user)
    print(json.dumps({"url": fake.url}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await fake.stop()


# -- the load generator -----------------------------------------------------------
def sign(timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


_triggers = itertools.count(1)


#: Where answers after the ack go (the fake Slack's response_url endpoint, set from the server's ports).
RESPONSE_URL = ["https://hooks.slack.com/commands/T1/1/abc"]


def command_body(user: str, n: int, command: str = "/incident", text: str | None = None) -> str:
    return urlencode(
        {
            "token": "verification-token-unused",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": "C2147483705",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text if text is not None else f"Acme late-payment paid 40 days late again, invoice {n}",
            "api_app_id": "A0BENCH",
            "is_enterprise_install": "false",
            "response_url": RESPONSE_URL[0],
            "trigger_id": f"13345224609.738474920.{next(_triggers):031x}",
        }
    )


async def _post(session, url: str, body: str) -> tuple[float, int, str]:
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(ts, body),
    }
    start = time.perf_counter()
    async with session.post(url, data=body.encode(), headers=headers) as resp:
        text = await resp.text()
    return time.perf_counter() - start, resp.status, text


async def _one(session, url: str, user: str, n: int, expect: str) -> tuple[float, bool]:
    elapsed, status, text = await _post(session, url, command_body(user, n))
    return elapsed, status == 200 and expect in text


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


async def _slow_loop(session, url: str, stop: asyncio.Event, done: list[float]) -> None:
    """Keep one slow command in flight: reports (chart) and exports (thousands of rows) in turn."""
    texts = ("report", "export Acme")
    for i in itertools.count():
        if stop.is_set():
            return
        elapsed, status, _ = await _post(session, url, command_body(SLOW_USER, i, "/client", texts[i % 2]))
        if status == 200:
            done.append(elapsed)


async def _load(ports: dict, concurrencies: list[int], total: int, block: int, warmup: int, slow_total: int) -> dict:
    import aiohttp

    pid = ports.pop("pid")
    RESPONSE_URL[0] = ports.pop("fake") + "/response/1"
    urls = {name: f"http://127.0.0.1:{port}/slack/events" for name, port in ports.items()}
    expect = {"ours": "Logged", "durable": BARE_TEXT, "durable_ack": BARE_TEXT, "bare": BARE_TEXT}
    out: dict = {"sent_ours": 0, "sent_durable": 0, "sent_durable_ack": 0}
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:
        for name in APPS:  # warm-up: users.info caches, catalogs, connections
            _, failed = await _block(session, urls[name], warmup, 5, expect[name], 0)
            if failed:
                raise RuntimeError(f"{name}: {failed} failed warm-up requests")
            out[f"sent_{name}"] = out.get(f"sent_{name}", 0) + warmup
        for i, text in enumerate(("report", "export Acme")):  # the slow lane warm too (its worker, its first chart)
            await _post(session, urls["ours"], command_body(SLOW_USER, 900_000 + i, "/client", text))
        for c in concurrencies:
            lat: dict[str, list[float]] = {name: [] for name in APPS}
            fails = {name: 0 for name in APPS}
            cpu = {name: 0.0 for name in APPS}
            offset = 0
            while min(len(v) for v in lat.values()) < total:
                turn = (offset // block) % len(APPS)
                for name in APPS[turn:] + APPS[:turn]:
                    before = cpu_seconds(pid)
                    got, failed = await _block(session, urls[name], block, c, expect[name], offset)
                    cpu[name] += cpu_seconds(pid) - before
                    lat[name].extend(got)
                    fails[name] += failed
                    out[f"sent_{name}"] = out.get(f"sent_{name}", 0) + block
                offset += block
            out[c] = {"lat": lat, "fails": fails, "cpu": cpu}
        # /incident at concurrency 5, alone and beside slow commands, blocks interleaved.
        lat = {"alone": [], "beside": []}
        slow_done: list[float] = []
        offset = 0
        small = max(20, block // 4)
        while min(len(v) for v in lat.values()) < slow_total:
            for mode in ("alone", "beside") if (offset // small) % 2 == 0 else ("beside", "alone"):
                stop = asyncio.Event()
                background = asyncio.ensure_future(_slow_loop(session, urls["ours"], stop, slow_done)) if mode == "beside" else None
                if background is not None:
                    await asyncio.sleep(0.05)  # the first slow command is in flight
                got, failed = await _block(session, urls["ours"], small, 5, expect["ours"], offset)
                if background is not None:
                    stop.set()
                    await background
                lat[mode].extend(got)
                out["sent_ours"] += small
                if failed:
                    raise RuntimeError(f"{failed} failed /incident beside slow commands")
            offset += small
        out["slow"] = {"lat": lat, "slow_done": slow_done}
    return out


def _one_server(concurrencies: list[int], total: int, block: int, slow_total: int) -> dict:
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
            measured = asyncio.run(_load(ports, concurrencies, total, block, warmup=100, slow_total=slow_total))
            server.stdin.close()
            written = json.loads(server.stdout.readline())
            server.wait(timeout=60)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    measured["written"] = written
    return measured


#: (concurrency, statistic, goal as a ratio to durable)
GOALS = ((1, "median", 1.1), (1, "p99", None), (20, "median", 1.1), (20, "p99", 1.2), (50, "median", 1.2), (50, "p99", None))


def run(quick: bool = False, beside_slow_only: bool = False) -> list[Result]:
    """Every row; `beside_slow_only` (`--beside-slow`): only `/incident` beside slow commands (issue 20, fourth pass)."""
    repetitions = 1 if quick else 2
    total = 300 if quick else 1_000  # per app, per concurrency, per repetition
    block = 100 if quick else 200
    slow_total = 100 if quick else 400
    concurrencies = [] if beside_slow_only else [1, 20, 50]
    runs = [_one_server(concurrencies, total, block, slow_total) for _ in range(repetitions)]

    def pooled(c, name: str) -> list[float]:
        return [x for r in runs for x in r[c]["lat"][name]]

    stats = {"median": median, "p99": lambda v: percentile(v, 99)}
    results: list[Result] = []
    same_mode: list[Result] = []
    for c, stat, limit in GOALS if concurrencies else ():
        ours, durable, durable_ack, bare = (stats[stat](pooled(c, n)) * 1e3 for n in APPS)
        fails = {n: sum(r[c]["fails"][n] for r in runs) for n in APPS}
        note = ""
        if stat == "median":
            note = (
                f"{len(pooled(c, 'ours'))} requests per app in {repetitions} fresh server(s), blocks of {block} interleaved; "
                f"bare Bolt (ack only): {bare:.2f} ms, so durable = {durable / bare:.2f}× bare; "
                f"failed answers: Redflag {fails['ours']}, durable {fails['durable']}, durable at ack {fails['durable_ack']}, "
                f"bare {fails['bare']}"
            )
        results.append(
            Result(
                "Slack round trip",
                f"/incident {stat}, concurrency {c}",
                ours,
                "ms",
                baseline=durable,
                goal=f"≤ {limit}× durable" if limit else "",
                ok=(ours / durable <= limit and not fails["ours"]) if limit else None,
                note=note,
            )
        )
        same_mode.append(
            Result(
                "Slack round trip",
                f"/incident {stat}, concurrency {c}, vs durable at ack",
                ours,
                "ms",
                baseline=durable_ack,
                note="" if (c, stat) != GOALS[0][:2] else (
                    "the same durable app in Redflag's Bolt mode (process_before_response=True: answered when the "
                    "handler returns, not at Bolt's next 10 ms poll): the limit in Redflag's own mode, no goal"
                ),
            )
        )
    results.extend(same_mode)
    for c in concurrencies:
        cpu = {n: sum(r[c]["cpu"][n] for r in runs) / len(pooled(c, n)) * 1e3 for n in APPS}
        results.append(
            Result(
                "Slack round trip",
                f"server CPU per request, concurrency {c}",
                cpu["ours"],
                "ms",
                baseline=cpu["durable"],
                note="" if c != concurrencies[-1] else (
                    f"CPU time of the server process (all threads) while each app's blocks ran, per request "
                    f"(bare Bolt: {cpu['bare']:.2f} ms; durable at ack: {cpu['durable_ack']:.2f} ms): what queues when many "
                    f"requests are in flight"
                ),
            )
        )
    alone = [x for r in runs for x in r["slow"]["lat"]["alone"]]
    beside = [x for r in runs for x in r["slow"]["lat"]["beside"]]
    slow_done = [x for r in runs for x in r["slow"]["slow_done"]]
    for stat in ("median", "p99"):
        ours, ref = stats[stat](beside) * 1e3, stats[stat](alone) * 1e3
        results.append(
            Result(
                "Slack round trip",
                f"/incident {stat} at concurrency 5 beside slow commands",
                ours,
                "ms",
                baseline=ref,
                goal="≤ 1.2× alone",
                ok=ours / ref <= 1.2,
                note="" if stat == "p99" else (
                    f"reference: the same /incident load without slow commands; beside it, one /client report or "
                    f"/client export ({SLOW_INCIDENTS} incidents) always in flight: {len(slow_done)} finished, "
                    f"median {median(slow_done) * 1e3 if slow_done else 0:.0f} ms each"
                ),
            )
        )
    sent = sum(r["sent_ours"] for r in runs)
    written = sum(r["written"]["incidents"] for r in runs)
    results.append(
        Result(
            "Slack round trip",
            "incidents stored / requests sent",
            written,
            "rows",
            goal="every request written",
            ok=written == sent and all(r["written"][n] == r[f"sent_{n}"] for r in runs for n in ("durable", "durable_ack")),
            note=f"{sent} /incident requests sent to Redflag (warm-up included), {written} rows in SQLite; durable references likewise",
        )
    )
    return results


if __name__ == "__main__":
    if "--fake" in sys.argv:
        asyncio.run(_fake())
    elif "--serve" in sys.argv:
        asyncio.run(_serve(sys.argv[sys.argv.index("--serve") + 1]))
    else:
        emit(run(quick_flag(sys.argv), beside_slow_only="--beside-slow" in sys.argv))
