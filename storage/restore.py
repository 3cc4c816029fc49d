"""Putting a backup back in place of the live database, safely.

A backup moved over the database while a process has it open, or beside an
old `-wal` file, gives a malformed database at the next start. So a restore:

1. checks the backup first (an SQLite file, `PRAGMA integrity_check` ok, a
   Redflag schema no newer than this code knows);
2. makes sure no other process has the live database open: it must be able to
   leave WAL mode (SQLite allows that only to the sole connection) and no one
   may hold the shared-memory file's lock; then it holds an exclusive lock;
3. moves the current file, with its `-wal`/`-shm`, aside as `<name>.before-restore`;
4. copies the backup in under a temporary name and renames it into place.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from storage.db import is_postgresql, masked

#: Byte of the `-shm` file every connection in WAL mode holds a shared lock on (SQLite's "DMS" slot).
_SHM_DMS_BYTE = 128
_SIDECARS = ("-wal", "-shm", "-journal")


class RestoreRefused(Exception):
    """Why nothing was restored. `reason` is a stable code the CLI turns into a message."""

    def __init__(self, reason: str, path: str, **values: object) -> None:
        super().__init__(f"{reason}: {path}")
        self.reason = reason  # "missing_backup" | "not_a_database" | "damaged" | "not_redflag" | "newer" | "in_use" | "postgresql"
        self.path = path
        self.values = values


@dataclass(frozen=True)
class RestoreResult:
    path: str
    kept: str | None  # where the previous database now is (None when there was none)


def schema_versions(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute("SELECT component, version FROM schema_versions").fetchall()
    return {str(c): int(v) for c, v in rows}


def newer_components(found: dict[str, int], known: Sequence[tuple[str, Sequence]]) -> list[tuple[str, int, int]]:
    """(component, version in the file, version this code knows) for every part the code is too old for."""
    sizes = {name: len(migrations) for name, migrations in known}
    return [(c, v, sizes.get(c, 0)) for c, v in sorted(found.items()) if v > sizes.get(c, 0)]


def check_backup(path: Path, known: Sequence[tuple[str, Sequence]]) -> None:
    if not path.is_file():
        raise RestoreRefused("missing_backup", str(path))
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        raise RestoreRefused("not_a_database", str(path)) from None
    try:
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError:
            raise RestoreRefused("not_a_database", str(path)) from None
        if result != "ok":
            raise RestoreRefused("damaged", str(path))
        try:
            found = schema_versions(conn)
        except sqlite3.DatabaseError:
            raise RestoreRefused("not_redflag", str(path)) from None
        newer = newer_components(found, known)
        if newer:
            component, has, knows = newer[0]
            raise RestoreRefused("newer", str(path), component=component, found=has, known=knows)
    finally:
        conn.close()


def _shm_in_use(live: Path) -> bool:
    shm = live.with_name(live.name + "-shm")
    if not shm.exists():
        return False
    with open(shm, "rb+") as fh:
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(fh, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
    return False


def _lock_live(live: Path) -> sqlite3.Connection | None:
    """An exclusive hold on the live database, or RestoreRefused("in_use"). None for a file SQLite cannot read."""
    if _shm_in_use(live):
        raise RestoreRefused("in_use", str(live))
    conn = sqlite3.connect(live, isolation_level=None, timeout=0)
    try:
        conn.execute("PRAGMA busy_timeout=0")
        # Leaving WAL folds the -wal file in and is refused while another connection exists.
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise RestoreRefused("in_use", str(live))
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        return conn
    except sqlite3.OperationalError as err:
        conn.close()
        if "locked" in str(err) or "busy" in str(err):
            raise RestoreRefused("in_use", str(live)) from None
        return None  # e.g. "file is not a database": a damaged file is what restores are for
    except sqlite3.DatabaseError:
        conn.close()
        return None
    except BaseException:
        conn.close()
        raise


def _aside_name(live: Path) -> Path:
    kept = live.with_name(live.name + ".before-restore")
    if kept.exists():  # an earlier restore's file stays too
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = live.with_name(f"{live.name}.before-restore-{stamp}")
    return kept


def restore(backup_path: str | os.PathLike, db_path: str | os.PathLike, known: Sequence[tuple[str, Sequence]]) -> RestoreResult:
    """Restore `backup_path` as the database at `db_path`; see the module docstring for the steps."""
    if is_postgresql(db_path):
        raise RestoreRefused("postgresql", masked(str(db_path)), tool="pg_restore",  # PostgreSQL's own tool's job
                             example='pg_restore --clean --dbname="$REDFLAG_DATABASE_URL" redflag.dump')
    backup, live = Path(backup_path), Path(db_path)
    check_backup(backup, known)
    if live.exists() and os.path.samefile(backup, live):
        raise RestoreRefused("same_file", str(backup))
    live.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{live.name}.", suffix=".restore", dir=live.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    lock: sqlite3.Connection | None = None
    try:
        src = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        kept: Path | None = None
        if live.exists():
            lock = _lock_live(live)
            kept = _aside_name(live)
            os.replace(live, kept)
            for suffix in _SIDECARS:  # never leave an old -wal beside the restored file
                side = live.with_name(live.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
        os.replace(tmp, live)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if lock is not None:
            lock.close()
    return RestoreResult(path=str(live), kept=str(kept) if kept else None)
