"""`REDFLAG_DATABASE_URL`: which database Redflag uses, read in one place.

`sqlite:///relative/path` and `sqlite:////absolute/path` (SQLAlchemy's form:
what follows the third slash is the path) name the SQLite file; `REDFLAG_DB`
keeps working, and when both are set they must name the same file.
`postgresql://…` (also `postgres://`, `postgresql+psycopg://`) opens the store
on PostgreSQL (psycopg 3, pooled; the schema is made on first start). Then
`REDFLAG_DB` must not be set too: one setting names the database.

`apply()` turns a SQLite URL into the `REDFLAG_DB` every SQLite reader already
uses (the store, the Slack installation store), so the rest of the program
has one path to read; a PostgreSQL URL stays in `REDFLAG_DATABASE_URL`, where
`storage.store.default_path()` reads it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import MutableMapping
from urllib.parse import unquote, urlsplit, urlunsplit

URL_VAR = "REDFLAG_DATABASE_URL"
PATH_VAR = "REDFLAG_DB"
DEFAULT_PATH = "./redflag.db"
POSTGRES_SCHEMES = ("postgresql", "postgres")


class DatabaseUrlError(ValueError):
    """A database setting Redflag cannot start with; the message says what to change."""


@dataclass(frozen=True)
class DatabaseUrl:
    """`REDFLAG_DATABASE_URL` as understood, with a printable form that never shows the password."""
    engine: str  # "sqlite" or "postgresql"
    sqlite_path: str | None  # the file, for SQLite
    shown: str  # the URL with any password masked, for messages and logs


def masked(url: str) -> str:
    """The URL with its password replaced, so it can be printed."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


def parse(url: str) -> DatabaseUrl:
    """One URL, checked; DatabaseUrlError names what is wrong with it."""
    text = url.strip()
    shown = masked(text)
    scheme, sep, rest = text.partition("://")
    engine = scheme.split("+", 1)[0].lower()
    if not sep:
        raise DatabaseUrlError(f"{URL_VAR} must look like sqlite:///path/to/redflag.db or postgresql://user@host/db, not {shown!r}")
    if engine == "sqlite":
        if scheme.lower() != "sqlite":
            raise DatabaseUrlError(f"{URL_VAR}: Redflag opens SQLite itself; write sqlite:///path, not {scheme}://")
        host, _, path = rest.partition("/")
        if host:
            raise DatabaseUrlError(f"{URL_VAR}: a SQLite URL has no host; write sqlite:///relative/path or sqlite:////absolute/path, not {shown!r}")
        path, query_sep, _ = path.partition("?")
        path = unquote(path)
        if query_sep:
            raise DatabaseUrlError(f"{URL_VAR}: a SQLite URL takes no options (…?…), only the file: {shown!r}")
        if not path or path == ":memory:":
            raise DatabaseUrlError(f"{URL_VAR}: name a SQLite file (sqlite:///redflag.db); an in-memory database would lose every record at exit")
        return DatabaseUrl("sqlite", path, shown)
    if engine in POSTGRES_SCHEMES:
        return DatabaseUrl("postgresql", None, shown)
    raise DatabaseUrlError(f"{URL_VAR}: Redflag stores to SQLite (sqlite:///…) or PostgreSQL (postgresql://…), not {scheme}://")


def _same_file(a: str, b: str) -> bool:
    return os.path.normpath(os.path.abspath(a)) == os.path.normpath(os.path.abspath(b))


def resolve(env: MutableMapping[str, str] | dict[str, str]) -> DatabaseUrl:
    """The database the environment asks for (SQLite at `./redflag.db` when nothing is set)."""
    url = (env.get(URL_VAR) or "").strip()
    path = (env.get(PATH_VAR) or "").strip()
    if not url:
        chosen = path or DEFAULT_PATH
        return DatabaseUrl("sqlite", chosen, f"sqlite:///{chosen}")
    found = parse(url)
    if found.engine == "postgresql":
        if path:
            raise DatabaseUrlError(f"{URL_VAR} names PostgreSQL ({found.shown}) and {PATH_VAR} a SQLite file ({path}): set only one")
        return found
    assert found.sqlite_path is not None
    if path and not _same_file(path, found.sqlite_path):
        raise DatabaseUrlError(f"{URL_VAR} ({found.shown}) and {PATH_VAR} ({path}) name different files: set only one, or the same file in both")
    return found


def apply(env: MutableMapping[str, str]) -> DatabaseUrl:
    """Check the settings and leave the SQLite file in `REDFLAG_DB` for every reader; DatabaseUrlError when Redflag cannot start."""
    found = resolve(env)
    if (env.get(URL_VAR) or "").strip() and found.sqlite_path is not None:
        env[PATH_VAR] = found.sqlite_path
    return found
