"""Slack's tables: installations, bots and OAuth states, as slack-sdk's SQLAlchemy stores declare them.

`adapters/slack/installations.py` keeps Slack installations and OAuth state
in the shared database through slack-sdk's `SQLAlchemyInstallationStore` and
`SQLAlchemyOAuthStateStore`. Until this revision slack-sdk made its tables at
start (`create_all`); now they are part of the schema's history, so a
PostgreSQL worker refuses to start without them like without any other table.

The tables are written out here (not imported from slack-sdk: the schema
does not depend on a platform SDK, and a revision must not change when the
SDK does); `tests/storage/test_migrations.py` holds them equal to slack-sdk's.

Existing databases: a table slack-sdk already made is kept as it is, with
every row, once its columns and index are checked; a SQLite file still in
slack-sdk's older `SQLite3InstallationStore` shape ('' for "no team", expiry
as epoch seconds) is converted in the revision's transaction, its old rows
kept in `slack_bots_sqlite3` / `slack_installations_sqlite3`.

Revision ID: 0002_slack_tables
Revises: 0001_baseline
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_slack_tables"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

_LEGACY = ("slack_installations", "slack_bots")


def tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table]:
    """slack-sdk 3.x's `build_installations_table`, `build_bots_table`, `build_oauth_states_table`, literally."""
    installations = sa.Table(
        "slack_installations", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("enterprise_url", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("user_token", sa.String(200)),
        sa.Column("user_scopes", sa.String(1000)),
        sa.Column("user_refresh_token", sa.String(200)),
        sa.Column("user_token_expires_at", sa.DateTime),
        sa.Column("incoming_webhook_url", sa.String(200)),
        sa.Column("incoming_webhook_channel", sa.String(200)),
        sa.Column("incoming_webhook_channel_id", sa.String(200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean, default=False, nullable=False),
        sa.Column("token_type", sa.String(32)),
        sa.Column("installed_at", sa.DateTime, nullable=False, default=sa.func.now()),
        sa.Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
    )
    bots = sa.Table(
        "slack_bots", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime),
        sa.Column("is_enterprise_install", sa.Boolean, default=False, nullable=False),
        sa.Column("installed_at", sa.DateTime, nullable=False, default=sa.func.now()),
        sa.Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
    )
    states = sa.Table(
        "slack_oauth_states", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime, nullable=False),
    )
    return installations, bots, states


#: The tables this revision makes (what `adapters/slack/installations.py` checks for at start).
NAMES = ("slack_installations", "slack_bots", "slack_oauth_states")


def _in_transaction(conn: sa.Connection) -> None:
    """SQLite (pysqlite) runs DDL outside a transaction unless one is open: open one, so a crash leaves nothing half-done."""
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _convert_sqlite3(conn: sa.Connection, installations: sa.Table, bots: sa.Table) -> None:
    """slack-sdk's SQLite3 tables (a file from before the SQLAlchemy stores) -> the SQLAlchemy ones, rows and all."""
    info = {r[1]: r[3] for r in conn.exec_driver_sql("PRAGMA table_info(slack_bots)")}
    if not info.get("enterprise_id"):  # no table, or already the SQLAlchemy one (NULL allowed)
        return
    for name in _LEGACY:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}_idx")
        conn.exec_driver_sql(f"ALTER TABLE {name} RENAME TO {name}_sqlite3")
    installations.create(conn)
    bots.create(conn)

    def stamp(col: str) -> str:  # epoch seconds or 'YYYY-MM-DD HH:MM:SS' -> SQLAlchemy's text form
        return (f"CASE WHEN {col} IS NULL THEN NULL WHEN typeof({col}) IN ('integer', 'real') "
                f"THEN datetime({col}, 'unixepoch') || '.000000' WHEN length({col}) = 19 THEN {col} || '.000000' ELSE {col} END")

    for table in (installations, bots):
        cols = [c.name for c in table.columns if c.name != "id"]
        picks = [
            f"NULLIF({c}, '')" if c in ("enterprise_id", "team_id")
            else stamp(c) if c in ("installed_at", "bot_token_expires_at", "user_token_expires_at")
            else c
            for c in cols
        ]
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT {', '.join(picks)} FROM {table.name}_sqlite3 ORDER BY id")


class ShapeMismatch(RuntimeError):
    """A `slack_*` table already there is not the one slack-sdk's SQLAlchemy store reads and writes."""


def _check(conn: sa.Connection, table: sa.Table) -> None:
    """A table slack-sdk made: every column it declares, with the same nullability, and its index."""
    inspector = sa.inspect(conn)
    found = {c["name"]: c for c in inspector.get_columns(table.name)}
    missing = [c.name for c in table.columns if c.name not in found]
    nullability = [c.name for c in table.columns if c.name in found and not c.primary_key
                   and bool(found[c.name]["nullable"]) != bool(c.nullable)]
    indexes = {i["name"] for i in inspector.get_indexes(table.name)}
    absent = [i.name for i in table.indexes if i.name not in indexes]
    if missing or nullability or absent:
        raise ShapeMismatch(
            f"{table.name} is not slack-sdk's SQLAlchemy table: missing columns {missing}, "
            f"nullability differs on {nullability}, missing indexes {absent}")


def upgrade() -> None:
    """Make each table that is missing; keep (after checking) each one slack-sdk already made."""
    conn = op.get_bind()
    installations, bots, states = tables(sa.MetaData())
    _in_transaction(conn)
    if conn.dialect.name == "sqlite":
        _convert_sqlite3(conn, installations, bots)
    for table in (installations, bots, states):
        if sa.inspect(conn).has_table(table.name):
            _check(conn, table)
        else:
            table.create(conn)  # with its index


def downgrade() -> None:
    """Nothing: the tables hold every workspace's installation, and slack-sdk made them before this revision did."""
