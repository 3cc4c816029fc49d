"""Opening the database: SQLite (the embedded default) on the driver's own connection, PostgreSQL over an Engine.

SQLite keeps what the file needs: WAL, a busy timeout, foreign keys, and
`BEGIN IMMEDIATE` for every writing transaction (the driver's own transaction
handling off, as in SQLAlchemy's pysqlite recipe; `transaction()` says BEGIN
IMMEDIATE, SAVEPOINT and COMMIT to the connection itself), one connection in
autocommit for reads between transactions. It is opened by `sqlite3`, not by
an Engine: a serving SQLite store never imports SQLAlchemy (issue 20,
start-up; `storage/query.py`). What wants an Engine on SQLite (slack-sdk's
stores, Alembic) gets one over the same connection (`Database.engine`), whose
`begin` event says BEGIN IMMEDIATE too.
PostgreSQL (`postgresql+psycopg://…`) uses the engine's pool:
a transaction holds one pooled connection for its thread until it ends;
a read outside one borrows a connection in autocommit. On both, a nested
`transaction()` is a SAVEPOINT (on SQLite not for a block of one write:
`one_write`).

Statements are SQLAlchemy Core expressions written once on the tables of
`storage/schema.py` (`storage/sql/`), named by the repositories (`storage/query.py`) and
compiled once per engine (`storage/statements.py`; ahead of time for SQLite);
no storage module passes SQL text any more: only the engine layer's own
(advisory locks, catalogue look-ups, `storage/dialect.py`) is text.
Errors reach callers as the driver's own exceptions (`sqlite3.Error`,
`psycopg.Error`), as before.

Each storage component (core, dialogue, nudges, slack, ...) keeps its own
ordered list of migrations and its own version row in `schema_versions`, so
features can add tables without renumbering each other's steps. On SQLite
they run through sqlite-utils and upgrade an existing file in place; on
PostgreSQL the schema is made from `storage/schema.py` and every component
is recorded at its latest version (see `migrate_postgresql`).
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence, Union

from storage.dialect import Dialect
from storage.query import statements

if TYPE_CHECKING:
    import sqlite_utils
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.sql.elements import ClauseElement

    from storage.query import Named
    from storage.statements import Statement

    from storage.checkpoints import Checkpointer

Migration = Callable[["sqlite_utils.Database"], None]
#: A statement: a Core `Statement` (values by name), an ad-hoc Core expression, or the engine layer's SQL text.
SQL = Union["Named", "Statement", "ClauseElement", str]
#: Its values: a mapping of bind names for Core, a sequence (or a mapping) for SQL text.
Params = Union[Sequence, Mapping[str, Any]]
POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


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


def is_postgresql(target: str | Path) -> bool:
    return str(target).lower().startswith(POSTGRES_PREFIXES)


def masked(url: str) -> str:
    """A database URL fit to print: the password as *** (SQLAlchemy's own rendering)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy reads: show nothing of it
        return "(database URL)"


def engine_url(target: str) -> str:
    """`postgres://` and `postgresql://` run on psycopg 3 (SQLAlchemy would pick psycopg2)."""
    scheme, _, rest = target.partition("://")
    return "postgresql+psycopg://" + rest if scheme.lower() in ("postgresql", "postgres") else target


@dataclass
class Cursor:
    """What a statement left behind, read before its connection went back: rows, rowcount, lastrowid."""

    rowcount: int
    lastrowid: int | None
    _rows: list[tuple] = field(default_factory=list)

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple]:
        return self._rows


def _sqlite_connect(path: str) -> sqlite3.Connection:
    """The store's one SQLite connection, opened by the driver itself: no Engine, no SQLAlchemy (start-up)."""
    conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
    conn.isolation_level = None  # SQLAlchemy's pysqlite recipe: the driver's own BEGIN handling off
    try:
        # The busy timeout first: switching a new file to WAL takes a lock another process may hold.
        for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
    except BaseException:
        conn.close()
        raise
    return conn


def _sqlite_engine(conn: sqlite3.Connection) -> "Engine":
    """An Engine over the store's one connection, for what wants one on SQLite (slack-sdk's stores, tests)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)

    @event.listens_for(engine, "begin")
    def _begin(connection: "Connection") -> None:
        # The write lock up front (no upgrade deadlock mid-transaction), said to the DBAPI connection directly.
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

    return engine


@contextmanager
def opening(path: str | Path) -> Iterator[None]:
    """One process at a time through opening and migrating a SQLite file.

    Switching a new file to WAL takes a lock SQLite does not wait for, and
    sqlite-utils commits its own DDL, so a migration cannot sit inside our
    transaction: two processes opening a new file together (two workers, a
    sweep beside the bot) would fail to switch it or add the same column
    twice. A lock file beside the database makes the second wait and then
    find the versions current. PostgreSQL has its own (an advisory lock).
    """
    target = str(path)
    if target == ":memory:" or is_postgresql(target):
        yield
        return
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    release = lock_beside(target, "open-lock")
    try:
        yield
    finally:
        release()


def lock_beside(database: str, name: str) -> Callable[[], None]:
    """Wait for an exclusive lock on the file `<database>.<name>`, across processes; returns its release.

    For what SQLite's own locks cannot hold: a schema step outside a transaction,
    or a wait across a network call that must not block every other write.
    """
    import fcntl
    import os

    fd = os.open(f"{database}.{name}", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return lambda: os.close(fd)  # closing the descriptor releases the lock


class Database:
    """The store's one connection point; `transaction()` opens a writing transaction.

    Writes go through `transaction()` so a read-check-write sequence is atomic
    even with a second process (the console beside the bot) on the same file.
    """

    def __init__(self, path: str | Path, pool_size: int = 5) -> None:
        target = str(path)
        self._local = threading.local()
        self._lock = threading.RLock()
        self._db: "sqlite_utils.Database | None" = None
        self._writing = False  # SQLite: inside transaction(), on the one connection
        self._depth = 0  # SQLite: savepoints open inside it
        self._checkpointer: "Checkpointer | None" = None
        self._engine: "Engine | None" = None
        if is_postgresql(target):
            from sqlalchemy import create_engine

            self.path = masked(target)  # for messages; the password stays in the engine only
            self._engine = create_engine(engine_url(target), pool_size=pool_size, max_overflow=10, pool_pre_ping=True)
            self.dialect = Dialect("postgresql")
            self._raw: sqlite3.Connection | None = None
            return
        if target.startswith("sqlite:///"):
            target = target[len("sqlite:///"):]
        self.path = target
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.dialect = Dialect("sqlite")
        self._raw = _sqlite_connect(self.path)

    @property
    def engine(self) -> "Engine":
        """PostgreSQL: the pool every statement runs on. SQLite: an Engine over the one connection, made on first
        use by what needs one (slack-sdk's stores, Alembic's checks); the store's own statements never do."""
        if self._engine is None:
            assert self._raw is not None
            self._engine = _sqlite_engine(self._raw)
        return self._engine

    # -- connections ----------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        """The raw SQLite connection (health checks, sqlite-utils, backups); SQLite only."""
        if self._raw is None:
            raise RuntimeError("a PostgreSQL store has no single SQLite connection")
        return self._raw

    @property
    def db(self) -> "sqlite_utils.Database":
        """sqlite-utils over the same connection, imported on first use: start-up stays fast."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    @contextmanager
    def _connection(self) -> Iterator["Connection"]:
        """PostgreSQL: the connection a statement runs on: the thread's transaction's, or a pooled one in autocommit."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def transaction(self, *, one_write: bool = False) -> Iterator[Any]:
        """BEGIN (IMMEDIATE on SQLite) ... COMMIT; inside another transaction a SAVEPOINT, so a failed inner
        step undoes only its own writes (the request's outer transaction, issue 20, commits the rest).

        `one_write`: the block writes with one statement at most (reads beside it are fine). Inside another
        transaction on SQLite it then opens no SAVEPOINT: a statement that fails undoes only itself, so
        there is nothing more for one to undo (issue 20: `/incident`'s INSERT, two statements fewer).
        PostgreSQL keeps it: a failed statement there spoils the whole transaction unless one is open.
        """
        if self._raw is not None:
            with self._lock:
                if one_write and self._writing:
                    yield self._raw
                    return
                yield from self._sqlite_transaction(self._raw)
            return
        current = getattr(self._local, "conn", None)
        if current is not None:
            with _driver_errors():
                savepoint = current.begin_nested()
            try:
                yield current
            except BaseException:
                savepoint.rollback()
                raise
            with _driver_errors():
                savepoint.commit()
            return
        with self.engine.connect() as conn:
            self._local.conn = conn
            try:
                with _driver_errors():
                    tx = conn.begin()
                try:
                    yield conn
                except BaseException:
                    tx.rollback()
                    raise
                with _driver_errors():
                    tx.commit()
            finally:
                self._local.conn = None

    def _sqlite_transaction(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE, SAVEPOINT, RELEASE, COMMIT and ROLLBACK are said to the DBAPI connection itself,
        # as every statement is: SQLAlchemy's Transaction objects cost the request path (issue 20) ~9 % of
        # the loop's time, and nothing on SQLite runs SQL through SQLAlchemy's Connection. The write lock is
        # taken up front (BEGIN IMMEDIATE: no upgrade deadlock mid-transaction), as the engine's `begin`
        # event does for anything that does use the Connection.
        raw = self.conn
        if self._writing:
            self._depth += 1
            name = f"sp{self._depth}"
            raw.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                if raw.in_transaction:  # SQLite may have rolled back all of it (a full disk)
                    try:
                        raw.execute(f"ROLLBACK TO {name}")
                        raw.execute(f"RELEASE {name}")
                    except sqlite3.Error:
                        pass
                raise
            else:
                raw.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        raw.execute("BEGIN IMMEDIATE")
        self._writing = True
        try:
            try:
                yield conn
            except BaseException:
                _rollback(raw)
                raise
            try:
                raw.execute("COMMIT")
            except BaseException:
                _rollback(raw)  # e.g. the disk filled at commit: leave no half transaction
                raise
        finally:
            self._writing = False

    # -- statements -----------------------------------------------------------
    # A statement is a named one (storage/query.py: compiled once per engine, ahead of time on SQLite,
    # values by name) or, for the engine layer's own statements (locks, catalogue look-ups, DDL), SQL text with
    # `?` marks (storage/dialect.py turns it into psycopg's style). On SQLite it goes straight to the engine's
    # one DBAPI connection: SQLAlchemy's result wrapping would cost the inline request path (issue 20)
    # about a millisecond per `/incident` (bench/slack_roundtrip.py); its transactions are said to it
    # directly too (`_sqlite_transaction`). On
    # PostgreSQL statements run through the Connection (`exec_driver_sql`), in the driver's style.
    def _driver(self, sql: SQL, params: Params) -> tuple[str, Any]:
        """The driver's SQL and values for a statement (compiled once per engine) or for SQL text."""
        if isinstance(sql, str):
            if self._raw is not None:
                return sql, params
            return self.dialect.driver_sql(sql), tuple(params) if isinstance(params, list) else params
        if hasattr(sql, "compiled"):  # a named statement (storage/query.py) or a Core `Statement`
            compiled = sql.compiled(self.dialect.name)  # type: ignore[union-attr]
            return compiled.sql, compiled.args(params or {})  # type: ignore[arg-type]
        from storage.statements import compile_for  # an ad-hoc Core expression: compiled on every call

        compiled = compile_for(sql, self.dialect.name)  # type: ignore[arg-type]
        return compiled.sql, compiled.args(params or {})  # type: ignore[arg-type]

    def query(self, sql: SQL, params: Params = ()) -> list[dict]:
        text, values = self._driver(sql, params)
        if self._raw is not None:
            with self._lock:
                cur = self._raw.execute(text, values)
                cols = [c[0] for c in cur.description] if cur.description else []
                return [dict(zip(cols, row)) for row in cur.fetchall()]
        with self._connection() as conn:
            result = self._run(conn, text, values)
            if not result.returns_rows:
                return []
            cols = list(result.keys())
            return [dict(zip(cols, row)) for row in result.fetchall()]

    def rows(self, sql: SQL, params: Params = ()) -> list[tuple]:
        """Plain tuples in the SELECT's column order: for long lists, where a dict per row shows."""
        text, values = self._driver(sql, params)
        if self._raw is not None:
            with self._lock:
                return self._raw.execute(text, values).fetchall()
        with self._connection() as conn:
            return [tuple(r) for r in self._run(conn, text, values).fetchall()]

    def one(self, sql: SQL, params: Params = ()) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: SQL, params: Params = ()) -> Cursor:
        text, values = self._driver(sql, params)
        if self._raw is not None:
            with self._lock:
                cur = self._raw.execute(text, values)
                return Cursor(cur.rowcount, cur.lastrowid, cur.fetchall() if cur.description else [])
        with self._connection() as conn:
            result = self._run(conn, text, values)
            return Cursor(result.rowcount, None, [tuple(r) for r in result.fetchall()] if result.returns_rows else [])

    def _run(self, conn: "Connection", sql: str, params: Any) -> Any:
        """PostgreSQL: driver SQL (already in psycopg's style) on the connection."""
        with _driver_errors():
            return conn.exec_driver_sql(sql, params)

    def lock(self, *key: str) -> None:
        """Serialise one read-check-write (a counter, a token refresh) across connections, inside `transaction()`.

        PostgreSQL's READ COMMITTED lets two transactions read the same max(); an advisory lock on the
        key makes the second wait for the first's commit. SQLite's BEGIN IMMEDIATE already does.
        """
        sql = self.dialect.lock_sql()
        if sql is not None:
            self.execute(sql, ("\x1f".join(key),))

    # -- schema ---------------------------------------------------------------
    def migrate(self, component: str, migrations: Sequence[Migration]) -> None:
        """Run the component's migrations past its recorded version (SQLite; see `migrate_postgresql`)."""
        with self.transaction():
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
        row = self.one(_q.VERSION, {"component": component})
        current = row["version"] if row else 0
        for number, migration in enumerate(migrations, start=1):
            if number <= current:
                continue
            # sqlite-utils commits its own DDL, so a migration runs outside our
            # transaction and must be idempotent (`if_not_exists=True`): two
            # processes starting together may both run it.
            with self._lock:
                migration(self.db)
            self.record_version(component, number)

    def record_version(self, component: str, number: int) -> None:
        with self.transaction():
            self.execute(_q.RECORD_VERSION, {"component": component, "version": number})

    def migrate_postgresql(self, components: Sequence[tuple[str, Sequence]]) -> None:
        """PostgreSQL: the schema from `storage/schema.py` (`storage/pg_schema.py`), each component at its latest
        version; under an advisory lock, so two workers starting together do not race."""
        from storage import pg_schema

        with self.transaction() as conn:
            self.lock("redflag-schema")
            pg_schema.create_tables(conn)
            for component, migrations in components:
                self.execute(_q.FIRST_VERSION, {"component": component, "version": len(migrations)})

    def copy_to(self, path: str | Path) -> None:
        """A snapshot of the whole database in a new SQLite file (a dry run's throw-away copy).

        SQLite: the backup API. PostgreSQL: the tables of `storage/schema.py` made in the file
        and every row copied into them in one repeatable-read snapshot, versions included, so
        `Store(path)` opens the copy as it would a file the migrations made.
        """
        if self._raw is None:
            from storage import pg_schema

            pg_schema.copy_to_sqlite(self, str(path))
            return
        target = sqlite3.connect(str(path))
        try:
            with self._lock:
                self.conn.backup(target)
        finally:
            target.close()

    def checkpoint_in_background(self) -> None:
        """SQLite: WAL checkpoints on a thread of their own from now until `close` (`storage/checkpoints.py`),
        not at a commit on the request path. For a serving process; PostgreSQL has none to move."""
        if self._raw is None or self.path == ":memory:" or self._checkpointer is not None:
            return
        from storage.checkpoints import Checkpointer

        self._checkpointer = Checkpointer(self.path, self._raw, lambda: self._lock)

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._engine is not None:
            self._engine.dispose()
        if self._raw is not None:
            try:
                self._raw.close()
            except sqlite3.Error:
                pass


_q = statements("storage.sql.db")


def _rollback(raw: sqlite3.Connection) -> None:
    """Undo what is open, if SQLite has not already (a full disk rolls it all back); the caller's error stands."""
    if raw.in_transaction:
        try:
            raw.execute("ROLLBACK")
        except sqlite3.Error:
            pass


@contextmanager
def _driver_errors() -> Iterator[None]:
    """SQLAlchemy wraps the driver's exception; callers (full disk, unique keys) read the driver's own."""
    from sqlalchemy import exc

    try:
        yield
    except exc.DBAPIError as err:
        if err.orig is None:
            raise
        raise err.orig from None
