"""Statements by name: a serving SQLite store runs SQL compiled ahead of time and never imports SQLAlchemy.

Each repository's statements are written once, as SQLAlchemy Core
expressions, in `storage/sql/<repository>.py` (`storage/statements.py` says
how). The repository itself (`storage/incidents.py`, ...) holds only their
names: `_q = statements("storage.sql.incidents")`, then `db.one(_q.ADD, ...)`.
A name is a `Named` handle that costs nothing to make.

Why: SQLAlchemy's import and the module-level expressions built on it were
two thirds of what Redflag's own start-up added to the SDKs' (issue 20:
start-up to serving Slack + Discord). On SQLite every statement's text is
in `storage/compiled_sqlite.py`, made from those same expressions by
`python -m storage.sql.generate` (a test fails when it is stale), so a
handle's first use on SQLite is a dict look-up. On PostgreSQL (or a
statement missing from the file) the handle imports its definition and
compiles it with SQLAlchemy, once per engine, exactly as before.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ClauseElement

    from storage.records import Owner
    from storage.statements import Statement

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Compiled:
    """One statement in one engine's words: the driver's SQL and its values in order."""

    sql: str
    args: Callable[[Params], tuple]


def arguments(names: tuple[str, ...], fixed: Mapping[str, Any]) -> Callable[[Params], tuple]:
    """params -> the driver's tuple, built by `itemgetter` (C) rather than a loop per call."""
    if not names:
        return lambda params: ()
    get = itemgetter(*names)
    if len(names) == 1:
        name = names[0]
        if fixed:
            value = fixed[name]
            return lambda params: (value,)
        return lambda params: (params[name],)
    if fixed:
        frozen = dict(fixed)
        return lambda params: get({**frozen, **params})
    return get  # type: ignore[return-value]


def of(owner: "Owner", **values: Any) -> dict[str, Any]:
    """The parameters of an `owned` statement: the owner's two keys and the statement's own values."""
    values["workspace"] = owner.workspace
    values["owner"] = owner.user
    return values


_ahead: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] | None = None


def compiled_ahead() -> dict[str, tuple[str, tuple[str, ...], dict[str, Any]]]:
    """`storage/compiled_sqlite.py`'s statements: key -> (SQL, parameter names in order, fixed values)."""
    global _ahead
    if _ahead is None:
        from storage.compiled_sqlite import STATEMENTS

        _ahead = STATEMENTS
    return _ahead


class Named:
    """`storage.sql.<module>`'s statement `name`; compiled (or looked up) once per engine."""

    __slots__ = ("module", "name", "_compiled")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self._compiled: dict[str, Compiled] = {}

    @property
    def key(self) -> str:
        return f"{self.module}:{self.name}"

    def compiled(self, dialect: str) -> Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            ahead = compiled_ahead().get(self.key) if dialect == "sqlite" else None
            if ahead is not None:
                sql, names, fixed = ahead
                found = Compiled(sql, arguments(names, fixed))
            else:
                found = self.definition().compiled(dialect)
            self._compiled[dialect] = found
        return found

    def definition(self) -> "Statement":
        """The Core statement's `Statement` (imports SQLAlchemy and the definitions)."""
        statement = getattr(importlib.import_module(self.module), self.name)
        if not hasattr(statement, "compiled"):
            raise TypeError(f"{self.key} is not a Statement")
        return statement

    def element(self, dialect: str) -> "ClauseElement":
        return self.definition().element(dialect)

    def sql(self, dialect: str) -> str:
        return self.compiled(dialect).sql

    def __repr__(self) -> str:
        return f"Named({self.key!r})"


class Statements:
    """The statements of one definitions module, by attribute: `_q.ADD` is `Named(module, "ADD")`."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Named:
        if name.startswith("__"):
            raise AttributeError(name)
        handle = Named(self._module, name)
        setattr(self, name, handle)  # the next look-up is a plain attribute
        return handle


def statements(module: str) -> Statements:
    return Statements(module)
