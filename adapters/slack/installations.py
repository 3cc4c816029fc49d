"""slack-sdk's SQLite installation store, with one reusable connection per thread and off the loop.

The stock store opens a new SQLite connection for every look-up and runs it
on the event loop (its `async_*` methods are synchronous underneath): ~47x
the raw query on every OAuth request (issue 20). Here each thread keeps its
connection (WAL, busy timeout, like the rest of the file), and the async
methods Bolt calls run on one thread of their own, so the loop never waits
on SQLite for an installation. A bot found is kept for `BOT_TTL` seconds (Bolt
asks for it on every request); any save or delete in this process clears that
at once, and a change by another process shows within the TTL. Same tables,
same rows, same behaviour.
"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
import time
from typing import Any

from cachetools import TTLCache
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore


#: Seconds a found bot is answered from memory.
BOT_TTL = 5.0
#: At most this many workspaces' bots are kept.
BOTS_KEPT = 10_000


class ReusingInstallationStore(SQLite3InstallationStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redflag-installations")
        self._bots: TTLCache[tuple, Any] = TTLCache(BOTS_KEPT, BOT_TTL, timer=time.monotonic)
        self._bots_lock = threading.Lock()  # cleared from the store's thread, read on the loop
        self._generation = 0  # bumped by every write, so a look-up that overlapped one is not kept

    def _forget(self) -> None:
        with self._bots_lock:
            self._generation += 1
            self._bots.clear()

    def connect(self) -> sqlite3.Connection:
        if not self.init_called:
            self.init()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(database=self.database, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            self._all.append(conn)
        return conn

    async def _off_loop(self, fn, /, *args: Any, **kwargs: Any):
        return await asyncio.get_running_loop().run_in_executor(self._thread, partial(fn, *args, **kwargs))

    # -- every write clears the bots kept in memory --------------------------
    def _writing(self, write, **kwargs):
        """`write(**kwargs)` with the kept bots forgotten before (a reader mid-write) and after it."""
        self._forget()
        try:
            return write(**kwargs)
        finally:
            self._forget()

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
            kept, generation = self._bots.get(key), self._generation
        if kept is not None:
            return kept
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

    def close(self) -> None:
        """Close every thread's connection (at shutdown)."""
        self._thread.shutdown(wait=False)
        for conn in self._all:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._all.clear()
        self._local = threading.local()
