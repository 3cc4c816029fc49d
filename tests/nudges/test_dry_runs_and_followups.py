"""Dry runs write nothing, a future --at is confirmed or refused, and follow-ups land at the send hour."""
from __future__ import annotations

import asyncio
import os
import pty
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.nudges.cli import preview
from storage.records import Owner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogue"))
from dlg_helpers import choice, walk  # noqa: E402

REDFLAG = Path(sys.executable).with_name("redflag")
FUTURE = "2099-01-15T10:00:00+00:00"


def child_env(store_url: str) -> dict[str, str]:
    """The operator's shell: the test's database (a SQLite path or a PostgreSQL URL), no chat tokens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    env["REDFLAG_DATABASE_URL" if "://" in store_url else "REDFLAG_DB"] = store_url
    env["LC_ALL"] = "en_US.UTF-8"  # the operator's language: English here
    return env


async def run(store_url: str, *args: str, stdin=asyncio.subprocess.DEVNULL) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    proc = await asyncio.create_subprocess_exec(str(REDFLAG), "nudges", *args, env=child_env(store_url), stdin=stdin,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


def counts(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    q = store.database.one
    return {t: q(f"SELECT count(*) AS n FROM {t}")["n"] for t in ("nudge_ledger", "nudge_messages", "incidents")}


async def test_dry_run_renders_every_dm_and_writes_nothing(books, store, store_url, engine, db_path):
    books.user()
    books.client()
    books.invoice("INV-1", due="2026-10-01")
    before = counts(store)
    mtime = db_path.stat().st_mtime_ns if engine == "sqlite" else None
    code, out, err = await run(store_url, "run", "--at", FUTURE, "--dry-run")
    assert code == 0, err
    assert "nothing is sent and nothing is written" in out
    assert "INV-1" in out and "Acme" in out  # the DM itself, as it would read
    assert "escalate" in out.lower() or "fire" in out.lower()  # 2099: the highest stage, once
    assert counts(store) == before
    if engine == "sqlite":
        assert db_path.stat().st_mtime_ns == mtime  # not even a no-op write


async def test_a_future_at_without_a_terminal_is_refused_and_says_why(books, store, store_url):
    books.user()
    books.client()
    books.invoice("INV-1", due="2026-10-01")
    before = counts(store)
    code, out, err = await run(store_url, "run", "--at", FUTURE)
    assert code == 2 and "later than now" in err and "--dry-run" in err and "--yes" in err
    assert counts(store) == before
    code, out, err = await run(store_url, "run", "--at", FUTURE, "--yes")
    assert code == 0 and "INV-1" in out
    assert counts(store)["nudge_messages"] == 1


async def test_a_future_at_on_a_terminal_asks_first(books, store, store_url):
    books.user()
    books.client()
    books.invoice("INV-1", due="2026-10-01")
    for answer, sent in ((b"no\n", 0), (b"yes\n", 1)):
        master, slave = pty.openpty()
        try:
            os.write(master, answer)
            code, out, err = await run(store_url, "run", "--at", FUTURE, stdin=slave)
        finally:
            os.close(slave)
            os.close(master)
        assert counts(store)["nudge_messages"] == sent, (out, err)
        assert code == (0 if sent else 2)
        if not sent:
            assert "Nothing was sent" in err


async def test_preview_at_a_moment_lists_the_stage_and_writes_nothing(books, store, store_url):
    books.user()
    books.client()
    books.invoice("INV-1", due="2026-11-01")
    before = counts(store)
    text = preview(store, datetime(2026, 11, 15, 9, 30, tzinfo=timezone.utc))
    assert "INV-1" in text and "firm" in text.lower()
    code, out, _ = await run(store_url, "preview", "--at", "2026-11-08T09:30:00+00:00")
    assert code == 0 and "INV-1" in out and "friendly" in out.lower()
    assert counts(store) == before


async def test_follow_up_lands_at_the_send_hour_in_the_users_zone_and_shows_in_preview(say, click, store, clock, books):
    books.user(tz="America/New_York", hour=8)
    say("/client add Acme")
    clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc))  # 18:30 in New York
    replies, _ = walk(store, click, say("/fire Acme"), {"style-mismatch": "often"})
    click(choice(replies, "remind").id)
    [f] = store.followups.for_owner(Owner("W1", "U1"))
    # three local days on (25 Nov in New York -> 28 Nov), at 08:00 there: 13:00 UTC
    assert f.due_at == datetime(2026, 11, 28, 13, 0, tzinfo=timezone.utc)
    text = preview(store, clock.now)
    assert "2026-11-28T08:00:00-05:00" in text and "decide about Acme" in text
