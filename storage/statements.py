"""SQLAlchemy Core statements, compiled once per engine and run on the driver as `storage/db.py` runs SQL.

The definitions live in `storage/sql/<repository>.py`; the repositories name them through
`storage/query.py`, and on SQLite their text comes ready-made from `storage/compiled_sqlite.py`
(`python -m storage.sql.generate`), so this module, and SQLAlchemy, are imported only to compile.

A repository writes each query once, as a Core expression on the tables of
`storage/schema.py` (`select`, `update`, `delete`, `func.*`, `case()`,
`.returning()`, `.with_for_update()`), with a named `bindparam` for every
value it passes, and keeps it at module level in a `Statement`. SQLAlchemy's
dialect compiler says it in each engine's own words: `FOR UPDATE` only on
PostgreSQL, `%s` or `?` marks, `"user"` quoted where it must be, casts.

`Statement` compiles on first use per engine (`"sqlite"`, `"postgresql"`)
into the driver's SQL text plus the order its values go in, and keeps both:
`Database.query(statement, {"name": value, ...})` then costs a dict look-up
and a tuple, and goes straight to the DBAPI connection as before (issue 20:
SQLAlchemy's own execution path would cost the inline `/incident` about a
millisecond). Literal values written into the expression (`status == 'active'`,
`LIMIT 1`) are rendered into the SQL as literals, as a hand-written statement
has them, so the planner sees them (a partial index needs that).

The INSERT of an upsert is each dialect's own (`ON CONFLICT … DO NOTHING /
DO UPDATE` and `excluded` are per dialect in SQLAlchemy): `upsert(build)`
hands `build` the engine's `insert`, chosen here and nowhere else. A
function the engines spell differently is a construct compiled per dialect
here (`greatest`, `days_between`), and so is the database's clock
(`database_clock`: PostgreSQL's, none on SQLite). SQLite's planner hint is a
table hint for SQLite alone, `.with_hint(table, "INDEXED BY idx", "sqlite")`
(PostgreSQL plans by statistics and gets none). Row locks are SQLAlchemy's
own, compiled per dialect: `.with_for_update()` is `FOR UPDATE` on
PostgreSQL, and `.with_for_update(key_share=True, skip_locked=True, of=t)`
its `FOR NO KEY UPDATE OF t SKIP LOCKED` (sweepers take disjoint batches);
SQLite (one writer, BEGIN IMMEDIATE) gets neither.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from functools import cache

from sqlalchemy import Float, Table, and_, bindparam, func, select
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ClauseElement, ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from storage.query import Compiled, arguments, of  # noqa: F401 - `of` for the definitions' callers

Params = Mapping[str, Any]


class _Literals:
    """A value written into the expression (`status == 'active'`, `LIMIT 1`) goes into the SQL text as a
    literal, as a hand-written statement has it: the planner sees it. SQLite uses a partial index
    (`dialogues_one_active … WHERE status = 'active'`) only for a literal, never for a `?`."""

    def visit_bindparam(self, bindparam: Any, **kw: Any) -> str:
        if (not bindparam.required and bindparam.callable is None and not bindparam.expanding
                and type(bindparam.value) in (str, int, float)):
            kw["literal_binds"] = True
        return super().visit_bindparam(bindparam, **kw)  # type: ignore[misc]


@cache
def _dialect(name: str) -> Dialect:
    """The compiler for one engine, in the positional style its driver takes (`?`, `%s`); made on first use."""
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
        from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

        class SQLiteStatements(_Literals, SQLiteCompiler):
            def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
                return text  # `with_hint(t, "INDEXED BY idx", "sqlite")`: SQLAlchemy's SQLite compiler drops hints

        class SQLite(SQLiteDialect_pysqlite):
            statement_compiler = SQLiteStatements

        return SQLite(paramstyle="qmark")
    from sqlalchemy.dialects.postgresql.psycopg import PGCompiler_psycopg, PGDialect_psycopg

    class PostgreSQLStatements(_Literals, PGCompiler_psycopg):
        pass

    class PostgreSQL(PGDialect_psycopg):
        statement_compiler = PostgreSQLStatements

    return PostgreSQL(paramstyle="format")


def _insert(name: str) -> Callable[[Table], Any]:
    """The engine's own INSERT, the one with `on_conflict_do_nothing/do_update` and `excluded`."""
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    return insert


def compile_parts(element: ClauseElement, dialect: str) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """A Core statement in `dialect`'s words: (driver SQL, its parameters' names in order, the values written
    into the expression itself). What `storage/compiled_sqlite.py` keeps for SQLite."""
    compiled = element.compile(dialect=_dialect(dialect))
    names = tuple(compiled.positiontup or ())
    fixed = {}
    for name in names:
        bind = compiled.binds[name]
        if not bind.required:  # a value written into the expression, not one the caller passes
            fixed[name] = bind.effective_value
    return compiled.string, names, fixed


def compile_for(element: ClauseElement, dialect: str) -> Compiled:
    """Compile a Core statement for `dialect` ("sqlite" | "postgresql") into driver SQL and a parameter order."""
    sql, names, fixed = compile_parts(element, dialect)
    return Compiled(sql, arguments(names, fixed))


class Statement:
    """A Core statement built once (or once per engine, for an upsert) and compiled once per engine."""

    __slots__ = ("_build", "_compiled")

    def __init__(self, build: ClauseElement | Callable[[str], ClauseElement]) -> None:
        self._build = build
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, dialect: str) -> Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            element = self._build if isinstance(self._build, ClauseElement) else self._build(dialect)
            found = self._compiled[dialect] = compile_for(element, dialect)
        return found

    def element(self, dialect: str) -> ClauseElement:
        """The Core statement itself (for a test, or to read the SQL it makes)."""
        return self._build if isinstance(self._build, ClauseElement) else self._build(dialect)

    def sql(self, dialect: str) -> str:
        return self.compiled(dialect).sql


def upsert(build: Callable[[Callable[[Table], Any]], ClauseElement]) -> Statement:
    """An INSERT with `ON CONFLICT`: `build(insert)` is called once per engine with that engine's `insert`."""
    return Statement(lambda dialect: build(_insert(dialect)))


def owned(table: Table) -> ColumnElement[bool]:
    """`workspace = :workspace AND owner = :owner`: every read and write made for a user is scoped to both."""
    return and_(table.c.workspace == bindparam("workspace"), table.c.owner == bindparam("owner"))


class greatest(FunctionElement):  # noqa: N801 - named like the SQL function
    """The larger of its arguments: PostgreSQL's `greatest()`, SQLite's many-argument `max()`."""

    name = "greatest"
    inherit_cache = True


@compiles(greatest)
def _greatest(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


class days_between(FunctionElement):  # noqa: N801 - named like what it says
    """Whole or fractional days from one ISO date column to another (later, earlier), as a number:
    SQLite's `julianday()` difference, PostgreSQL's difference of two dates."""

    name = "days_between"
    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({later} AS date) - CAST({earlier} AS date))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


#: PostgreSQL's clock now: `clock_timestamp()`, the time of the statement, not of the transaction's start.
_CLOCK = Statement(select(func.clock_timestamp()))


def database_clock(dialect: str) -> Statement | None:
    """The statement that reads the database's own clock (a timestamp with zone), for leases several hosts
    must agree on: PostgreSQL's. None on SQLite: one file, one host, the process clock stands."""
    return None if dialect == "sqlite" else _CLOCK
