"""What differs between SQLite and PostgreSQL for SQL written as text, chosen here and nowhere else.

Most of the store's queries are SQLAlchemy Core statements (`storage/statements.py`):
their dialect compiler says `FOR UPDATE`, `greatest()`/`max()`, `?`/`%s` and
quoting for each engine, and none of this module is needed for them. What stays:

* the string path of the modules not ported yet (`invoices.py`, `nudges.py`,
  `nudge_delivery.py`, `followups.py`, `alerts.py`): each statement once, in the
  subset both engines read (`?` marks, `ON CONFLICT … DO UPDATE`, `RETURNING`,
  quoted `"user"`), with a fragment asked from the `Dialect` where the engines
  truly differ: an index hint only SQLite takes, the days between two ISO dates,
  the larger of two values, a row lock, rows locked by no one
  else (`skip_locked`), the database's clock (`clock_sql`). `Dialect.driver_sql` turns the shared
  statement into the driver's own parameter style;
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

    def indexed_by(self, index: str) -> str:
        """SQLite's planner hint (` INDEXED BY name`); PostgreSQL plans by statistics and takes none."""
        return f" INDEXED BY {index}" if self.sqlite else ""

    def days_between(self, later: str, earlier: str) -> str:
        """Whole or fractional days from one ISO date column to another, as a number."""
        if self.sqlite:
            return f"(julianday({later}) - julianday({earlier}))"
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"

    def greatest(self, a: str, b: str) -> str:
        """The larger of two values (SQLite's two-argument max())."""
        return f"max({a}, {b})" if self.sqlite else f"greatest({a}, {b})"

    def for_update(self) -> str:
        """Appended to a SELECT inside a transaction: lock the rows read until it ends (PostgreSQL).

        SQLite takes no row locks and needs none: BEGIN IMMEDIATE already holds the only write lock.
        """
        return "" if self.sqlite else " FOR UPDATE"

    def skip_locked(self, table: str) -> str:
        """Appended to a SELECT inside a transaction: lock the rows of `table` read, passing over rows another
        transaction holds (PostgreSQL's `FOR NO KEY UPDATE … SKIP LOCKED`: several sweepers take disjoint
        batches, none waits on another's; foreign-key checks on the rows still go through).

        SQLite has one writer and no row locks: nothing to add, and nothing is ever skipped.
        """
        return "" if self.sqlite else f" FOR NO KEY UPDATE OF {table} SKIP LOCKED"

    def clock_sql(self) -> str | None:
        """The database's own clock now (a timestamp with zone), for leases several hosts must agree on.

        PostgreSQL: `clock_timestamp()` (the time of the statement, not of the transaction's start). SQLite:
        None, the process clock stands (one file, one host).
        """
        return None if self.sqlite else "SELECT clock_timestamp()"

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
