"""The schema declared in `storage/schema.py` is the one today's migrations build, table by table.

A fresh database is built the way the bot builds it (`Store`, every area's
migrations) and read back with SQLAlchemy's inspector; the declarations are
read the same way. Tables, columns in order with their type affinity, NULLs
and defaults, primary keys, foreign keys, unique constraints and indexes
(with their uniqueness and partial `WHERE`) must be equal, so a migration
that adds a column or an index without declaring it (or the reverse) fails here.
"""
from __future__ import annotations

import importlib.util

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from storage import schema
from storage.store import Store


def _affinity(declared: str) -> str:
    """SQLite's type affinity of a declared column type ("Datatypes In SQLite", 3.1)."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if any(k in t for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _where(clause: Any) -> str | None:
    return " ".join(str(clause).split()) if clause is not None else None


def _built(path: Path) -> dict[str, dict[str, Any]]:
    """What the migrations made, per table."""
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        insp = sa.inspect(engine)
        out: dict[str, dict[str, Any]] = {}
        for table in insp.get_table_names():
            if table == "alembic_version":
                continue  # Alembic's record of the schema revision (storage/migrations.py), not a declared table
            pk = insp.get_pk_constraint(table)["constrained_columns"]
            out[table] = {
                "columns": [
                    (c["name"], _affinity(str(c["type"])), None if c["name"] in pk else c["nullable"], c["default"])
                    for c in insp.get_columns(table)
                ],
                "primary_key": list(pk),
                "foreign_keys": sorted(
                    (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                    for fk in insp.get_foreign_keys(table)
                ),
                "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]), _where(i.get("dialect_options", {}).get("sqlite_where")))
                    for i in insp.get_indexes(table)
                ),
            }
        return out
    finally:
        engine.dispose()


def _slack_tables() -> list[sa.Table]:
    """Slack's tables, declared in their revision (0002_slack_tables), not in storage/schema.py."""
    path = Path(__file__).resolve().parents[2] / "storage" / "alembic" / "versions" / "0002_slack_tables.py"
    spec = importlib.util.spec_from_file_location("revision_0002_schema", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return list(module.tables(sa.MetaData()))


def _declared() -> dict[str, dict[str, Any]]:
    dialect = sqlite.dialect()
    out: dict[str, dict[str, Any]] = {}
    tables = [*schema.metadata.tables.values(), *_slack_tables()]
    for table in tables:
        name = table.name
        pk = [c.name for c in table.primary_key.columns]
        out[name] = {
            "columns": [
                (c.name, _affinity(c.type.compile(dialect=dialect)), None if c.name in pk else c.nullable,
                 str(c.server_default.arg.text) if c.server_default is not None else None)  # type: ignore[attr-defined]
                for c in table.columns
            ],
            "primary_key": pk,
            "foreign_keys": sorted(
                ((fk.parent.name,), fk.column.table.name, (fk.column.name,)) for fk in table.foreign_keys
            ),
            "unique": sorted(
                tuple(c.name for c in u.columns) for u in table.constraints if isinstance(u, sa.UniqueConstraint)
            ),
            "indexes": sorted(
                (i.name, tuple(c.name for c in i.columns), bool(i.unique), _where(i.dialect_options["sqlite"]["where"]))
                for i in table.indexes
            ),
        }
    return out


def _differences(built: dict, declared: dict) -> list[str]:
    out = [f"table {t}: built only" for t in sorted(set(built) - set(declared))]
    out += [f"table {t}: declared only" for t in sorted(set(declared) - set(built))]
    for t in sorted(set(built) & set(declared)):
        for part in ("columns", "primary_key", "foreign_keys", "unique", "indexes"):
            if built[t][part] != declared[t][part]:
                out.append(f"{t}.{part}: built {built[t][part]!r} != declared {declared[t][part]!r}")
    return out


def _fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fresh.db"
    Store(path).close()
    return path


def test_the_migrations_build_exactly_the_declared_schema(tmp_path: Path) -> None:
    assert _differences(_built(_fresh(tmp_path)), _declared()) == []


def test_a_drift_either_way_is_seen(tmp_path: Path) -> None:
    """The comparison can fail: a column, an index and a default the declarations do not have."""
    path = _fresh(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE clients ADD COLUMN nickname TEXT")
    conn.execute("CREATE INDEX idx_payments_paid_on ON payments (paid_on)")
    conn.execute("CREATE TABLE stray (id INTEGER PRIMARY KEY)")
    conn.close()
    found = _differences(_built(path), _declared())
    assert any(line.startswith("clients.columns") and "nickname" in line for line in found)
    assert any(line.startswith("payments.indexes") and "idx_payments_paid_on" in line for line in found)
    assert "table stray: built only" in found


def test_the_declarations_compile_for_both_engines() -> None:
    """What issue 16 will create on PostgreSQL: every table and index renders for both dialects."""
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        for table in schema.metadata.sorted_tables:
            assert str(CreateTable(table).compile(dialect=dialect)).startswith("\nCREATE TABLE")
            for index in table.indexes:
                assert "CREATE" in str(CreateIndex(index).compile(dialect=dialect))


def test_the_one_active_dialogue_index_is_partial_on_both_engines() -> None:
    """Its `WHERE` is said once (`schema.partial`) and rendered by each dialect."""
    index = next(i for i in schema.dialogues.indexes if i.name == "dialogues_one_active")
    for dialect in (sqlite.dialect(), postgresql.dialect(), postgresql.dialect()):  # twice: set once, kept
        sql = " ".join(str(CreateIndex(index).compile(dialect=dialect)).split())
        assert sql == "CREATE UNIQUE INDEX dialogues_one_active ON dialogues (workspace, owner, client_id) WHERE status = 'active'"


def test_a_postgresql_store_has_the_partial_index(pg_store_url: str) -> None:
    """What `create_all` really made on PostgreSQL: unique on the three columns, for active dialogues only."""
    engine = sa.create_engine(pg_store_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            definition = conn.execute(
                sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'dialogues_one_active'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert "UNIQUE INDEX dialogues_one_active ON public.dialogues USING btree (workspace, owner, client_id)" in definition
    assert "WHERE (status = 'active'::text)" in definition


def test_a_sqlite_store_does_not_load_the_postgresql_dialect(tmp_path: Path) -> None:
    """Start-up on SQLite (issue 20): the schema and an existing store load no PostgreSQL code."""
    import subprocess
    import sys

    path = tmp_path / "existing.db"
    Store(path).close()
    code = (
        "import sys; from storage.store import Store; Store(sys.argv[1]).close(); "
        "print(sorted(m for m in sys.modules if 'postgresql' in m or m.startswith(('psycopg', 'asyncpg'))))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
