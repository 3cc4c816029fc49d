"""Alembic migrations: a database from the previous release upgrades in place, stale or unknown revisions are
refused at start with both revisions named, and `redflag db upgrade` is a real, repeatable, concurrent command.

"The previous release" is the store's opening without Alembic: the per-area
migrations on SQLite (`Database.migrate`), `Database.migrate_postgresql` on
PostgreSQL, exactly what `Store` ran before `storage/migrations.py`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import migrations
from storage.db import Database
from storage.health import StoreUnusable
from storage.schema import metadata
from storage.store import COMPONENTS, Store

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-01T09:00:00+00:00"


def previous_release(target: str, versions: dict[str, int] | None = None) -> None:
    """A database as the previous release's `Store` left it (optionally with some areas at an older version),
    holding rows in several areas."""
    database = Database(target)
    try:
        if database.dialect.sqlite:
            for component, steps in COMPONENTS:
                database.migrate(component, steps[: (versions or {}).get(component, len(steps))])
        else:
            database.migrate_postgresql(COMPONENTS)
        with database.transaction():
            for n in range(3):
                database.execute("INSERT INTO workspaces (id, platform, name, created_at) VALUES (?, ?, ?, ?)",
                                 (f"T{n}", "slack", f"Team {n}", NOW))
                database.execute(
                    "INSERT INTO clients (workspace, owner, name, name_key, terms_days, currency, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", (f"T{n}", "U1", f"Acme {n}", f"acme {n}", 30, "EUR", NOW))
    finally:
        database.close()


def row_counts(target: str) -> dict[str, int]:
    database = Database(target)
    try:
        return {t.name: database.one(f"SELECT count(*) AS n FROM {t.name}")["n"] for t in metadata.sorted_tables
                if database.one(database.dialect.has_table(), (t.name,))}
    finally:
        database.close()


def revision(target: str) -> str:
    return migrations.revision_of(target)


@pytest.fixture
def target(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("pg_url") if engine == "postgresql" else str(tmp_path / "redflag.db")


def redflag(*args: str, target: str, cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    env["REDFLAG_DATABASE_URL" if "://" in target else "REDFLAG_DB"] = target
    env["LC_ALL"] = "en_US.UTF-8"  # the messages asserted are the English ones
    return subprocess.Popen([sys.executable, "-m", "redflag", *args], cwd=cwd, env=env, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finished(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def test_head_is_the_scripts_head() -> None:
    assert migrations.head() == migrations.scripts_head() == "0003_request_path_indexes"


def test_a_previous_release_database_upgrades_in_place_without_losing_a_row(target: str, tmp_path: Path) -> None:
    previous_release(target)
    before = row_counts(target)
    assert before["workspaces"] == 3 and before["clients"] == 3
    assert revision(target) == migrations.NO_REVISION
    code, out, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code == 0, err
    assert f"schema revision {migrations.head()}" in out
    assert revision(target) == migrations.head()
    assert row_counts(target) == before
    Store(target).close()  # and the bot starts on it


def test_sqlite_areas_at_older_versions_run_their_steps_then_get_stamped(tmp_path: Path) -> None:
    target = str(tmp_path / "redflag.db")
    previous_release(target, versions={"users": 1, "alerts": 1})
    before = row_counts(target)
    Store(target).close()  # the embedded default upgrades itself at start
    assert row_counts(target) == before
    assert revision(target) == migrations.head()
    database = Database(target)
    try:
        versions = dict(database.rows("SELECT component, version FROM schema_versions"))
    finally:
        database.close()
    assert versions == {name: len(steps) for name, steps in COMPONENTS}


def test_postgresql_from_the_previous_release_is_refused_until_db_upgrade(pg_url: str, tmp_path: Path) -> None:
    previous_release(pg_url)
    with pytest.raises(StoreUnusable) as refused:
        Store(pg_url)
    assert refused.value.reason == "older"
    assert refused.value.values == {"found": migrations.NO_REVISION, "expected": migrations.head()}
    code, _, err = finished(redflag("nudges", "preview", target=pg_url, cwd=tmp_path))
    assert code == 3
    assert f"schema revision {migrations.NO_REVISION}; this version of Redflag expects {migrations.head()}" in err
    assert "redflag db upgrade" in err


def test_an_unknown_revision_is_refused_naming_both(target: str, tmp_path: Path) -> None:
    Store(target).close()
    database = Database(target)
    try:
        with database.transaction():
            database.execute("UPDATE alembic_version SET version_num = ?", ("9999_from_the_future",))
    finally:
        database.close()
    with pytest.raises(StoreUnusable) as refused:
        Store(target)
    assert refused.value.reason == "revision_newer"
    assert refused.value.values == {"found": "9999_from_the_future", "expected": migrations.head()}
    code, _, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code == 3
    assert f"schema revision 9999_from_the_future, which this version of Redflag does not know (it expects {migrations.head()})" in err
    assert revision(target) == "9999_from_the_future"  # left as it was


def test_db_upgrade_twice_and_by_two_processes_at_once(target: str, tmp_path: Path) -> None:
    previous_release(target)
    before = row_counts(target)
    together = [redflag("db", "upgrade", target=target, cwd=tmp_path) for _ in range(2)]
    for proc in together:
        code, _, err = finished(proc)
        assert code == 0, err
    code, _, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code == 0, err
    assert row_counts(target) == before
    database = Database(target)
    try:
        assert database.one("SELECT count(*) AS n FROM alembic_version")["n"] == 1
    finally:
        database.close()
    code, out, err = finished(redflag("db", "current", target=target, cwd=tmp_path))
    assert code == 0, err
    assert f"schema revision {migrations.head()}; this version of Redflag expects {migrations.head()}" in out


COUNT_INDEX = "idx_incidents_workspace_owner_client_id_deleted_at"
ALERTS_INDEX = "idx_alerts_workspace_owner_client_id"


def _indexes(target: str, table: str = "incidents") -> set[str]:
    import sqlalchemy as sa

    from storage.db import engine_url

    engine = sa.create_engine(engine_url(target) if "://" in target else f"sqlite:///{target}")
    try:
        return {i["name"] for i in sa.inspect(engine).get_indexes(table)}
    finally:
        engine.dispose()


def test_a_database_at_0002_gets_the_request_path_indexes_in_place(target: str, tmp_path: Path) -> None:
    """Revision 0003: the covering index of the per-client incident count and the alerts' per-client index, added
    to a database of the release before it, rows kept; on SQLite the count is then answered from the index alone
    and a client's alerts are found by theirs."""
    Store(target).close()
    database = Database(target)
    try:
        with database.transaction():
            database.execute(f"DROP INDEX {COUNT_INDEX}")
            database.execute(f"DROP INDEX {ALERTS_INDEX}")
            database.execute("UPDATE alembic_version SET version_num = '0002_slack_tables'")
    finally:
        database.close()
    previous = row_counts(target)
    assert COUNT_INDEX not in _indexes(target) and ALERTS_INDEX not in _indexes(target, "alerts")
    assert revision(target) == "0002_slack_tables"
    code, out, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code == 0, err
    assert revision(target) == migrations.head() == "0003_request_path_indexes"
    assert COUNT_INDEX in _indexes(target) and ALERTS_INDEX in _indexes(target, "alerts")
    assert row_counts(target) == previous
    store = Store(target)
    try:
        if store.database.dialect.sqlite:
            from storage.sql.incidents import COUNT_FOR_CLIENT

            plan = store.database.rows("EXPLAIN QUERY PLAN " + COUNT_FOR_CLIENT.sql("sqlite"), ("T0", "U1", 1))
            assert f"COVERING INDEX {COUNT_INDEX}" in plan[0][-1]
            from storage.sql.alerts import CLIENT_ALERTS, LAST_CLIENT_ALERT

            for statement, values in ((CLIENT_ALERTS, ("T0", "U1", 1) * 2 + ("T0", "U1")), (LAST_CLIENT_ALERT, ("T0", "U1", 1))):
                plan = store.database.rows("EXPLAIN QUERY PLAN " + statement.sql("sqlite"), values)
                assert f"INDEX {ALERTS_INDEX}" in [step[-1] for step in plan if "alerts " in step[-1]][0]
    finally:
        store.close()


def test_a_new_database_is_made_and_stamped(target: str) -> None:
    Store(target).close()
    assert revision(target) == migrations.head()


def test_autogenerate_against_the_baseline_finds_nothing_to_do(target: str) -> None:
    """The baseline equals today's schema: Alembic's autogenerate sees no change to write (on SQLite the one
    difference it reports is its reading of primary-key columns as nullable, which SQLite's reflection gives)."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.db import engine_url

    Store(target).close()
    engine = sa.create_engine(engine_url(target) if "://" in target else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            # slack-sdk's tables (revision 0002, in the same database) stay out of the comparison
            assert sa.inspect(conn).has_table("slack_bots")
            diff = compare_metadata(MigrationContext.configure(conn, opts={"include_object": migrations.include_object}), metadata)
    finally:
        engine.dispose()
    primary = {(t.name, c.name) for t in metadata.sorted_tables for c in t.primary_key.columns}
    left = [d for d in diff if not (engine.dialect.name == "sqlite" and isinstance(d, list) and d[0][0] == "modify_nullable"
                                     and (d[0][2], d[0][3]) in primary)]
    assert left == []


# -- Slack's tables (revision 0002_slack_tables) --------------------------------------------------------------

def slack_revision():  # type: ignore[no-untyped-def]
    import importlib.util

    path = REPO / "storage" / "alembic" / "versions" / "0002_slack_tables.py"
    spec = importlib.util.spec_from_file_location("revision_0002", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_revision_declares_slack_sdks_tables_exactly() -> None:
    """The tables written out in the revision compile to the same DDL as slack-sdk's own, on both engines."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    revision_module = slack_revision()
    ours = revision_module.tables(sa.MetaData())
    sdk = sa.MetaData()
    theirs = (SQLAlchemyInstallationStore.build_installations_table(sdk, "slack_installations"),
              SQLAlchemyInstallationStore.build_bots_table(sdk, "slack_bots"),
              SQLAlchemyOAuthStateStore.build_oauth_states_table(sdk, "slack_oauth_states"))

    def ddl(table: sa.Table, dialect: sa.Dialect) -> list[str]:
        return [str(CreateTable(table).compile(dialect=dialect))] + sorted(
            str(CreateIndex(i).compile(dialect=dialect)) for i in table.indexes)

    for dialect in (sqlite.dialect(), postgresql.dialect()):
        assert [ddl(t, dialect) for t in ours] == [ddl(t, dialect) for t in theirs]
    for mine, sdks in zip(ours, theirs):  # the Python-side defaults slack-sdk's inserts rely on
        assert {c.name: (c.default is not None) for c in mine.columns} == {c.name: (c.default is not None) for c in sdks.columns}
    assert tuple(t.name for t in ours) == revision_module.NAMES == migrations.SLACK_TABLES


def slack_rows(target: str) -> dict[str, int]:
    database = Database(target)
    try:
        return {name: database.one(f"SELECT count(*) AS n FROM {name}")["n"] for name in migrations.SLACK_TABLES}
    finally:
        database.close()


def _install(team: str | None, token: str, enterprise: str | None = None):  # type: ignore[no-untyped-def]
    from slack_sdk.oauth.installation_store import Installation

    return Installation(app_id="A1", enterprise_id=enterprise, team_id=team, user_id="U1", bot_token=token, bot_id="B1",
                        bot_user_id="UB", bot_scopes="commands", is_enterprise_install=team is None)


def test_a_previous_release_database_with_slack_sdks_tables_upgrades_keeping_every_installation(target: str, tmp_path: Path) -> None:
    """The previous release let slack-sdk make its tables (create_all): the revision keeps them and every row."""
    import sqlalchemy as sa
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    from adapters.slack.installations import SharedInstallationStore, open_engine

    previous_release(target)
    engine = open_engine(target)
    old = SQLAlchemyInstallationStore(client_id="C1", engine=engine)
    old.create_tables()
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    states.metadata.create_all(engine)
    old.save(_install("T1", "xoxb-t1-first"))
    old.save(_install("T1", "xoxb-t1-latest"))
    old.save(_install("T2", "xoxb-t2"))
    old.save(_install(None, "xoxb-org", enterprise="E1"))
    state = states.issue()
    engine.dispose()
    before, slack_before = row_counts(target), slack_rows(target)
    assert slack_before == {"slack_installations": 4, "slack_bots": 4, "slack_oauth_states": 1}
    if "://" in target:  # a PostgreSQL worker refuses to start on it until the deploy step ran
        with pytest.raises(StoreUnusable) as refused:
            Store(target)
        assert refused.value.reason == "older" and refused.value.values["expected"] == migrations.head()

    code, out, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code == 0, err
    assert f"schema revision {migrations.head()}" in out
    assert row_counts(target) == before and slack_rows(target) == slack_before
    code, out, err = finished(redflag("db", "current", target=target, cwd=tmp_path))
    assert code == 0, err
    assert f"schema revision {migrations.head()}; this version of Redflag expects {migrations.head()}" in out

    Store(target).close()
    store = SharedInstallationStore(client_id="C1", engine=open_engine(target))
    try:
        assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-t1-latest"
        assert store.find_installation(enterprise_id=None, team_id="T2").bot_token == "xoxb-t2"
        assert store.find_bot(enterprise_id="E1", team_id=None, is_enterprise_install=True).bot_token == "xoxb-org"
        assert SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=store.engine).consume(state) is True
        indexes = {i["name"] for t in ("slack_bots", "slack_installations") for i in sa.inspect(store.engine).get_indexes(t)}
        assert indexes == {"slack_bots_idx", "slack_installations_idx"}
    finally:
        store.close()


def test_slacks_stores_make_no_table_and_refuse_postgresql_without_them(pg_url: str) -> None:
    """slack-sdk no longer makes its tables at start: on a PostgreSQL database without the revision the
    installation and state stores refuse, naming both revisions, and leave the database as it was."""
    from adapters.slack.installations import SharedInstallationStore, SharedStateStore, open_engine

    previous_release(pg_url)
    for make in (lambda e: SharedInstallationStore(client_id="C1", engine=e),
                 lambda e: SharedStateStore(expiration_seconds=600, engine=e)):
        engine = open_engine(pg_url)
        try:
            with pytest.raises(StoreUnusable) as refused:
                make(engine)
        finally:
            engine.dispose()
        assert refused.value.reason == "older"
        assert refused.value.values == {"found": migrations.NO_REVISION, "expected": migrations.head()}
    database = Database(pg_url)
    try:
        assert not any(database.one(database.dialect.has_table(), (name,)) for name in migrations.SLACK_TABLES)
    finally:
        database.close()


def test_a_new_database_gets_slacks_tables_from_db_upgrade(target: str, tmp_path: Path) -> None:
    from adapters.slack.installations import SharedInstallationStore, SharedStateStore, open_engine

    code, out, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code == 0, err
    assert slack_rows(target) == {name: 0 for name in migrations.SLACK_TABLES}
    code, out, err = finished(redflag("db", "current", target=target, cwd=tmp_path))
    assert code == 0, err
    assert f"schema revision {migrations.head()}; this version of Redflag expects {migrations.head()}" in out
    store = SharedInstallationStore(client_id="C1", engine=open_engine(target))
    try:
        store.save(_install("T9", "xoxb-t9"))
        assert store.find_bot(enterprise_id=None, team_id="T9").bot_token == "xoxb-t9"
        assert SharedStateStore(expiration_seconds=600, engine=store.engine).issue()
    finally:
        store.close()
    assert slack_rows(target)["slack_bots"] == 1


def test_a_slack_table_of_another_shape_stops_the_upgrade_and_changes_nothing(target: str, tmp_path: Path) -> None:
    previous_release(target)
    database = Database(target)
    try:
        with database.transaction():
            database.execute("CREATE TABLE slack_bots (id INTEGER PRIMARY KEY, client_id VARCHAR(32))")
    finally:
        database.close()
    code, _, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code != 0
    assert "slack_bots is not slack-sdk's SQLAlchemy table" in err and "app_id" in err
    assert revision(target) == migrations.NO_REVISION
    database = Database(target)
    try:
        assert not database.one(database.dialect.has_table(), ("slack_installations",))
    finally:
        database.close()


def test_a_database_at_the_baseline_gets_the_missing_slack_tables_and_keeps_the_others(target: str, tmp_path: Path) -> None:
    """The release with only the baseline: slack-sdk made the installation tables at start, no OAuth state yet."""
    Store(target).close()
    database = Database(target)
    try:
        with database.transaction():
            database.execute("DROP TABLE slack_oauth_states")
            database.execute("INSERT INTO slack_bots (client_id, app_id, team_id, bot_token, is_enterprise_install, installed_at) "
                             "VALUES ('C1', 'A1', 'T1', 'xoxb-kept', ?, '2026-11-01 09:00:00.000000')", (False,))
            database.execute("UPDATE alembic_version SET version_num = ?", (migrations.BASELINE,))
    finally:
        database.close()
    code, _, err = finished(redflag("db", "upgrade", target=target, cwd=tmp_path))
    assert code == 0, err
    assert revision(target) == migrations.head()
    assert slack_rows(target) == {"slack_installations": 0, "slack_bots": 1, "slack_oauth_states": 0}
