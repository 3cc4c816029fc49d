"""Rows in and out: one mapper from a row to a frozen dataclass, and one write-once insert.

Every repository reads rows into the frozen dataclasses of `storage/records.py`
(or its own). `mapper(cls)` builds that conversion once per class from the
dataclass's field types, so a date column is parsed the same way everywhere:

    date, datetime       ISO text -> value; empty or NULL -> None
    bool                 0/1 -> False/True
    dict[...]            JSON text -> dict; empty or NULL -> {} (None when the field may be None)
    tuple[...]           JSON array -> tuple; empty or NULL -> ()
    anything else        as stored

A column missing from the row, or NULL where the field has a default, gives
the default. A field that needs something else names its own converter:
`mapper(Client, contact=blank_none)`; a field stored under another column
name says which: `mapper(Batch, columns={"table": "table_json"})`.

`insert_once` is the idempotent write of the store: `INSERT … ON CONFLICT DO
NOTHING RETURNING id` (SQLite and PostgreSQL alike; one statement per table
and column set, made once per engine from the table's columns in
`storage/compiled_sqlite.py`, with no SQLAlchemy). It returns the new id, or
None when a unique key (a request id, a name, a follow-up key) already holds a
row; `insert_or_find` then reads the row the same request id or key made
(`by_key`), so a retry answers with the first write.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Callable, Mapping, TypeVar

from storage.db import Database, from_iso
from storage.query import Compiled, arguments, of
from storage.records import Owner

T = TypeVar("T")
Convert = Callable[[Any], Any]

_MISSING = dataclasses.MISSING


def blank_none(value: Any) -> Any:
    """'' and NULL both read as None (optional text the user may clear)."""
    return value or None


def json_dict(value: Any) -> dict:
    """JSON text that should hold an object; anything unreadable reads as {} (old or damaged rows)."""
    if not value:
        return {}
    try:
        loaded = json.loads(value)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _optional(hint: Any) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return (args[0] if len(args) == 1 else hint), len(args) < len(typing.get_args(hint))
    return hint, False


def _converter(hint: Any) -> Convert | None:
    kind, optional = _optional(hint)
    origin = typing.get_origin(kind) or kind
    if kind is datetime:
        return from_iso
    if kind is date:
        return lambda v: date.fromisoformat(v) if v else None
    if kind is bool:
        return bool
    if origin is dict:
        return (lambda v: json.loads(v) if v else None) if optional else (lambda v: json.loads(v or "{}"))
    if origin is tuple:
        return lambda v: tuple(json.loads(v or "[]"))
    return None


def mapper(cls: type[T], columns: Mapping[str, str] | None = None,
           **convert: Convert) -> Callable[[Mapping[str, Any]], T]:
    """row -> `cls`, reading the column named like each field (see the module docstring).

    The plan is made on the first row: repositories make their mappers at import, and reading every
    class's type hints then was start-up work (issue 20) for rows most processes never read.
    """
    plan: list[tuple[str, str, Convert | None, Any]] | None = None

    def planned() -> list[tuple[str, str, Convert | None, Any]]:
        nonlocal plan
        hints = typing.get_type_hints(cls)
        made = [(field.name, (columns or {}).get(field.name, field.name),
                 convert.get(field.name, _converter(hints[field.name])), field.default)
                for field in dataclasses.fields(cls)]  # type: ignore[arg-type]
        plan = made  # whole, in one assignment: a second thread sees no plan or all of it
        return made

    def build(row: Mapping[str, Any]) -> T:
        values: dict[str, Any] = {}
        for name, column, conv, default in plan if plan is not None else planned():
            value = row.get(column)
            if value is None and default is not _MISSING:
                values[name] = default
            else:
                values[name] = conv(value) if conv is not None else value
        return cls(**values)

    return build


def _name(identifier: str) -> str:
    """An identifier as both engines read it whatever it is (`"user"` is a keyword on PostgreSQL)."""
    return '"' + identifier.replace('"', '""') + '"'


class _Made:
    """A statement made from a table's columns, once per engine: `Database` runs it like a `Named` one."""

    __slots__ = ("_make", "_compiled")

    def __init__(self, make: Callable[[str], Compiled]) -> None:
        self._make = make
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, dialect: str) -> Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            found = self._compiled[dialect] = self._make(dialect)
        return found

    def sql(self, dialect: str) -> str:
        return self.compiled(dialect).sql


def _mark(dialect: str) -> str:
    return "?" if dialect == "sqlite" else "%s"


def _columns(table: str) -> tuple[str, ...]:
    from storage.compiled_sqlite import TABLES

    return TABLES[table]


@lru_cache(maxsize=256)
def _insert_once(table: str, columns: tuple[str, ...]) -> _Made:
    def make(dialect: str) -> Compiled:
        marks = ", ".join([_mark(dialect)] * len(columns))
        sql = (f"INSERT INTO {_name(table)} ({', '.join(map(_name, columns))}) VALUES ({marks}) "
               f"ON CONFLICT DO NOTHING RETURNING {_name('id')}")
        return Compiled(sql, arguments(columns, {}))

    return _Made(make)


@lru_cache(maxsize=256)
def _by_key(table: str, column: str) -> _Made:
    def make(dialect: str) -> Compiled:
        mark = _mark(dialect)
        sql = (f"SELECT {', '.join(map(_name, _columns(table)))} FROM {_name(table)} WHERE {_name('workspace')} = {mark}"
               f" AND {_name('owner')} = {mark} AND {_name(column)} = {mark}")
        return Compiled(sql, arguments(("workspace", "owner", "key_value"), {}))

    return _Made(make)


def _table(table: Any) -> str:
    """A table's name (a repository passes it by name; a Core `Table` by its `.name`)."""
    return table if isinstance(table, str) else table.name


def insert_once(db: Database, table: str, values: Mapping[str, Any]) -> int | None:
    """Insert one row unless a unique key already holds one; the new row's id, or None.

    Call inside the writing transaction, then read the existing row when it returns None.
    """
    row = db.one(_insert_once(_table(table), tuple(values)), values)
    return row["id"] if row else None


def by_key(db: Database, table: str, owner: Owner, column: str, value: Any) -> dict | None:
    """The owner's row whose `column` (a request id, a key) is `value`; None for no value or no row."""
    if value is None:
        return None
    return db.one(_by_key(_table(table), column), of(owner, key_value=value))


def insert_or_find(db: Database, table: str, owner: Owner, values: Mapping[str, Any],
                   key: str = "request_id") -> tuple[int | None, bool]:
    """(id, created): a new row, or the one `values[key]` already made; (None, False) when another
    unique key (a name, a reference) holds a row. Call inside the writing transaction."""
    new_id = insert_once(db, table, values)
    if new_id is not None:
        return new_id, True
    row = by_key(db, table, owner, key, values.get(key))
    return (row["id"] if row else None), False
