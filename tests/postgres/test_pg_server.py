"""The throwaway PostgreSQL of the tests: it starts, hands out databases copied from a template, stops clean.

The last three tests run pytest itself in a subprocess where PostgreSQL
cannot start (an empty `REDFLAG_PG_BINDIR`), to check the rule: skipped with
one line saying why for a contributor, a failure under `CI=true`, and no
server at all for a run that asks for none.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import pg_server as pg
from pg_plugin import _unavailable

REPO = Path(__file__).resolve().parents[2]
PROBE = "tests/postgres/test_pg_server.py::test_a_test_database_takes_writes_and_reads"


def test_a_test_database_takes_writes_and_reads(pg_url: str, pg_template: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        name = conn.execute("SELECT current_database()").fetchone()[0]
        assert name != pg_template and name.startswith("redflag_test_")
        conn.execute("CREATE TABLE invoices (id bigserial PRIMARY KEY, amount_minor bigint NOT NULL)")
        conn.execute("INSERT INTO invoices (amount_minor) VALUES (120050), (990)")
        assert conn.execute("SELECT sum(amount_minor) FROM invoices").fetchone()[0] == 121040
        assert int(conn.execute("SHOW server_version_num").fetchone()[0]) >= 150000


def test_the_server_we_start_runs_without_fsync(pg_server: pg.PgServer) -> None:
    if not pg_server.started_here:
        pytest.skip(f"the server comes from {pg.URL_ENV}; its settings are its operator's")
    with pg_server.connect() as conn:
        assert conn.execute("SHOW fsync").fetchone()[0] == "off"
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == ""  # a unix socket only
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0] is True


def test_a_database_is_a_copy_of_its_template_and_is_dropped_after(pg_server: pg.PgServer) -> None:
    import psycopg

    template = pg_server.create_database()
    try:
        with psycopg.connect(pg_server.url_for(template)) as conn:
            conn.execute("CREATE TABLE clients (name text PRIMARY KEY)")
            conn.execute("INSERT INTO clients VALUES ('Acme Corp')")
        with pg_server.database(template=template) as url:
            copy = url.rsplit("/", 1)[1].split("?")[0]
            assert copy in pg_server.databases()
            with psycopg.connect(url) as conn:
                assert conn.execute("SELECT name FROM clients").fetchall() == [("Acme Corp",)]
                conn.execute("INSERT INTO clients VALUES ('Globex')")
        assert copy not in pg_server.databases()
        with psycopg.connect(pg_server.url_for(template)) as conn:  # the copy's write never reached the template
            assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 1
    finally:
        pg_server.drop_database(template)


def test_two_tests_never_share_a_database(pg_server: pg.PgServer, pg_template: str) -> None:
    import psycopg

    with pg_server.database(template=pg_template) as first, pg_server.database(template=pg_template) as second:
        assert first != second
        with psycopg.connect(first) as conn:
            conn.execute("CREATE TABLE only_here (x int)")
        with psycopg.connect(second) as conn:
            assert conn.execute("SELECT to_regclass('only_here')").fetchone()[0] is None


def test_a_second_server_starts_on_a_loopback_port_and_is_torn_down(pg_server: pg.PgServer) -> None:
    import psycopg

    try:
        other, reason = pg.start(tcp=True), ""
    except pg.PgUnavailable as err:
        reason = err.reason
    if reason:
        _unavailable(reason)
    assert other.root is not None and (other.root / "data" / "PG_VERSION").exists()
    try:
        with psycopg.connect(other.url, connect_timeout=5) as conn:
            assert conn.execute("SHOW port").fetchone()[0] == str(other.port)
            assert conn.execute("SELECT inet_server_addr()::text").fetchone()[0].startswith("127.0.0.1")
    finally:
        other.stop()
    assert not other.root.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(other.url, connect_timeout=2)


def test_a_server_by_hand_prints_its_url_and_stops_on_sigterm(pg_server: pg.PgServer) -> None:
    """`python tests/pg_server.py`, the way a benchmark or a developer gets a throwaway server."""
    import psycopg

    if not pg_server.started_here:
        pytest.skip(f"the server comes from {pg.URL_ENV}; this machine may have no binaries")
    proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "pg_server.py"), "--tcp"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        with psycopg.connect(url, connect_timeout=5) as conn:
            data_dir = Path(conn.execute("SHOW data_directory").fetchone()[0])
        assert data_dir.exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    assert not data_dir.exists()


def _pytest(tmp_path: Path, *args: str, ci: bool, url: str | None = None) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess where PostgreSQL cannot start: no binaries where it is told to look, no URL unless given."""
    empty = tmp_path / "no-postgres-here"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", pg.URL_ENV, "PYTEST_ADDOPTS")}
    env[pg.BINDIR_ENV] = str(empty)
    if url:
        env[pg.URL_ENV] = url
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_without_postgres_a_contributor_sees_the_tests_skipped_and_why(tmp_path: Path) -> None:
    run = _pytest(tmp_path, PROBE, ci=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    why = [line for line in run.stdout.splitlines() if line.startswith("PostgreSQL tests skipped: ")]
    assert len(why) == 1, run.stdout
    assert pg.BINDIR_ENV in why[0]


def test_without_postgres_ci_fails_instead_of_skipping(tmp_path: Path) -> None:
    run = _pytest(tmp_path, PROBE, ci=True)
    assert run.returncode != 0, run.stdout
    assert "skipped" not in run.stdout.splitlines()[-1]
    assert "PostgreSQL tests cannot run under CI=true: no PostgreSQL server binaries" in run.stdout


def test_a_run_that_needs_no_postgres_starts_none(tmp_path: Path) -> None:
    # under CI=true a server that could not start would fail the run: it passes, so none was tried
    run = _pytest(tmp_path, "tests/test_packaging.py", ci=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PostgreSQL" not in run.stdout


def test_a_server_named_in_the_environment_is_used_and_nothing_is_started(tmp_path: Path, pg_server: pg.PgServer) -> None:
    before = set(pg_server.databases())
    run = _pytest(tmp_path, PROBE, ci=True, url=pg_server.url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout.splitlines()[-1]
    assert set(pg_server.databases()) == before  # its template and its test database were dropped again
