"""What differs between SQLite and PostgreSQL for SQL written as text, chosen here and nowhere else.

Most of the store's queries are SQLAlchemy Core statements (`storage/statements.py`):
their dialect compiler says `FOR UPDATE`, `FOR NO KEY UPDATE … SKIP LOCKED`,
`greatest()`/`max()`, days between dates, the database's clock, `?`/`%s` and
quoting for each engine, and none of this module is needed for them. What stays:

* the string path of the one module not ported yet (`alerts.py`): each statement
  once, in the subset both engines read (`?` marks, `ON CONFLICT … DO UPDATE`,
  `RETURNING`, quoted `"user"`), with the larger of two values asked from the
  `Dialect` (`greatest`). `Dialect.driver_sql` turns the shared statement into the
  driver's own parameter style;
* what is not a query over the store's tables: the advisory lock
  (`lock_sql`, also the Slack stores'), and whether a table exists (`has_table`,
  read from each engine's own catalogue).

Case: names are matched on their casefolded `*_key` columns (`name_key`,
`ref_key`), so `LIKE` with a casefolded pattern means the same on both
(PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII). Booleans
are summed as `CASE WHEN … THEN 1 ELSE 0 END`, since PostgreSQL sums no
booleans.
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
    """One engine's spelling of the few things SQLite and PostgreSQL say differently."""

    name: str  # "sqlite" | "postgresql"

    @property
    def sqlite(self) -> bool:
        return self.name == "sqlite"

    def driver_sql(self, sql: str) -> str:
        return sql if self.sqlite else _pyformat(sql)

    def greatest(self, a: str, b: str) -> str:
        """The larger of two values (SQLite's two-argument max())."""
        return f"max({a}, {b})" if self.sqlite else f"greatest({a}, {b})"

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
