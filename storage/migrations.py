"""Alembic migrations: `redflag db upgrade`, `redflag db current`, and the revision check at start-up.

The schema's history is Alembic's (`storage/alembic/`, found from this
package, so no alembic.ini is needed once installed). Its baseline,
`0001_baseline`, is the schema the per-area migrations (SQLite) and
`storage/pg_schema.py` (PostgreSQL) make; an upgrade first brings a database
to it that way (a file from the previous release runs its remaining
per-area steps in place; a new database is made whole), stamps the baseline
where no revision is recorded, then applies the later revisions. All of it
runs under one lock (the file lock of `storage.db.opening` on SQLite, the
caller's; an advisory lock on PostgreSQL), so two processes upgrading
together leave one result.

At start-up SQLite files upgrade themselves (the embedded default needs no
set-up); PostgreSQL is made whole only when empty, and otherwise must be at
this code's head: an older one waits for `redflag db upgrade` (a deploy
step), a revision this code does not know was written by a newer Redflag.

Slack's tables (`slack_installations`, `slack_bots`, `slack_oauth_states`,
read and written by slack-sdk's SQLAlchemy stores) are revision
`0002_slack_tables`; the Slack adapter checks they are there
(`require_tables`) instead of letting slack-sdk make them.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from storage.health import StoreUnusable

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine

    from storage.db import Database

BASELINE = "0001_baseline"
#: The newest revision in `storage/alembic/versions/`, said here too so a start-up on a current database does
#: not import Alembic (about half a second); `tests/storage/test_migrations.py` fails when the two disagree.
HEAD = "0003_request_path_indexes"
#: What `redflag db current` shows for a database with no revision recorded (Alembic's own word).
NO_REVISION = "base"


#: slack-sdk's tables, made by revision `0002_slack_tables` (the test holds the two lists together).
SLACK_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate leaves slack-sdk's tables (`slack_bots`, `slack_installations`, ...) alone: their shape is
    slack-sdk's, written out in `0002_slack_tables`, not `storage.schema.metadata`'s."""
    if type_ == "table" and reflected and compare_to is None:
        return not str(name).startswith("slack_")
    return True


def config() -> "Config":
    """Alembic's configuration, made in code: the scripts beside this module wherever the package is installed."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "alembic"))
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> "ScriptDirectory":
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


def head() -> str:
    """The newest revision this code knows."""
    return HEAD


def scripts_head() -> str:
    """The head of the revision scripts themselves (what `HEAD` must equal)."""
    return str(_scripts().get_current_head())


def known(revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except (CommandError, KeyError):
        return False


def current(database: "Database") -> str | None:
    """The revision recorded in the database, or None when it has none."""
    if not database.one(database.dialect.has_table(), ("alembic_version",)):
        return None
    row = database.one("SELECT version_num FROM alembic_version")
    return str(row["version_num"]) if row else None


def _refuse_unknown(database: "Database", found: str | None) -> None:
    if found is not None and found != HEAD and not known(found):
        raise StoreUnusable("revision_newer", database.path, found=found, expected=head())


def upgrade_database(database: "Database", components: Sequence[tuple[str, Sequence]]) -> str:
    """Bring an open database to this code's head; returns the revision it is at. SQLite: inside `opening`."""
    found = current(database)
    _refuse_unknown(database, found)
    if database.dialect.sqlite:
        for component, migrations in components:
            database.migrate(component, migrations)
        if found == head():
            return found
    else:
        database.migrate_postgresql(components)
    if database.dialect.sqlite and database.path != ":memory:":
        # Alembic on a connection of its own (the caller holds the file lock), so the store's one
        # connection is left exactly as the per-area steps left it.
        from sqlalchemy import create_engine

        engine = create_engine(f"sqlite:///{database.path}", connect_args={"timeout": 30})
        try:
            with engine.begin() as conn:
                _revisions(database, conn)
        finally:
            engine.dispose()
        return head()
    with database.transaction() as conn:
        database.lock("redflag-schema")
        _revisions(database, conn)
    return head()


def _revisions(database: "Database", conn: object) -> None:
    """Stamp the baseline where no revision is recorded, then upgrade to head, in the caller's transaction."""
    from alembic import command
    from alembic.migration import MigrationContext

    found = MigrationContext.configure(conn).get_current_revision()  # another process may have upgraded it meanwhile
    _refuse_unknown(database, found)
    cfg = config()
    cfg.attributes["connection"] = conn
    if found is None:
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, "head")


def check_at_start(database: "Database", components: Sequence[tuple[str, Sequence]]) -> None:
    """Start-up: SQLite upgrades itself; PostgreSQL is made when empty, else must be at head (see the docstring)."""
    if database.dialect.sqlite:
        upgrade_database(database, components)
        return
    found = current(database)
    if found == head():
        return
    _refuse_unknown(database, found)
    if found is None and not database.one(database.dialect.has_table(), ("schema_versions",)):
        upgrade_database(database, components)  # an empty database: nothing in it to migrate
        return
    raise StoreUnusable("older", database.path, found=found or NO_REVISION, expected=head())


def require_tables(engine: "Engine", names: Sequence[str] = SLACK_TABLES) -> None:
    """Tables a platform library reads (slack-sdk's) are there before it runs; nothing is made here.

    A SQLite file missing them upgrades itself, as at any start; on PostgreSQL
    their absence means the database is older than this code (`redflag db
    upgrade` has not run), refused the same way as in `check_at_start`.
    """
    from sqlalchemy import inspect

    inspector = inspect(engine)
    if all(inspector.has_table(name) for name in names):
        return
    if engine.dialect.name == "sqlite":
        upgrade(str(engine.url.database))
        return
    from storage.db import masked

    with engine.connect() as conn:
        found = None
        if inspector.has_table("alembic_version"):
            found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    raise StoreUnusable("older", masked(engine.url.render_as_string(hide_password=False)),
                        found=found or NO_REVISION, expected=head())


def upgrade(target: str) -> str:
    """`redflag db upgrade`: the database at `target` brought to head; returns its revision."""
    from storage.db import Database, opening
    from storage.store import COMPONENTS

    with opening(target):
        database = Database(target)
        try:
            return upgrade_database(database, COMPONENTS)
        finally:
            database.close()


def revision_of(target: str) -> str:
    """`redflag db current`: the revision recorded at `target` (NO_REVISION when none)."""
    from storage.db import Database

    database = Database(target)
    try:
        return current(database) or NO_REVISION
    finally:
        database.close()
