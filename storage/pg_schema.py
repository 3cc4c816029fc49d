"""PostgreSQL's schema: made from `storage/schema.py`, and copied out to a SQLite file for a dry run.

SQLite files keep their per-area migrations (an existing file upgrades in
place); a PostgreSQL database is made whole from the declarations, and each
area is recorded at its latest version in `schema_versions` (by
`storage/db.py`, which owns that table), so the store's newer-schema check
reads both engines the same way. This schema is Alembic's baseline
revision (`storage/migrations.py`); a later change is a new revision.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from storage.db import Database


def create_tables(conn: "Connection") -> None:
    """Every table and index `storage/schema.py` declares that is not there yet (inside the caller's transaction)."""
    from storage.db import _driver_errors
    from storage.schema import metadata

    with _driver_errors():
        metadata.create_all(conn, checkfirst=True)


def copy_to_sqlite(db: "Database", path: str) -> None:
    """Every row, read in one repeatable-read snapshot, into the same tables made in a new SQLite file."""
    from storage.db import _driver_errors, _sqlite_connect, _sqlite_engine
    from storage.schema import metadata

    raw = _sqlite_connect(path)
    copy = _sqlite_engine(raw)
    try:
        metadata.create_all(copy)
        with db.engine.connect() as source, copy.begin() as target:
            source = source.execution_options(isolation_level="REPEATABLE READ")
            with _driver_errors(), source.begin():
                for table in metadata.sorted_tables:
                    rows = [dict(r) for r in source.execute(table.select()).mappings()]
                    if rows:
                        target.execute(table.insert(), rows)
    finally:
        copy.dispose()
        raw.close()
