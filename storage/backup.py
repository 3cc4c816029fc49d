"""A consistent copy of the live database, taken while the bot keeps writing.

SQLite's online backup API copies the pages of one snapshot. The live file is
in WAL mode, so a reader never blocks the writer: we copy everything in a
single step (one read transaction, one snapshot) instead of page batches,
which would restart each time the bot commits and might never finish on a
busy database. The copy is written beside its destination under a temporary
name, checked with `PRAGMA integrity_check`, switched to a self-contained
rollback journal (no `-wal` file to carry around) and only then renamed into
place, so a crash never leaves a half-written backup under the real name.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from storage.db import is_postgresql, masked

#: Files SQLite keeps beside a live database; overwriting one corrupts it.
_SIDECARS = ("", "-wal", "-shm", "-journal")


class BackupRefused(Exception):
    """Why no backup was written. `reason` is a stable code the CLI turns into a message."""

    def __init__(self, reason: str, path: str, **values: object) -> None:
        super().__init__(f"{reason}: {path}")
        self.values = values
        self.reason = reason  # "live_database" | "missing_source" | "no_folder" | "not_a_database" | "postgresql"
        self.path = path


@dataclass(frozen=True)
class BackupResult:
    path: str
    size_bytes: int
    pages: int


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _target(source: Path, dest: Path) -> Path:
    """The file to write: `dest` itself, or a dated name inside it when it is a folder."""
    if dest.is_dir():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        dest = dest / f"{source.stem}-{stamp}{source.suffix or '.db'}"
    return dest


def _check_destination(source: Path, dest: Path) -> None:
    live = source.resolve()
    for suffix in _SIDECARS:
        sidecar = live.with_name(live.name + suffix)
        if dest.resolve() == sidecar or _same_file(dest, sidecar):
            raise BackupRefused("live_database", str(dest))
    if not dest.parent.is_dir():
        raise BackupRefused("no_folder", str(dest.parent))


def backup(db_path: str | os.PathLike, dest_path: str | os.PathLike) -> BackupResult:
    """Copy the database at `db_path` to `dest_path` (a file, or a folder for a dated file).

    Safe while another connection writes. Refuses to write over the live
    database or its `-wal`/`-shm` files, and never creates an empty database
    when the source does not exist.
    """
    if is_postgresql(db_path):
        raise BackupRefused("postgresql", masked(str(db_path)), tool="pg_dump",  # PostgreSQL's own tool's job
                            example='pg_dump --format=custom --file=redflag.dump "$REDFLAG_DATABASE_URL"')
    source = Path(db_path)
    if not source.is_file():
        raise BackupRefused("missing_source", str(source))
    dest = _target(source, Path(dest_path))
    _check_destination(source, dest)

    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # mode=ro: a mistyped path must never create a database, and the copy never writes the source.
        src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
        try:
            src.execute("PRAGMA busy_timeout=30000")
            try:
                src.execute("SELECT count(*) FROM sqlite_schema").fetchone()
            except sqlite3.DatabaseError as err:
                raise BackupRefused("not_a_database", str(source)) from err
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(dst)  # pages=-1: the whole snapshot in one step
                dst.execute("PRAGMA journal_mode=DELETE")
                result = dst.execute("PRAGMA integrity_check").fetchone()[0]
                if result != "ok":  # pragma: no cover - a failing disk, not a code path we can provoke
                    raise sqlite3.DatabaseError(f"backup failed its integrity check: {result}")
                pages = dst.execute("PRAGMA page_count").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BackupResult(path=str(dest), size_bytes=dest.stat().st_size, pages=pages)
