"""One answer per Slack request, across retries, restarts and workers, kept in the database.

A Slack retry (`X-Slack-Retry-Num`), a double click or a resubmitted modal
carries the same request key. The first copy marks the key as running in the
store's `request_answers` table and stores its answer when done; a copy that
arrives meanwhile waits for that answer (polling the row, so it works across
processes), and a later one gets it at once. Writes are also keyed on the
request id in their own tables, so even a copy that runs again after a crash
writes nothing twice. The looking up and remembering is the core's
(`bot/answers.py`); this module decides when to wait and on which thread.

A command known to be short (`bot/lanes.py`) runs inline on the event loop in
ONE transaction that reads the key, runs the core (its writes nest as
savepoints) and stores the answer: one commit before the ack, no thread
hand-off. While that transaction holds SQLite's write lock no other process
can claim the key, so no `running` row is needed. Slow commands run on a pool
of threads with the claim / finish rows of above, so a long report never holds
the write lock nor the loop, and never queues a short command behind it.

On PostgreSQL (`answers.inline` false) a short command keeps its one
transaction but runs it on a pool of its own (`short_pool`): each statement
there is a network round trip, and inline it would hold the loop, and every
other request, through those waits (issue 16). The guarantees are the
inline ones: the answer is kept in the transaction of the writes, and the
writes are keyed on the request id, so a copy on another worker writes
nothing twice.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from concurrent.futures import Executor
from datetime import datetime, timezone
from typing import Callable

from bot import lanes
from bot.answers import Answers
from bot.events import Event
from bot.replies import Reply

log = logging.getLogger(__name__)

#: How long a command's answer is given again (Slack retries within minutes; replays within 5).
ANSWER_TTL = 3600.0
#: A running copy older than this is taken to have died with its process.
STALE_AFTER = 30.0
POLL = 0.05


def request_key(*parts: object) -> str:
    """A stable text key; long or structured parts (a form's values) are hashed."""
    out = []
    for part in parts:
        if isinstance(part, (tuple, list, dict)):
            out.append(hashlib.sha256(json.dumps(part, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32])
        else:
            out.append(str(part))
    return "|".join(out)


async def _now(fn, *args):  # type: ignore[no-untyped-def]
    """Run `fn` here, on the loop (a short command on SQLite)."""
    return fn(*args)


class RetryMemory:
    def __init__(self, answers: Answers, worker: Executor, handle: Callable[[Event], list[Reply]],
                 clock: Callable[[], datetime] | None = None, short_pool: Executor | None = None) -> None:
        self.answers = answers
        self.worker = worker
        self.short_pool = short_pool if short_pool is not None else worker
        self.handle = handle
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._finished = 0

    async def _db(self, fn, *args, **kwargs):
        # Off the loop (the core's worker may hold the connection's lock), but not on that
        # one worker, or a waiting copy would queue behind the copy it waits for.
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def answer(self, workspace: str, key: str | None, event: Event, ttl: float = ANSWER_TTL) -> list[Reply]:
        if lanes.is_short(event):
            pool = None if self.answers.inline else self.short_pool
            return await self.inline(workspace, key, event, ttl, pool=pool)
        return await self.threaded(workspace, key, event, ttl)

    # -- short commands: inline (or on the short pool), one transaction --------
    async def inline(self, workspace: str, key: str | None, event: Event, ttl: float = ANSWER_TTL,
                     pool: Executor | None = None) -> list[Reply]:
        """One transaction per request; on the loop itself unless a `pool` is given (PostgreSQL)."""
        if pool is None:
            call = _now
        else:
            loop = asyncio.get_running_loop()

            def call(fn, *args):  # type: ignore[no-untyped-def]
                return loop.run_in_executor(pool, fn, *args)
        if key is None:
            return await call(self.handle, event)
        deadline = time.monotonic() + STALE_AFTER
        while True:
            try:
                replies = await call(self._once, workspace, key, event, ttl, time.monotonic() > deadline)
            except Exception as err:  # e.g. a full disk at commit: the core answers (and says so) without the memory
                log.error("retry memory unavailable: %s", type(err).__name__)
                return await call(self.handle, event)
            if replies is not None:
                return replies
            await asyncio.sleep(POLL)  # another process runs this very request (its slow path): wait for its answer

    def _once(self, workspace: str, key: str, event: Event, ttl: float, force: bool) -> list[Reply] | None:
        """Look up, run and remember in one transaction; None while another copy is running."""
        outcome = self.answers.once(workspace, key, event, self.clock(), ttl=ttl, stale_after=STALE_AFTER,
                                    force=force, purge=self._finished % 500 == 0)
        if outcome.action == "done":
            log.info("repeated Slack request answered from the retry memory")
        elif outcome.action == "run":
            self._finished += 1
        return outcome.answer

    # -- slow commands, buttons, forms: a thread of the pool, claim / finish ---
    async def threaded(self, workspace: str, key: str | None, event: Event, ttl: float = ANSWER_TTL) -> list[Reply]:
        loop = asyncio.get_running_loop()
        if key is None:
            return await loop.run_in_executor(self.worker, self.handle, event)
        answers = self.answers
        deadline = time.monotonic() + STALE_AFTER
        while True:
            try:
                claim = await self._db(answers.claim, workspace, key, self.clock(), ttl=ttl, stale_after=STALE_AFTER)
            except Exception as err:  # e.g. a full disk: the core answers (and says so) without the memory
                log.error("retry memory unavailable: %s", type(err).__name__)
                return await loop.run_in_executor(self.worker, self.handle, event)
            if claim.action == "done" and claim.answer is not None:
                log.info("repeated Slack request answered from the retry memory")
                return claim.answer
            if claim.action == "run" or time.monotonic() > deadline:
                break
            await asyncio.sleep(POLL)
        try:
            replies = await loop.run_in_executor(self.worker, self.handle, event)
        except BaseException:
            await self._db(answers.release, workspace, key)
            raise
        try:
            await self._db(answers.finish, workspace, key, replies, self.clock(), ttl)
            self._finished += 1
            if self._finished % 500 == 1:
                await self._db(answers.purge, self.clock())
        except Exception as err:  # the answer still goes out; a retry finds the writes keyed anyway
            log.error("retry memory not updated: %s", type(err).__name__)
        return replies
