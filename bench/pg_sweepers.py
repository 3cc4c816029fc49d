"""Reminder sweep on PostgreSQL: one `redflag nudges run` sweeper vs two at once.

A throwaway PostgreSQL 15 (`tests/pg_server.py`) holds, for each run, a fresh
database migrated by the real `Store` and then bulk-loaded with the rows
`bench/delivery.py` loads into SQLite: one overdue invoice per client, ten
clients per user, every user on Slack in their send window, the weekly
digest off. A fake Slack Web API in its own process answers every call in
50 ms. Each run times real `redflag nudges run --at <now>` processes (one,
or two started together) from start until every one has exited; the fake's
record must then hold exactly one DM per due reminder (distinct delivery
keys == DMs posted == due), and the database must have every reminder
delivered.

Goal (issue 16): two sweepers take <= 0.6x the time of one. Each sweeper
claims a batch of clients at a time (on PostgreSQL their rows locked
`FOR NO KEY UPDATE SKIP LOCKED`, so two sweepers take disjoint batches) and
delivers each batch as it commits, so the second sweeper shares the claiming
as well as the delivering. The runs are interleaved (one, two, one, two, ...)
so both see the same machine load; the figures are medians, and the ratio
and whether the goal was met are printed at the end.

    python -m bench.pg_sweepers               # 10 000 due, 2 runs of each
    python -m bench.pg_sweepers --repeat 3
    python -m bench.pg_sweepers --quick       # 300 due, 1 run of each
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

from bench._common import REPO, Result, emit, median, quick_flag
from bench.delivery import CLIENTS_PER_USER, CREATED, FAKE, LATENCY, TOKEN, SECRET, morning_zone

sys.path.insert(0, str(REPO / "tests"))
#: The due count of the run in progress, and the phases `Phases` saw in the last one (seconds from start).
PHASES: dict[str, float] = {"due": 0}


def seed(url: str, due: int) -> None:
    """The schema from the real store, then the same rows as `bench.delivery.build`, in one COPY-speed batch."""
    import psycopg

    from storage.store import Store

    Store(url).close()
    today = datetime.now(timezone.utc).date()
    overdue = (today - timedelta(days=9)).isoformat()
    issued = (today - timedelta(days=40)).isoformat()
    zone = morning_zone()
    users = [(f"U{u}",) for u in range(1, (due - 1) // CLIENTS_PER_USER + 2)]
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workspaces (id, platform, created_at) VALUES ('T1', 'slack', %s)", (CREATED,))
        with cur.copy("COPY users (workspace, \"user\", platform, language, timezone, send_hour, created_at) FROM STDIN") as cp:
            for (user,) in users:
                cp.write_row(("T1", user, "slack", "en", zone, 9, CREATED))
        with cur.copy("COPY alert_settings (workspace, owner, digest_day) FROM STDIN") as cp:
            for (user,) in users:
                cp.write_row(("T1", user, "off"))
        with cur.copy("COPY clients (id, workspace, owner, name, name_key, terms_days, currency, paused, created_at) FROM STDIN") as cp:
            for c in range(1, due + 1):
                cp.write_row((c, "T1", f"U{(c - 1) // CLIENTS_PER_USER + 1}", f"Client {c}", f"client {c}", 30, "EUR", 0, CREATED))
        with cur.copy("COPY invoices (id, workspace, owner, client_id, ref, ref_key, amount_minor, currency, issued_on, due_on,"
                      " status, snoozed_until, paid_on, next_nudge_on, created_at, updated_at) FROM STDIN") as cp:
            for c in range(1, due + 1):
                cp.write_row((c, "T1", f"U{(c - 1) // CLIENTS_PER_USER + 1}", c, f"R{c}", f"r{c}", 120_000, "EUR", issued,
                              overdue, "open", None, None, overdue, CREATED, CREATED))
        for table in ("clients", "invoices"):  # COPY with explicit ids leaves the sequences behind
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", (due,))
        conn.commit()


def delivered(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SELECT count(*) FROM nudge_messages WHERE status = 'delivered'").fetchone()[0]


class Phases:
    """Polls the database while the sweepers run: when the first DM was delivered (start-up and the first
    claimed batch are over: delivery starts with it) and when every reminder was claimed."""

    def __init__(self, url: str, due: int) -> None:
        import threading

        self.url, self.due = url.replace("postgresql+psycopg://", "postgresql://"), due
        self.first_delivered: float | None = None
        self.all_claimed: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def start(self) -> "Phases":
        self.started = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(0.25) and self.all_claimed is None:
                claimed, done = conn.execute("SELECT count(*), count(*) FILTER (WHERE status = 'delivered')"
                                             " FROM nudge_messages").fetchone()
                now = time.perf_counter() - self.started
                if self.all_claimed is None and claimed >= self.due:
                    self.all_claimed = now
                if done and self.first_delivered is None:
                    self.first_delivered = now


def sweep(url: str, fake_url: str, sweepers: int) -> float:
    """`sweepers` real `redflag nudges run` processes started together; seconds until the last one exits."""
    env = dict(os.environ, REDFLAG_DATABASE_URL=url, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
               SLACK_API_URL=fake_url, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("REDFLAG_DB", None)
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    cmd = [sys.executable, "-c", "import sys; from redflag.cli import main; sys.exit(main())", "nudges", "run", "--at", at]
    started = time.perf_counter()
    phases = Phases(url, PHASES["due"]).start()
    procs = [subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(sweepers)]
    errors = [p.communicate()[1] for p in procs]
    took = time.perf_counter() - started
    phases.stop()
    PHASES["first_delivered"], PHASES["all_claimed"] = phases.first_delivered or took, phases.all_claimed or took
    for p, err in zip(procs, errors):
        if p.returncode != 0:
            raise RuntimeError(f"sweeper exited {p.returncode}: {err.strip()[-800:]}")
    return took


def one_run(url: str, sweepers: int) -> tuple[float, dict]:
    """A fresh fake Slack (its record holds this run's DMs only), the sweep, and what the fake saw."""
    fake = subprocess.Popen([sys.executable, "-c", FAKE, str(REPO / "tests" / "slack"), str(LATENCY)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert fake.stdout is not None and fake.stdin is not None
    try:
        took = sweep(url, fake.stdout.readline().strip(), sweepers)
        fake.stdin.write("count\n")
        fake.stdin.flush()
        return took, json.loads(fake.stdout.readline())
    finally:
        fake.stdin.close()
        fake.wait(timeout=10)


def run(quick: bool = False, due: int | None = None, repeat: int | None = None) -> list[Result]:
    import pg_server

    due = due or (300 if quick else 10_000)
    repeat = repeat or (1 if quick else 2)
    server = pg_server.start()
    PHASES["due"] = due
    times: dict[int, list[float]] = {1: [], 2: []}
    claims: dict[int, list[float]] = {1: [], 2: []}
    in_flight: dict[int, int] = {1: 0, 2: 0}
    try:
        for n in range(repeat):
            for sweepers in (1, 2):
                name = server.create_database()
                url = server.url_for(name)
                seed(url, due)
                took, seen = one_run(url, sweepers)
                if seen["posted"] != due or delivered(url) != due:
                    raise RuntimeError(f"{sweepers} sweeper(s): {due} due, {seen['posted']} DMs at the fake, "
                                       f"{delivered(url)} delivered in the database")
                if seen["distinct"] != seen["posted"]:
                    raise RuntimeError(f"a DM was posted twice: {seen['posted']} posted, {seen['distinct']} distinct")
                in_flight[sweepers] = max(in_flight[sweepers], seen["max_in_flight"])
                times[sweepers].append(took)
                claims[sweepers].append(PHASES["first_delivered"])
                server.drop_database(name)
                print(f"run {n + 1}, {sweepers} sweeper(s): first DM delivered at {PHASES['first_delivered']:.1f} s "
                      f"(all claimed at {PHASES['all_claimed']:.1f} s); {due:,} delivered in {took:.1f} s "
                      f"(max in flight at Slack {seen['max_in_flight']})", file=sys.stderr)
    finally:
        server.stop()
    one, two = median(times[1]), median(times[2])
    c1, c2 = median(claims[1]), median(claims[2])
    each = lambda k: ", ".join(f"{t:.1f}" for t in times[k])  # noqa: E731
    ratios = ", ".join(f"{b / a:.2f}x" for a, b in zip(times[1], times[2]))
    print(f"two sweepers / one: {two / one:.2f}x (medians; per interleaved pair: {ratios}); goal <= 0.6x: "
          f"{'met' if two / one <= 0.6 else 'NOT met'}", file=sys.stderr)
    return [
        Result("pg sweepers", f"{due:,} due, one sweeper (PostgreSQL, Slack 50 ms)", one, "s",
               note=f"runs: {each(1)} s; wall time of `redflag nudges run` including start-up; first DM delivered "
                    f"(start-up and first batch claimed) at {c1:.1f} s; {due / one:.0f} DMs/s overall"),
        Result("pg sweepers", f"{due:,} due, two sweepers vs one", two, "s", baseline=one,
               goal="ratio <= 0.6", ok=two / one <= 0.6,
               note=f"runs: {each(2)} s (ratio per interleaved pair: {ratios}); first DM at {c2:.1f} s (each "
                    f"sweeper claims disjoint batches, SKIP LOCKED, and delivers each as it commits); at most "
                    f"{in_flight[2]} Slack calls in flight (one sweeper: {in_flight[1]}); every DM checked delivered "
                    f"exactly once in the fake's record"),
    ]


if __name__ == "__main__":
    # python -m bench.pg_sweepers [--quick] [DUE] [--repeat N]
    args = sys.argv[1:]
    rep = int(args[args.index("--repeat") + 1]) if "--repeat" in args else None
    sizes = [int(a) for i, a in enumerate(args) if a.isdigit() and (i == 0 or args[i - 1] != "--repeat")]
    emit(run(quick_flag(args), sizes[0] if sizes else None, rep))
