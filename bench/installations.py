"""OAuth installation look-up: the store Bolt asks on every request, beside the raw query.

A SQLite file holds 200 workspaces' installations (written by slack-sdk's
SQLite3 store, as the previous release did; ours converts the file to
slack-sdk's SQLAlchemy tables on open, issue 16). Timed: `async_find_bot`
for a workspace, as Bolt's authorize step calls it on every request (a bot
found is kept for a few seconds, cleared by any write), against the same
SELECT on an open sqlite3 connection. The stock slack-sdk SQLite3 store is
shown in the note (a new connection per look-up, run on the loop), on a copy
of the file as it was.

Goal (issue 20): <= 5x the raw query.
"""
from __future__ import annotations

import asyncio
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench._common import Result, emit, median, quick_flag

TEAMS = [f"T{i:05d}" for i in range(200)]
RAW = (
    "SELECT bot_token, bot_id, bot_user_id, bot_scopes, installed_at FROM slack_bots"
    " WHERE client_id = ? AND enterprise_id IS NULL AND team_id = ? ORDER BY installed_at DESC LIMIT 1"
)


def _seed(path: str) -> None:
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore

    store = SQLite3InstallationStore(database=path, client_id="C1")
    store.init()
    for team in TEAMS:
        store.save(Installation(app_id="A1", team_id=team, user_id="U1", bot_token=f"xoxb-{team}", bot_id="B1", bot_user_id="UB", bot_scopes="commands"))


async def _time_store(store, n: int) -> list[float]:
    out = []
    for i in range(n):
        team = TEAMS[i % len(TEAMS)]
        start = time.perf_counter()
        bot = await store.async_find_bot(enterprise_id=None, team_id=team)
        out.append(time.perf_counter() - start)
        assert bot is not None and bot.bot_token == f"xoxb-{team}"
    return out


async def _time_misses(store, n: int) -> list[float]:
    """A look-up that finds nothing kept (first request of a workspace, or after the TTL): the thread and the query."""
    out = []
    for i in range(n):
        store._forget()
        start = time.perf_counter()
        await store.async_find_bot(enterprise_id=None, team_id=TEAMS[i % len(TEAMS)])
        out.append(time.perf_counter() - start)
    return out


def _time_raw(path: str, n: int) -> list[float]:
    conn = sqlite3.connect(path)
    out = []
    for i in range(n):
        team = TEAMS[i % len(TEAMS)]
        start = time.perf_counter()
        row = conn.execute(RAW, ("C1", team)).fetchone()
        out.append(time.perf_counter() - start)
        assert row is not None
    conn.close()
    return out


def run(quick: bool = False) -> list[Result]:
    from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore

    from adapters.slack.installations import BOT_TTL, SharedInstallationStore, open_engine

    n = 500 if quick else 3_000
    with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
        path, before = str(Path(tmp) / "oauth.db"), str(Path(tmp) / "stock.db")
        _seed(path)
        shutil.copyfile(path, before)
        ours = SharedInstallationStore(client_id="C1", engine=open_engine(path))
        stock = SQLite3InstallationStore(database=before, client_id="C1")
        ours_t, stock_t, raw_t = [], [], []
        for _ in range(3):  # interleaved rounds
            ours_t += asyncio.run(_time_store(ours, n))
            stock_t += asyncio.run(_time_store(stock, n))
            raw_t += _time_raw(path, n)
        miss_t = asyncio.run(_time_misses(ours, n))
        ours.close()
    m_ours, m_stock, m_raw = (median(v) * 1e6 for v in (ours_t, stock_t, raw_t))
    m_miss = median(miss_t) * 1e6
    return [
        Result(
            "Installations",
            "OAuth installation look-up (async_find_bot), median",
            m_ours,
            "µs",
            baseline=m_raw,
            goal="≤ 5× raw query",
            ok=m_ours / m_raw <= 5,
            note=(
                f"{len(ours_t)} look-ups over {len(TEAMS)} workspaces; reference: the same SELECT on an open sqlite3 connection; "
                f"the stock slack-sdk store (new connection per look-up, on the loop): {m_stock:.0f} µs = {m_stock / m_raw:.0f}× raw; "
                f"a look-up with nothing kept (first of a workspace, or past the {BOT_TTL:.0f} s TTL) goes to the store's own thread "
                f"and reused connection: {m_miss:.0f} µs = {m_miss / m_raw:.1f}× raw, the event loop free meanwhile"
            ),
        )
    ]


if __name__ == "__main__":
    emit(run(quick_flag(sys.argv)))
