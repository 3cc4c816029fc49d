"""`REDFLAG_DATABASE_URL`: SQLite by URL, agreement with `REDFLAG_DB`, and PostgreSQL opened by the store."""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import database_url as du

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("url", "path"), [
    ("sqlite:///redflag.db", "redflag.db"),
    ("sqlite:///./data/redflag.db", "./data/redflag.db"),
    ("sqlite:////var/lib/redflag/redflag.db", "/var/lib/redflag/redflag.db"),
    ("sqlite:////srv/my%20data/redflag.db", "/srv/my data/redflag.db"),
    ("  SQLITE:///x.db ", "x.db"),
])
def test_a_sqlite_url_names_the_file(url: str, path: str) -> None:
    found = du.parse(url)
    assert (found.engine, found.sqlite_path) == ("sqlite", path)


@pytest.mark.parametrize("url", ["postgresql://redflag@db/redflag", "postgres://u:p@db:5432/r", "postgresql+psycopg://db/r"])
def test_postgresql_urls_are_recognised(url: str) -> None:
    assert du.parse(url).engine == "postgresql"


@pytest.mark.parametrize(("url", "says"), [
    ("redflag.db", "must look like sqlite:///path/to/redflag.db"),
    ("sqlite://", "name a SQLite file"),
    ("sqlite:///:memory:", "in-memory database would lose every record"),
    ("sqlite://host/x.db", "a SQLite URL has no host"),
    ("sqlite:///x.db?mode=ro", "takes no options"),
    ("sqlite+pysqlite:///x.db", "write sqlite:///path, not sqlite+pysqlite://"),
    ("mysql://db/redflag", "SQLite (sqlite:///…) or PostgreSQL (postgresql://…), not mysql://"),
])
def test_a_url_redflag_cannot_use_says_why(url: str, says: str) -> None:
    with pytest.raises(du.DatabaseUrlError, match=re.escape(says)):
        du.parse(url)


def test_without_a_url_redflag_db_or_the_default_is_used() -> None:
    assert du.resolve({}).sqlite_path == "./redflag.db"
    assert du.resolve({"REDFLAG_DB": "/srv/r.db"}).sqlite_path == "/srv/r.db"


def test_url_and_redflag_db_may_name_the_same_file(tmp_path: Path) -> None:
    env = {"REDFLAG_DATABASE_URL": f"sqlite:///{tmp_path}/r.db", "REDFLAG_DB": str(tmp_path / "." / "r.db")}
    assert du.apply(env).sqlite_path == f"{tmp_path}/r.db"
    assert env["REDFLAG_DB"] == f"{tmp_path}/r.db"  # every SQLite reader now sees the URL's file


def test_url_and_redflag_db_that_disagree_are_an_error() -> None:
    with pytest.raises(du.DatabaseUrlError, match=r"REDFLAG_DATABASE_URL \(sqlite:///a.db\) and REDFLAG_DB \(b.db\) name different files"):
        du.resolve({"REDFLAG_DATABASE_URL": "sqlite:///a.db", "REDFLAG_DB": "b.db"})


def test_postgresql_is_accepted_and_stays_in_the_url() -> None:
    env = {"REDFLAG_DATABASE_URL": "postgresql://redflag:s3cret@db.internal/redflag"}
    found = du.apply(env)
    assert (found.engine, found.sqlite_path) == ("postgresql", None)
    assert found.shown == "postgresql://redflag:***@db.internal/redflag"
    assert "REDFLAG_DB" not in env  # no SQLite file is named behind the operator's back


def test_postgresql_and_a_sqlite_file_together_are_an_error_without_showing_the_password() -> None:
    with pytest.raises(du.DatabaseUrlError) as refused:
        du.resolve({"REDFLAG_DATABASE_URL": "postgresql://redflag:s3cret@db.internal/redflag", "REDFLAG_DB": "x.db"})
    message = str(refused.value)
    assert "set only one" in message
    assert "postgresql://redflag:***@db.internal/redflag" in message and "s3cret" not in message


def redflag(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    environ.update(env)
    return subprocess.run([sys.executable, "-m", "redflag", *args], cwd=tmp_path, env=environ, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def test_redflag_opens_the_sqlite_file_the_url_names(tmp_path: Path) -> None:
    run = redflag(tmp_path, "nudges", "preview", REDFLAG_DATABASE_URL="sqlite:///data.db")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "redflag.db").exists()
    with sqlite3.connect(tmp_path / "data.db") as conn:  # the store made its tables in the URL's file
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 5


def test_redflag_opens_the_postgresql_database_the_url_names(tmp_path: Path, pg_url: str) -> None:
    run = redflag(tmp_path, "nudges", "preview", REDFLAG_DATABASE_URL=pg_url)
    assert run.returncode == 0, run.stderr
    assert list(tmp_path.iterdir()) == []  # no SQLite file made beside it
    import psycopg

    with psycopg.connect(pg_url) as conn:  # the store made its tables and recorded their versions there
        versions = dict(conn.execute("SELECT component, version FROM schema_versions").fetchall())
    from storage.store import COMPONENTS

    assert versions == {name: len(migrations) for name, migrations in COMPONENTS}


def test_backup_and_restore_on_postgresql_say_it_is_pg_dumps_job(tmp_path: Path) -> None:
    url = "postgresql://redflag:pw@127.0.0.1:1/redflag"
    for args, command in ((("backup", "b.db"), "pg_dump"), (("restore", "b.db"), "pg_restore")):
        run = redflag(tmp_path, *args, REDFLAG_DATABASE_URL=url)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "postgresql://redflag:***@127.0.0.1:1/redflag" in run.stderr and command in run.stderr, run.stderr
        assert ":pw@" not in run.stderr + run.stdout
        assert list(tmp_path.iterdir()) == []


def test_backup_and_restore_on_a_live_postgresql_database_point_to_pg_dump_and_change_nothing(tmp_path: Path, pg_store_url: str) -> None:
    """On a real PostgreSQL database holding rows: the same refusal, nothing written beside it, every row kept."""
    from bot.core import Core
    from bot.events import Address, Command
    from storage.records import Owner
    from storage.store import Store

    store = Store(pg_store_url)
    Core(store).handle(Command(Address("console", "local", "alice"), "client", "add Acme"))
    store.close()
    (tmp_path / "b.db").write_bytes(b"")  # a file to restore from: refused before it is read
    for args, command in ((("backup", "b.db"), "pg_dump"), (("restore", "b.db"), "pg_restore")):
        run = redflag(tmp_path, *args, REDFLAG_DATABASE_URL=pg_store_url)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert command in run.stderr and "REDFLAG_DATABASE_URL" in run.stderr, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db"]
    store = Store(pg_store_url)
    try:
        assert [c.name for c in store.clients.list(Owner("local", "alice"))] == ["Acme"]
    finally:
        store.close()


def test_redflag_refuses_a_url_and_redflag_db_that_disagree(tmp_path: Path) -> None:
    run = redflag(tmp_path, "nudges", "preview", REDFLAG_DATABASE_URL="sqlite:///a.db", REDFLAG_DB="b.db")
    assert run.returncode == 2
    assert "name different files" in run.stderr
    assert list(tmp_path.iterdir()) == []
