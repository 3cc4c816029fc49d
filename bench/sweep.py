"""The reminder sweep: its cost follows what is due, not what is stored.

Two databases hold the same 1 000 due invoices (1 000 clients of 100 users,
each client with 5 settled invoices of history) and differ only in how much
else is stored: 10 000 invoices in all, or 1 000 000 (other users' paid,
written-off and not-yet-due invoices). One full sweep (scan, claim, render,
deliver to a no-op notifier, mark delivered) runs on each, alternating
between the two so a busy machine slows both alike; the sweep state is
reset between runs and the median of each is kept (CPU time is shown too). The big database is built in
a temp dir with `executemany` in one transaction.

Goal: the sweep over 1 000 000 stored takes under 2× the sweep over 10 000.
Peak memory is the sweep's own Python allocations (tracemalloc) plus the
process's peak RSS.
"""
from __future__ import annotations

import asyncio
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Sequence

from bench._common import Result, emit, median, quick_flag

AT = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
TODAY = AT.date()
DUE = 1_000
DUE_USERS = 100
HISTORY = 5  # settled invoices per due client
FILLER_PER_USER = 100
FILLER_CLIENTS_PER_USER = 5
CREATED = "2026-01-01T00:00:00+00:00"


class NullNotifier:
    platform = "console"

    def __init__(self) -> None:
        self.sent = 0

    async def send_dm(self, recipient, replies: Sequence) -> None:  # type: ignore[no-untyped-def]
        self.sent += 1


def _d(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def build(path: Path, total: int) -> tuple[int, int]:
    """Create the schema with the real migrations, then bulk-load; returns the due invoice id range."""
    from storage.store import Store

    Store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO workspaces (id, platform, created_at) VALUES ('W', 'console', ?)", (CREATED,))
    users, clients, invoices, payments = [], [], [], []
    client_id = invoice_id = 0

    def invoice(cid: int, user: str, status: str, due: str, nxt: str | None, paid_on: str | None = None) -> int:
        nonlocal invoice_id
        invoice_id += 1
        ref = f"R{invoice_id}"
        invoices.append((invoice_id, "W", user, cid, ref, ref.casefold(), 120_000, "EUR", _d(-400), due, status,
                         None, paid_on, nxt, CREATED, CREATED))
        return invoice_id

    # The due set: identical in both databases.
    for u in range(DUE_USERS):
        user = f"D{u}"
        users.append(("W", user, "console", "en", "UTC" if u % 2 else "Europe/Amsterdam", 9, CREATED))
        for _ in range(DUE // DUE_USERS):
            client_id += 1
            clients.append((client_id, "W", user, f"Client {client_id}", f"client {client_id}", 30, "EUR", 0, CREATED))
            for h in range(HISTORY):
                due = _d(-300 + h * 30)
                iid = invoice(client_id, user, "paid", due, due, _d(-300 + h * 30 + 5 * h))
                payments.append(("W", user, iid, 120_000, "EUR", _d(-300 + h * 30 + 5 * h), CREATED))
    first_due = invoice_id + 1
    for c in range(1, client_id + 1):
        user = clients[c - 1][2]
        invoice(c, user, "open", _d(-7), _d(-7))
    last_due = invoice_id
    # Everything else: other users' paid, written-off and not-yet-due invoices.
    filler = total - invoice_id
    for f in range(max(filler, 0)):
        if f % FILLER_PER_USER == 0:
            user = f"F{f // FILLER_PER_USER}"
            users.append(("W", user, "console", "en", "UTC", 9, CREATED))
            base = client_id
            for k in range(FILLER_CLIENTS_PER_USER):
                client_id += 1
                clients.append((client_id, "W", user, f"Client {client_id}", f"client {client_id}", 30, "EUR", 0, CREATED))
        cid = base + 1 + f % FILLER_CLIENTS_PER_USER
        kind = f % 10
        if kind < 6:
            due = _d(-(f % 360) - 10)
            invoice(cid, user, "paid", due, due, due)
        elif kind == 6:
            due = _d(-(f % 360) - 10)
            invoice(cid, user, "written_off", due, due)
        elif kind == 7:
            invoice(cid, user, "open", _d(-200), None)  # ladder finished
        else:
            due = _d(5 + f % 300)
            invoice(cid, user, "open", due, due)  # not due yet
    conn.executemany(
        "INSERT INTO users (workspace, user, platform, language, timezone, send_hour, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", users
    )
    # Reminders alone: the weekly digest (which rides the same sweep, issue 21) is off for these users.
    conn.executemany("INSERT INTO alert_settings (workspace, owner, digest_day) VALUES (?, ?, 'off')",
                     [(u[0], u[1]) for u in users])
    conn.executemany(
        "INSERT INTO clients (id, workspace, owner, name, name_key, terms_days, currency, paused, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", clients
    )
    conn.executemany(
        "INSERT INTO invoices (id, workspace, owner, client_id, ref, ref_key, amount_minor, currency, issued_on, due_on,"
        " status, snoozed_until, paid_on, next_nudge_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        invoices,
    )
    conn.executemany(
        "INSERT INTO payments (workspace, owner, invoice_id, amount_minor, currency, paid_on, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        payments,
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return first_due, last_due


def reset(store, first_due: int, last_due: int) -> None:  # type: ignore[no-untyped-def]
    with store.database.transaction():
        store.database.execute("DELETE FROM nudge_ledger")
        store.database.execute("DELETE FROM nudge_messages")
        store.database.execute("UPDATE invoices SET next_nudge_on = due_on WHERE id BETWEEN ? AND ?", (first_due, last_due))


def sweep_once(store) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """One sweep; returns (wall seconds, CPU seconds of this process)."""
    from bot.nudges.sweep import run_sweep

    notifier = NullNotifier()
    wall, cpu = time.perf_counter(), time.process_time()
    report = asyncio.run(run_sweep(store, {"console": notifier}, AT))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if notifier.sent != DUE or report.claimed != DUE:
        raise RuntimeError(f"expected {DUE} DMs, sent {notifier.sent}, claimed {report.claimed}")
    return wall, cpu


class Case:
    """One database, built once, swept many times (state reset in between)."""

    def __init__(self, tmp: Path, total: int) -> None:
        from storage.store import Store

        self.path = tmp / f"sweep-{total}.db"
        start = time.perf_counter()
        self.first_due, self.last_due = build(self.path, total)
        self.build_seconds = time.perf_counter() - start
        self.store = Store(self.path)
        self.stored = self.store.database.one("SELECT count(*) AS n FROM invoices")["n"]
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def sweep(self) -> None:
        reset(self.store, self.first_due, self.last_due)
        wall, cpu = sweep_once(self.store)
        self.walls.append(wall)
        self.cpus.append(cpu)

    def peak_mib(self) -> float:
        reset(self.store, self.first_due, self.last_due)
        tracemalloc.start()
        sweep_once(self.store)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak / 2**20

    @property
    def size_mib(self) -> float:
        return self.path.stat().st_size / 2**20


def run(quick: bool = False) -> list[Result]:
    big_total = 100_000 if quick else 1_000_000
    repeats = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="redflag-bench-sweep-") as tmp:
        small, big = Case(Path(tmp), 10_000), Case(Path(tmp), big_total)
        small.sweep(), big.sweep()  # warm-up: imports, catalogs, page cache
        small.walls.clear(), small.cpus.clear(), big.walls.clear(), big.cpus.clear()
        for _ in range(repeats):  # alternate, so a busy machine slows both alike
            small.sweep()
            big.sweep()
        small_peak, big_peak = small.peak_mib(), big.peak_mib()
        small_size, big_size = small.size_mib, big.size_mib
        small.store.close()
        big.store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s_wall, b_wall = median(small.walls), median(big.walls)
    s_cpu, b_cpu = median(small.cpus), median(big.cpus)
    ratio = b_wall / s_wall
    print(f"sweep, {DUE:,} due among {small.stored:,} stored: {s_wall * 1e3:.0f} ms (CPU {s_cpu * 1e3:.0f} ms)")
    print(f"sweep, {DUE:,} due among {big.stored:,} stored: {b_wall * 1e3:.0f} ms (CPU {b_cpu * 1e3:.0f} ms)")
    print(f"ratio: {ratio:.2f} (CPU {b_cpu / s_cpu:.2f}; goal < 2)")
    print(f"peak memory of one sweep (tracemalloc): {small_peak:.1f} MiB / {big_peak:.1f} MiB; "
          f"process peak RSS {rss:.0f} MiB (includes building the big database)")
    return [
        Result("nudge sweep", f"{DUE:,} due, {small.stored:,} stored", s_wall * 1e3, "ms",
               note=f"CPU {s_cpu * 1e3:.0f} ms; database {small_size:.0f} MiB, built in {small.build_seconds:.1f} s"),
        Result("nudge sweep", f"{DUE:,} due, {big.stored:,} stored", b_wall * 1e3, "ms",
               baseline=s_wall * 1e3, goal="ratio < 2", ok=ratio < 2,
               note=f"median of {repeats} alternating sweeps each; CPU {b_cpu * 1e3:.0f} ms (ratio {b_cpu / s_cpu:.2f}); "
               f"database {big_size:.0f} MiB, built in {big.build_seconds:.1f} s"),
        Result("nudge sweep", f"peak memory, {big.stored:,} stored", big_peak, "MiB",
               baseline=small_peak, goal="ratio < 2", ok=big_peak < 2 * small_peak,
               note=f"Python allocations during one sweep (tracemalloc); process peak RSS {rss:.0f} MiB"),
    ]


if __name__ == "__main__":
    emit(run(quick_flag(sys.argv)))
