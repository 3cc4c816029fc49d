"""Whether the database file can be used at all, said in one clear sentence instead of a traceback.

Three states stop Redflag at start: a schema newer than this code (a newer
version wrote it: running would misread it), a file that is not an SQLite
database or is truncated (restore a backup), and a full disk. A full disk
during a command is told to the user the same way and logged in one line.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from storage.query import statements

if TYPE_CHECKING:
    from storage.db import Database


_q = statements("storage.sql.db")


class StoreUnusable(Exception):
    """The database cannot be used; `reason` is a stable code the CLI turns into a message."""

    def __init__(self, reason: str, path: str, **values: object) -> None:
        super().__init__(f"{reason}: {path} {values or ''}".strip())
        self.reason = reason  # "newer" | "damaged" | "disk_full" | "older" | "revision_newer" (storage/migrations.py)
        self.path = path
        self.values = values


def is_disk_full(err: BaseException) -> bool:
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or "database or disk is full" in str(err)
    return isinstance(err, OSError) and err.errno == 28  # ENOSPC


def check_versions(db: "Database", path: str, components: Sequence[tuple[str, Sequence]]) -> None:
    """Refuse a database whose schema is newer than this code knows, naming both versions."""
    if not db.one(db.dialect.has_table(), ("schema_versions",)):
        return
    known = {name: len(migrations) for name, migrations in components}
    for component, version in db.rows(_q.ALL):
        if component in known and int(version) > known[component]:
            raise StoreUnusable("newer", path, component=component, found=int(version), known=known[component])


def check_size(conn: sqlite3.Connection, path: str) -> None:
    """A file shorter than the pages its header counts was cut off (a copy stopped half-way)."""
    if path == ":memory:":
        return
    wal = Path(path + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return  # recent pages may live in the WAL
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    if os.path.getsize(path) < pages * size:
        raise StoreUnusable("damaged", path)


def _no_space(path: str) -> bool:
    try:
        stats = os.statvfs(Path(path).resolve().parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def unusable(err: sqlite3.Error, path: str) -> StoreUnusable:
    """The clear reason for an SQLite error met while opening the file."""
    # On a full disk SQLite may fail to grow its -shm file first ("disk I/O error"), not SQLITE_FULL.
    if is_disk_full(err) or (isinstance(err, sqlite3.OperationalError) and _no_space(path)):
        return StoreUnusable("disk_full", path)
    if isinstance(err, sqlite3.OperationalError) and ("locked" in str(err) or "unable to open" in str(err)):
        raise err  # not damage: let the caller say what it is
    return StoreUnusable("damaged", path)
