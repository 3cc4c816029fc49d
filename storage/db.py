"""Opening the SQLite file: WAL, busy timeout, explicit transactions, migrations.

Each storage component (core, dialogue, nudges, slack, ...) keeps its own
ordered list of migrations and its own version row in `schema_versions`, so
features can add tables without renumbering each other's steps.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

if TYPE_CHECKING:
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_iso(dt: datetime) -> str:
    """UTC, second precision, with offset: sortable as text."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text)


class Database:
    """One connection in autocommit mode; `transaction()` opens BEGIN IMMEDIATE.

    Writes go through `transaction()` so a read-check-write sequence is atomic
    even with a second process (the console beside the bot) on the same file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        self.conn = conn
        self._db: "sqlite_utils.Database | None" = None
        self._lock = threading.RLock()
        self._depth = 0  # savepoints open inside the current transaction

    @property
    def db(self) -> "sqlite_utils.Database":
        """sqlite-utils over the same connection, imported on first use: start-up stays fast."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; inside another transaction a SAVEPOINT, so a failed inner
        step undoes only its own writes (the request's outer transaction, issue 20, commits the rest)."""
        with self._lock:
            if self.conn.in_transaction:
                self._depth += 1
                name = f"sp{self._depth}"
                self.conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self.conn
                except BaseException:
                    if self.conn.in_transaction:  # SQLite may have rolled back all of it (a full disk)
                        try:
                            self.conn.execute(f"ROLLBACK TO {name}")
                            self.conn.execute(f"RELEASE {name}")
                        except sqlite3.Error:
                            pass
                    raise
                else:
                    self.conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    if self.conn.in_transaction:  # e.g. the disk filled at commit: leave no half transaction
                        self.conn.execute("ROLLBACK")
                    raise

    def query(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        with self._lock:
            cur = self.conn.execute(sql, params)
            cols = [c[0] for c in cur.description] if cur.description else []
            return [dict(zip(cols, row)) for row in cur.fetchall()]

    def rows(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        """Plain tuples in the SELECT's column order: for long lists, where a dict per row shows."""
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence | dict = ()) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Sequence | dict = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.execute(sql, params)

    def migrate(self, component: str, migrations: Sequence[Migration]) -> None:
        """Run the component's migrations past its recorded version."""
        with self.transaction():
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
        row = self.one("SELECT version FROM schema_versions WHERE component = ?", (component,))
        current = row["version"] if row else 0
        for number, migration in enumerate(migrations, start=1):
            if number <= current:
                continue
            # sqlite-utils commits its own DDL, so a migration runs outside our
            # transaction and must be idempotent (`if_not_exists=True`): two
            # processes starting together may both run it.
            with self._lock:
                migration(self.db)
            with self.transaction():
                self.conn.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?) "
                    "ON CONFLICT(component) DO UPDATE SET version = max(version, excluded.version)",
                    (component, number),
                )

    def copy_to(self, path: str | Path) -> None:
        """A snapshot of the whole database in a new file (a dry run's throw-away copy)."""
        target = sqlite3.connect(str(path))
        try:
            with self._lock:
                self.conn.backup(target)
        finally:
            target.close()

    def close(self) -> None:
        self.conn.close()
