"""pytest plugin: PostgreSQL for the tests that ask for it, started lazily once per run.

Fixtures:
  `pg_server`   the session's server (`pg_server.from_env()`): a throwaway one, or `REDFLAG_TEST_DATABASE_URL`'s;
                started on first use, so a run with no PostgreSQL test starts none; stopped at the end.
  `pg_template` the name of the session's template database; every test database is copied from it
                (override this fixture to put a schema in it once per run).
  `pg_url`      a fresh database for one test, from the template; dropped afterwards.
  `pg_store_url` likewise, from a second template that already holds Redflag's schema (made once per run).
  `engine`      "sqlite" or "postgresql": the store fixture's engine. `REDFLAG_TEST_ENGINES` (comma-separated,
                default `sqlite`) chooses it for the whole suite; `tests/storage` and the core's store-level
                tests in `BOTH_ENGINES` always run on both.

When PostgreSQL cannot be had, a test that asks for it is skipped with the
reason, and the run ends with one line saying why; with `CI=true` it fails
instead, so CI never passes without having run them.
"""
from __future__ import annotations

import os
from typing import Callable, Iterator

import pytest

import pg_server as pg

TEMPLATE = "redflag_template"
_skipped: list[str] = []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"PostgreSQL tests cannot run under CI=true: {reason}", pytrace=False)
    if reason not in _skipped:
        _skipped.append(reason)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    try:
        server, reason = pg.from_env(), ""
    except pg.PgUnavailable as err:
        reason = err.reason
    if reason:
        _unavailable(reason)  # outside the except: one clean line, no chained traceback
    try:
        yield server
    finally:
        server.stop()


def _template(pg_server: pg.PgServer, name: str, prepare: Callable[[str], None] | None = None) -> Iterator[str]:
    """A session's template database (dropped at the end); `prepare` fills it from its URL."""
    pg_server.drop_database(name)
    pg_server.create_database(name)
    try:
        if prepare is not None:
            prepare(pg_server.url_for(name))
        yield name
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="session")
def pg_template(pg_server: pg.PgServer) -> Iterator[str]:
    yield from _template(pg_server, f"{TEMPLATE}_{os.getpid()}")


@pytest.fixture
def pg_url(pg_server: pg.PgServer, pg_template: str) -> Iterator[str]:
    with pg_server.database(template=pg_template) as url:
        yield url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for reason in _skipped:
        terminalreporter.write_line(f"PostgreSQL tests skipped: {reason}")


#: Test files and folders (relative to tests/) whose `store` runs on SQLite and PostgreSQL in every run; an entry
#: `file.py::test_name` picks one test of a file. The end-to-end ones (the Slack service fed signed HTTP, two workers,
#: crash and concurrency, the CLI in a subprocess, faults) take `store_url` / `REDFLAG_DATABASE_URL` from the same
#: fixture, so a representative set of them runs on both; the rest follow REDFLAG_TEST_ENGINES.
BOTH_ENGINES = (
    # the core: every test of commands, parsing, reports, languages, dialogue, alerts, imports and reminders
    "test_commands.py", "test_corrections_core.py", "test_answers.py", "test_chat_capture_core.py", "test_who.py",
    "test_declared_commands.py", "test_languages.py", "test_isolation_and_restart.py",
    "alerts/", "importing/", "dialogue/", "nudges/", "parsing/", "report/", "language/",
    # end to end
    "slack/test_slack_replay_db.py",
    "slack/test_slack_http.py::test_recorded_command_body_adds_client_and_answers_ephemerally",
    "slack/test_slack_http.py::test_missing_bad_or_stale_signature_is_401_and_writes_nothing",
    "slack/test_slack_http.py::test_retry_of_the_same_command_logs_once",
    "slack/test_slack_http.py::test_a_retry_while_the_first_is_still_running_waits_for_it",
    "slack/test_slack_interactive.py::test_incident_without_text_opens_modal_and_submission_logs",
    "slack/test_slack_interactive.py::test_double_submit_of_the_same_view_logs_once",
    "slack/test_slack_interactive.py::test_invoice_add_without_text_opens_modal_and_saves",
    "slack/test_slack_interactive.py::test_dialogue_buttons_update_the_message_in_place",
    "slack/test_slack_interactive.py::test_app_home_shows_summary_and_fire_button",
    "slack/test_slack_interactive.py::test_buttons_keep_working_after_a_restart",
    "hardening/test_crash_safety.py", "hardening/test_concurrency.py",
    "faults/test_slack_sweeps.py::test_concurrent_sweeps_with_the_same_at",
    "faults/test_slack_sweeps.py::test_killed_after_the_post_before_the_mark",
)


def _on_both(metafunc: pytest.Metafunc) -> bool:
    path = metafunc.definition.path.as_posix()
    name = metafunc.function.__name__
    for entry in BOTH_ENGINES:
        where, _, test = entry.partition("::")
        if (f"/tests/{where}" in path if where.endswith("/") else path.endswith(f"/tests/{where}")) and test in ("", name):
            return True
    return False


@pytest.hookimpl(tryfirst=True)  # before the fixture's own params are applied
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The tests in BOTH_ENGINES take both engines whatever REDFLAG_TEST_ENGINES says (direct parametrisation wins)."""
    own = any("engine" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize"))
    if "engine" in metafunc.fixturenames and not own and _on_both(metafunc):
        metafunc.parametrize("engine", ["sqlite", "postgresql"])


def engines() -> list[str]:
    """The engines the `store` fixture runs on by default (`REDFLAG_TEST_ENGINES`, e.g. `sqlite,postgresql`)."""
    chosen = [e.strip() for e in os.environ.get("REDFLAG_TEST_ENGINES", "sqlite").split(",") if e.strip()]
    return chosen or ["sqlite"]


@pytest.fixture(params=engines())
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def pg_store_template(pg_server: pg.PgServer) -> Iterator[str]:
    """A template database holding Redflag's schema (made by the store itself, as in production)."""
    from storage.store import Store

    yield from _template(pg_server, f"{TEMPLATE}_store_{os.getpid()}", lambda url: Store(url).close())


@pytest.fixture
def pg_store_url(pg_server: pg.PgServer, pg_store_template: str) -> Iterator[str]:
    with pg_server.database(template=pg_store_template) as url:
        yield url


@pytest.fixture
def store_url(engine: str, request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """Where the test's store lives: a SQLite file (the `db_path` fixture's) or a fresh PostgreSQL database."""
    if engine == "postgresql":
        return request.getfixturevalue("pg_store_url")
    return str(request.getfixturevalue("db_path"))
