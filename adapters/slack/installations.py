"""Slack installations and OAuth state in the shared database, through slack-sdk's SQLAlchemy stores.

Every Slack worker reads the same installations: slack-sdk's
`SQLAlchemyInstallationStore` and `SQLAlchemyOAuthStateStore` over an engine
on `REDFLAG_DATABASE_URL` (PostgreSQL) or the `REDFLAG_DB` file (SQLite).
Their sync methods run on threads of the store's own, so the event loop never
waits on the database for an installation (issue 20); a bot found is kept
for `BOT_TTL` seconds (Bolt asks for it on every request), any save or delete
in this process clears that at once, and a change by another worker shows
within the TTL (a token refresh re-reads past it: `rotation.py`).

Their tables are the schema's (revision `0002_slack_tables` in
`storage/alembic/`, which also converts a SQLite file from before, written by
slack-sdk's `SQLite3InstallationStore`); slack-sdk never makes them here. A
store opened on a database without them upgrades a SQLite file (as any start
does) and refuses PostgreSQL until `redflag db upgrade`.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, AsyncIterator

from cachetools import TTLCache
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from storage.db import engine_url, is_postgresql, lock_beside
from storage.dialect import POSTGRESQL
from storage.migrations import require_tables

#: Seconds a found bot is answered from memory.
BOT_TTL = 5.0
#: At most this many workspaces' bots are kept.
BOTS_KEPT = 10_000


def open_engine(database: str) -> Engine:
    """The Slack stores' own small engine on the shared database (the core's store keeps its own)."""
    if is_postgresql(database):
        return create_engine(engine_url(database), pool_size=2, max_overflow=6, pool_pre_ping=True)
    path = database[len("sqlite:///"):] if database.startswith("sqlite:///") else database
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(conn: sqlite3.Connection, record: object) -> None:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")

    return engine


def _sqlite_path(engine: Engine) -> str | None:
    return engine.url.database if engine.dialect.name == "sqlite" else None


class SharedInstallationStore(SQLAlchemyInstallationStore, AsyncInstallationStore):
    """slack-sdk's SQLAlchemy store with async methods off the loop and a short memory of bots found."""

    def __init__(self, *, client_id: str, engine: Engine, logger: logging.Logger | None = None) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=logger or logging.getLogger(__name__))
        require_tables(engine)  # made by the schema's revisions (storage/alembic), never here
        self._thread = ThreadPoolExecutor(max_workers=2, thread_name_prefix="redflag-installations")
        self._bots: TTLCache[tuple, Any] = TTLCache(BOTS_KEPT, BOT_TTL, timer=time.monotonic)
        self._bots_lock = threading.Lock()  # cleared from the store's threads, read on the loop
        self._generation = 0  # bumped by every write, so a look-up that overlapped one is not kept
        self._locks: dict[str, asyncio.Lock] = {}

    def _forget(self) -> None:
        with self._bots_lock:
            self._generation += 1
            self._bots.clear()

    def _writing(self, write, /, **kwargs: Any):
        """A write, with the bots kept in memory cleared before and after (a look-up may overlap it)."""
        self._forget()
        try:
            return write(**kwargs)
        finally:
            self._forget()

    async def _off_loop(self, fn, /, *args: Any, **kwargs: Any):
        return await asyncio.get_running_loop().run_in_executor(self._thread, partial(fn, *args, **kwargs))

    # -- every write clears the bots kept in memory --------------------------
    def save(self, installation):
        return self._writing(super().save, installation=installation)

    def save_bot(self, bot):
        return self._writing(super().save_bot, bot=bot)

    def delete_bot(self, *, enterprise_id, team_id):
        return self._writing(super().delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(self, *, enterprise_id, team_id, user_id=None):
        return self._writing(super().delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    # -- async, as Bolt calls them ---------------------------------------------
    async def async_save(self, installation):
        return await self._off_loop(self.save, installation)

    async def async_save_bot(self, bot):
        return await self._off_loop(self.save_bot, bot)

    async def async_find_bot(self, *, enterprise_id, team_id, is_enterprise_install=False):
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        with self._bots_lock:
            kept = self._bots.get(key)
        if kept is not None:
            return kept
        return await self.async_read_bot(enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install)

    async def async_read_bot(self, *, enterprise_id, team_id, is_enterprise_install=False):
        """The bot as the database holds it now (past the memory), and kept for the next look-ups."""
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        generation = self._generation
        bot = await self._off_loop(self.find_bot, enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install)
        with self._bots_lock:
            if bot is not None and generation == self._generation:
                self._bots[key] = bot
        return bot

    async def async_find_installation(self, *, enterprise_id, team_id, user_id=None, is_enterprise_install=False):
        return await self._off_loop(
            self.find_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, is_enterprise_install=is_enterprise_install
        )

    async def async_delete_bot(self, *, enterprise_id, team_id):
        return await self._off_loop(self.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id, team_id, user_id=None):
        return await self._off_loop(self.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    # -- one worker at a time per team ------------------------------------------
    @asynccontextmanager
    async def team_lock(self, key: str) -> AsyncIterator[None]:
        """Held by one worker (and one task in it) at a time for `key`, across processes.

        PostgreSQL: an advisory lock in a transaction of its own (the store's `Dialect.lock_sql`).
        SQLite: an flock on a file beside the database; SQLite's write lock would do too, but held
        across the refresh's HTTP call it would stop every other write to the file meanwhile.
        """
        local = self._locks.setdefault(key, asyncio.Lock())
        async with local:
            release = await asyncio.to_thread(self._acquire, "slack-token" + "\x1f" + key)
            try:
                yield
            finally:
                await asyncio.to_thread(release)

    def _acquire(self, key: str):
        path = _sqlite_path(self.engine)
        if path:
            return lock_beside(path, "slack-tokens.lock")
        conn = self.engine.connect()
        tx = conn.begin()
        conn.exec_driver_sql(POSTGRESQL.driver_sql(POSTGRESQL.lock_sql() or ""), (key,))

        def release() -> None:
            try:
                tx.rollback()  # nothing was written on this connection: ending it frees the lock
            finally:
                conn.close()

        return release

    def close(self) -> None:
        """Stop the store's threads and close its connections (at shutdown)."""
        self._thread.shutdown(wait=False)
        self.engine.dispose()


class SharedStateStore(SQLAlchemyOAuthStateStore):
    """slack-sdk's SQLAlchemy OAuth state store, its async methods off the loop (any worker may end an install)."""

    def __init__(self, *, expiration_seconds: int, engine: Engine, logger: logging.Logger | None = None) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine, logger=logger or logging.getLogger(__name__))
        require_tables(engine)

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.consume, state)
