"""What is no query over the store's tables, in each engine's own SQL text, chosen here and nowhere else.

Every repository's query is a SQLAlchemy Core statement (`storage/statements.py`,
issue 16; `alerts.py`, the last one written as text, is ported too): their
dialect compiler says `FOR UPDATE`, `FOR NO KEY UPDATE … SKIP LOCKED`,
`greatest()`/`max()`, days between dates, the database's clock, `?`/`%s` and
quoting for each engine, and none of this module is needed for them. No storage
module passes SQL text any more. What stays is the engine layer's own text:

* the advisory lock (`lock_sql`, also the Slack stores'), and whether a table
  exists (`has_table`, read from each engine's own catalogue), written with `?`
  marks; `Dialect.driver_sql` turns them (and the engine layer's few statements
  of its own: the schema-version table, the store's ping) into the driver's
  parameter style.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_MARK = re.compile(r"'(?:[^']|'')*'|\?|%")


@lru_cache(maxsize=4096)
def _pyformat(sql: str) -> str:
    """`?` -> `%s` and a literal `%` -> `%%` outside string literals (psycopg's style)."""
    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return token.replace("%", "%%")

    return _MARK.sub(swap, sql)


@dataclass(frozen=True)
class Dialect:
    """One engine's spelling of the engine layer's own SQL text (no query over the store's tables)."""

    name: str  # "sqlite" | "postgresql"

    @property
    def sqlite(self) -> bool:
        return self.name == "sqlite"

    def driver_sql(self, sql: str) -> str:
        return sql if self.sqlite else _pyformat(sql)

    def lock_sql(self) -> str | None:
        """A lock on one `?` key until the transaction ends; SQLite needs none (BEGIN IMMEDIATE holds the file)."""
        return None if self.sqlite else "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))"

    def has_table(self) -> str:
        """A row when the table named by the one `?` exists."""
        if self.sqlite:
            return "SELECT 1 AS found FROM sqlite_schema WHERE type = 'table' AND name = ?"
        return "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")
