"""What the hardening tests share: a snapshot of every table, and the internal-error text to watch for."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bot.i18n import LANGUAGES, messages
from bot.replies import Reply


def snapshot(path: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read on a fresh connection (so it sees only what was committed)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def changed_tables(before: dict, after: dict) -> list[str]:
    return [t for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]


def internal_error_texts() -> set[str]:
    """The 'something went wrong on our side' sentence in every language: a reply that must never appear."""
    return {messages(lang)("error.internal") for lang in LANGUAGES}


def assert_answered(replies: list[Reply]) -> None:
    """A command always answers with something a person can read, and never with the internal error."""
    assert replies, "no reply at all"
    bad = internal_error_texts()
    for r in replies:
        assert r.text not in bad, "the core hit an unhandled exception"
        assert r.plain().strip() or r.form is not None or r.files, f"an empty reply: {r!r}"


def is_error(replies: list[Reply]) -> bool:
    return any(r.is_error for r in replies)
