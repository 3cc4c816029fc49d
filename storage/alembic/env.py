"""Alembic's environment: `storage.schema.metadata` as the target, on the connection `storage/migrations.py` hands in.

Run through `storage/migrations.py` (`redflag db upgrade`), which opens the
store's own connection inside a transaction and passes it in
`config.attributes["connection"]`. Run by the `alembic` command (to write a
revision with `--autogenerate`), the URL comes from `sqlalchemy.url` or
`REDFLAG_DATABASE_URL`. Slack's tables (`slack_*`, made by `0002_slack_tables`
in slack-sdk's shape, not declared in `storage.schema`) are left out of
autogenerate.
"""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from storage.db import engine_url
from storage.migrations import include_object
from storage.schema import metadata



def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection, target_metadata=metadata, include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
    )
    with context.begin_transaction():
        context.run_migrations()


config = context.config
given = config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("REDFLAG_DATABASE_URL") or "sqlite:///redflag.db"
    engine = create_engine(engine_url(url))
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
