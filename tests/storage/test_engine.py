"""`storage/db.py` and `storage/dialect.py`: the engine layer keeps SQLite's locking and speaks each driver's style."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.db import Database
from storage.dialect import POSTGRESQL, SQLITE
from storage.store import Store


def test_statements_are_written_once_and_turned_into_the_drivers_style() -> None:
    sql = "SELECT '50% off?' AS t, name FROM clients WHERE name_key LIKE ? AND id = ?"
    assert SQLITE.driver_sql(sql) == sql
    assert POSTGRESQL.driver_sql(sql) == "SELECT '50%% off?' AS t, name FROM clients WHERE name_key LIKE %s AND id = %s"


def test_a_sqlite_transaction_takes_the_write_lock_at_begin_and_reads_hold_none(db_path: Path) -> None:
    db = Database(db_path)
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    try:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.query("SELECT * FROM t")  # a read outside a transaction leaves nothing open
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        with db.transaction():
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # before this transaction wrote anything
            db.execute("INSERT INTO t VALUES (1)")
            with db.transaction():  # nested: a savepoint, undone alone
                db.execute("INSERT INTO t VALUES (2)")
                with pytest.raises(ZeroDivisionError):
                    with db.transaction():
                        db.execute("INSERT INTO t VALUES (3)")
                        raise ZeroDivisionError
        assert [r[0] for r in other.execute("SELECT x FROM t ORDER BY x")] == [1, 2]
        assert not db.conn.in_transaction
    finally:
        other.close()
        db.close()


def test_the_driver_raises_its_own_errors(store: Store) -> None:
    """Callers (a full disk, a unique key) read the driver's exception, not SQLAlchemy's wrapper."""
    import psycopg

    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
        with store.database.transaction():
            store.database.execute("INSERT INTO workspaces (id, platform, created_at) VALUES ('W9', 'x', 'now')")
            store.database.execute("INSERT INTO workspaces (id, platform, created_at) VALUES ('W9', 'x', 'now')")
    assert store.database.one("SELECT id FROM workspaces WHERE id = 'W9'") is None  # rolled back whole


def test_a_copy_for_a_dry_run_is_a_sqlite_file_with_every_row(store: Store, tmp_path: Path) -> None:
    from storage.records import Owner

    owner = Owner("W1", "U1")
    client = store.clients.add(owner, "Acme", 30, "EUR", None)
    store.incidents.add(owner, client.id, "scope-creep", "again", request_id="r1")
    copy_path = tmp_path / "copy.db"
    store.database.copy_to(copy_path)
    copy = Store(copy_path)
    try:
        assert copy.database.dialect.sqlite
        assert [c.name for c in copy.clients.list(owner)] == ["Acme"]
        assert [i.note for i in copy.incidents.for_client(owner, client.id)] == ["again"]
        copy.incidents.add(owner, client.id, "scope-creep", "only in the copy", request_id="r2")
    finally:
        copy.close()
    assert len(store.incidents.for_client(owner, client.id)) == 1


def test_a_schema_newer_than_this_code_is_refused_on_both_engines(store: Store, store_url: str) -> None:
    from storage.health import StoreUnusable

    with store.database.transaction():
        store.database.execute("UPDATE schema_versions SET version = version + 1 WHERE component = 'incidents'")
    with pytest.raises(StoreUnusable) as refused:
        Store(store_url)
    assert refused.value.reason == "newer" and refused.value.values["component"] == "incidents"
