"""`storage/statements.py`: a Core statement is written once, compiled once per engine, and run on both."""
from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select

from storage import schema
from storage.records import Owner
from storage.sql.db import RECORD_VERSION
from storage.sql.users import ENSURE_USER, SETTINGS_LOCKED
from storage.statements import Statement, compile_for, of, owned, upsert
from storage.store import Store

OWNER = Owner("W1", "U1")
_clients = schema.clients
#: A literal in the expression ('EUR') and a value the caller passes.
_EUROS = Statement(select(_clients.c.name).where(owned(_clients), _clients.c.currency == "EUR").order_by(_clients.c.name))


def test_a_statement_is_compiled_once_per_engine_in_each_drivers_style() -> None:
    sqlite, postgresql = _EUROS.compiled("sqlite"), _EUROS.compiled("postgresql")
    assert _EUROS.compiled("sqlite") is sqlite and _EUROS.compiled("postgresql") is postgresql
    assert "clients.workspace = ?" in sqlite.sql and "%s" not in sqlite.sql
    assert "clients.workspace = %s" in postgresql.sql and "?" not in postgresql.sql
    # The caller passes only its own values, by name; the literal is written into the SQL, where the planner
    # sees it (SQLite uses a partial index such as `dialogues_one_active` only for a literal).
    assert sqlite.args(of(OWNER)) == ("W1", "U1") == postgresql.args(of(OWNER))
    assert "clients.currency = 'EUR'" in sqlite.sql and "clients.currency = 'EUR'" in postgresql.sql
    with pytest.raises(KeyError, match="owner"):
        sqlite.args({"workspace": "W1"})


def test_a_literal_is_escaped_for_each_driver() -> None:
    odd = Statement(select(_clients.c.id).where(_clients.c.name == "it's 50% off"))
    assert odd.sql("sqlite").endswith("clients.name = 'it''s 50% off'")
    assert odd.sql("postgresql").endswith("clients.name = 'it''s 50%% off'")  # psycopg reads %% as one %


def test_what_the_engines_say_differently_is_the_compilers_business() -> None:
    assert "FOR UPDATE" in SETTINGS_LOCKED.sql("postgresql") and "FOR UPDATE" not in SETTINGS_LOCKED.sql("sqlite")
    assert "max(schema_versions.version, excluded.version)" in RECORD_VERSION.sql("sqlite")
    assert "greatest(schema_versions.version, excluded.version)" in RECORD_VERSION.sql("postgresql")
    assert '(workspace, "user",' in ENSURE_USER.sql("postgresql")  # a reserved word there, quoted where it must be
    # An upsert is each engine's own INSERT, built from the one `build`.
    assert type(ENSURE_USER.element("sqlite")).__module__.startswith("sqlalchemy.dialects.sqlite")
    assert type(ENSURE_USER.element("postgresql")).__module__.startswith("sqlalchemy.dialects.postgresql")


def test_an_index_hint_is_said_to_sqlite_alone(store: Store) -> None:
    i = schema.invoices
    hinted = Statement(select(i.c.id).with_hint(i, "INDEXED BY idx_invoices_status_next_nudge_on", "sqlite")
                       .where(i.c.status == "open"))
    assert "FROM invoices INDEXED BY idx_invoices_status_next_nudge_on" in hinted.sql("sqlite")
    assert "INDEXED BY" not in hinted.sql("postgresql")
    assert store.database.rows(hinted) == []  # and each engine takes what it is told


def test_statements_run_on_both_engines(store: Store) -> None:
    db = store.database
    store.clients.add(OWNER, "Zeta", 30, "EUR", None)
    store.clients.add(OWNER, "Acme", 30, "EUR", None)
    store.clients.add(OWNER, "Dollar Co", 30, "USD", None)
    store.clients.add(Owner("W1", "U2"), "Other's", 30, "EUR", None)
    assert [r["name"] for r in db.query(_EUROS, of(OWNER))] == ["Acme", "Zeta"]
    assert db.rows(_EUROS, of(OWNER)) == [("Acme",), ("Zeta",)]
    # An ad-hoc expression runs too (compiled on each call: module-level statements are the fast path).
    adhoc = select(_clients.c.name).where(owned(_clients), _clients.c.currency == bindparam("currency"))
    assert db.one(adhoc, of(OWNER, currency="USD")) == {"name": "Dollar Co"}
    assert compile_for(adhoc, db.dialect.name).args(of(OWNER, currency="USD")) == ("W1", "U1", "USD")


def test_an_upsert_and_greatest_keep_the_higher_version_on_both_engines(store: Store) -> None:
    db = store.database
    with db.transaction():
        db.record_version("test-component", 3)
        db.record_version("test-component", 2)  # a process behind this one never lowers it
    assert db.one("SELECT version FROM schema_versions WHERE component = ?", ("test-component",)) == {"version": 3}
    with db.transaction():
        db.record_version("test-component", 4)
    assert db.one("SELECT version FROM schema_versions WHERE component = ?", ("test-component",)) == {"version": 4}


def test_an_upsert_on_conflict_does_nothing_and_returns_no_row(store: Store) -> None:
    db = store.database
    add = upsert(lambda insert: insert(schema.workspaces).values(
        id=bindparam("id"), platform=bindparam("platform"), created_at=bindparam("at"),
    ).on_conflict_do_nothing(index_elements=[schema.workspaces.c.id]).returning(schema.workspaces.c.id))
    with db.transaction():
        first = db.one(add, {"id": "W9", "platform": "slack", "at": "2026-12-02T10:00:00+00:00"})
        again = db.one(add, {"id": "W9", "platform": "discord", "at": "2026-12-02T11:00:00+00:00"})
    assert first == {"id": "W9"} and again is None
    assert db.one("SELECT platform FROM workspaces WHERE id = 'W9'") == {"platform": "slack"}
