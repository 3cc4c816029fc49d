"""Core throughput: incidents logged and `/client show` dossiers per second, beside raw sqlite3.

One workspace, one user, 1 000 clients and 100 000 incidents (the first
client has 1 000 of them, the rest share 99 000), bulk-loaded with
`executemany`. Then, interleaved in blocks so drift hits both sides alike:

* logging: `/incident "<client>" late-payment <note>` through `Core.handle`
  (settings look-up, parsing, client look-up, the insert in its own
  transaction, the count, the translated reply) versus the same INSERT in its
  own `BEGIN IMMEDIATE … COMMIT` on a raw connection to the same file;
* dossier: `/client show "<client with 1 000 incidents>"` through
  `Core.handle` (every timeline source, score, formatting) versus the raw
  queries that fetch the same rows (the client, its incidents, its invoices
  with payments) into tuples.

Goals: logging at most 3× the raw insert; the dossier under 5× the raw query.
"""
from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench._common import Result, emit, quick_flag

WORKSPACE, USER = "T-BENCH", "U-BENCH"
CLIENTS = 1_000
INCIDENTS = 100_000
BIG_CLIENT_INCIDENTS = 10_000  # the dossier and export goals of issue 20 are for 10 000


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def load(path: Path, clients: int = CLIENTS, incidents: int = INCIDENTS) -> list[str]:
    """Create the schema through `Store`, then bulk-load rows with executemany; returns client names."""
    from bot.kinds import KINDS
    from storage.clients import name_key
    from storage.store import Store

    Store(path).close()  # schema via the real migrations
    rng = random.Random(9)
    names = [f"Client {i:04d}" for i in range(clients)]
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO workspaces (id, platform, created_at) VALUES (?, 'console', ?)", (WORKSPACE, _iso(start))
    )
    conn.execute(
        "INSERT INTO users (workspace, user, platform, send_hour, created_at) VALUES (?, ?, 'console', 9, ?)",
        (WORKSPACE, USER, _iso(start)),
    )
    conn.executemany(
        "INSERT INTO clients (id, workspace, owner, name, name_key, terms_days, currency, paused, created_at)"
        " VALUES (?, ?, ?, ?, ?, 30, 'EUR', 0, ?)",
        [(i + 1, WORKSPACE, USER, n, name_key(n), _iso(start)) for i, n in enumerate(names)],
    )

    def rows():
        for i in range(incidents):
            client_id = 1 if i < BIG_CLIENT_INCIDENTS else 2 + (i % (clients - 1))
            at = _iso(start + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60)))
            # Every row has its short number (#12), as every row the app writes does.
            yield (WORKSPACE, USER, client_id, rng.choice(KINDS), f"note {i}: asked for another free revision", at, at, USER, "command", i + 1)

    conn.executemany(
        "INSERT INTO incidents (workspace, owner, client_id, kind, note, occurred_at, logged_at, logged_by, source, number)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return names


def raw_connection(path: Path) -> sqlite3.Connection:
    """The reference: a plain connection with the same pragmas the store uses."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def raw_insert(conn: sqlite3.Connection, client_id: int, note: str) -> None:
    now = _iso(datetime.now(timezone.utc))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO incidents (workspace, owner, client_id, kind, note, occurred_at, logged_at, logged_by, source)"
        " VALUES (?, ?, ?, 'late-payment', ?, ?, ?, ?, 'command')",
        (WORKSPACE, USER, client_id, note, now, now, USER),
    )
    conn.execute("COMMIT")


def raw_dossier(conn: sqlite3.Connection, name_key: str) -> int:
    client = conn.execute(
        "SELECT * FROM clients WHERE workspace = ? AND owner = ? AND name_key = ?", (WORKSPACE, USER, name_key)
    ).fetchone()
    incidents = conn.execute(
        "SELECT * FROM incidents WHERE workspace = ? AND owner = ? AND client_id = ? ORDER BY occurred_at, id",
        (WORKSPACE, USER, client[0]),
    ).fetchall()
    invoices = conn.execute(
        "SELECT i.*, coalesce((SELECT sum(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0)"
        " FROM invoices i WHERE workspace = ? AND owner = ? AND client_id = ?",
        (WORKSPACE, USER, client[0]),
    ).fetchall()
    return len(incidents) + len(invoices)


def run(quick: bool = False) -> list[Result]:
    from bot.core import Core
    from bot.events import Address, Command
    from storage.clients import name_key
    from storage.store import Store

    clients = 200 if quick else CLIENTS
    incidents = 20_000 if quick else INCIDENTS
    logs = 400 if quick else 4_000
    shows = 40 if quick else 300
    block = 50 if quick else 100
    with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        names = load(path, clients, incidents)
        load_s = time.perf_counter() - t0
        store = Store(path)
        core = Core(store)
        raw = raw_connection(path)
        me = Address("console", WORKSPACE, USER)
        big = names[0]
        rng = random.Random(1)

        # Warm both paths (catalogs, Babel data, page cache) before timing.
        for i in range(20):
            core.handle(Command(me, "incident", f'"{names[1]}" late-payment warm-up {i}'))
            raw_insert(raw, 2, f"warm-up {i}")
        core.handle(Command(me, "client", f'show "{big}"'))
        raw_dossier(raw, name_key(big))

        ours_log = base_log = 0.0
        done = 0
        while done < logs:
            for _ in range(block):
                cid = rng.randrange(1, len(names))
                text = f'"{names[cid]}" late-payment paid 40 days late, invoice {done}'
                t = time.perf_counter()
                replies = core.handle(Command(me, "incident", text))
                ours_log += time.perf_counter() - t
                assert not replies[0].is_error, replies[0].plain()
                t = time.perf_counter()
                raw_insert(raw, cid + 1, f"paid 40 days late, invoice {done}")
                base_log += time.perf_counter() - t
                done += 1

        ours_show = base_show = 0.0
        for _ in range(shows):
            t = time.perf_counter()
            replies = core.handle(Command(me, "client", f'show "{big}"'))
            ours_show += time.perf_counter() - t
            assert not replies[0].is_error, replies[0].plain()
            t = time.perf_counter()
            raw_dossier(raw, name_key(big))
            base_show += time.perf_counter() - t
        exports = max(5, shows // 10)
        ours_export = base_export = 0.0
        for _ in range(exports):
            t = time.perf_counter()
            replies = core.handle(Command(me, "client", f'export "{big}"'))
            ours_export += time.perf_counter() - t
            assert replies[0].files and not replies[0].is_error, replies[0].plain()
            t = time.perf_counter()
            raw_dossier(raw, name_key(big))
            base_export += time.perf_counter() - t
        count = store.incidents.count_for_client(store_owner(), 1)
        raw.close()
        store.close()

    scale = f"{len(names)} clients, {incidents:,} incidents stored (bulk load {load_s:.1f} s)"
    return [
        Result(
            "core throughput",
            "log an incident",
            ours_log / logs * 1e6,
            "µs",
            baseline=base_log / logs * 1e6,
            goal="≤ 3× raw insert",
            ok=ours_log / base_log <= 3.0,
            note=f"{scale}; {logs:,} interleaved: {logs / ours_log:,.0f} incidents/s through Core.handle "
            f"vs {logs / base_log:,.0f}/s raw INSERT+COMMIT",
        ),
        Result(
            "core throughput",
            f"/client show, {count:,} incidents",
            ours_show / shows * 1e3,
            "ms",
            baseline=base_show / shows * 1e3,
            goal="≤ 3× raw query",
            ok=ours_show / base_show <= 3.0,
            note=f"{shows} interleaved: {shows / ours_show:,.1f} dossiers/s through Core.handle "
            f"vs {shows / base_show:,.1f}/s raw SELECTs of the same rows",
        ),
        Result(
            "core throughput",
            f"/client export, {count:,} incidents",
            ours_export / exports * 1e3,
            "ms",
            baseline=base_export / exports * 1e3,
            goal="≤ 5× raw query",
            ok=ours_export / base_export <= 5.0,
            note=f"{exports} interleaved: the CSV and Markdown files through Core.handle vs raw SELECTs of the same rows",
        ),
    ]


def store_owner():
    from storage.records import Owner

    return Owner(WORKSPACE, USER)


if __name__ == "__main__":
    emit(run(quick_flag(sys.argv)))
