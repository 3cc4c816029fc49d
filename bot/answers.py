"""One answer per platform request key: the core's side of answering a retried request once.

A platform that retries (Slack after 3 s, a double click, a resubmitted
modal) sends the same request key again; the adapter's retry memory
(`adapters/slack/replay.py`) decides when to wait and on which thread, and
asks here to look a key up, run the event, and remember its answer in the
store's `request_answers` table (`storage/requests.py`), shared by every
process. Which answers are worth giving again is decided here, once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Sequence

from bot import reply_codec
from bot.events import Event
from bot.replies import Reply

if TYPE_CHECKING:
    from storage.store import Store


def remember(replies: Sequence[Reply]) -> bool:
    """Whether a retry should get these replies again instead of asking the core.

    Refusals are not kept (the user corrects and sends again), nor files
    (exports can be large and a second export writes nothing), nor replies
    whose files follow (`later`: the report, which writes nothing either).
    """
    return not any(r.form_errors or r.files or r.later for r in replies)


@dataclass(frozen=True)
class Claimed:
    """`run` the event (this copy is first), `wait` for the copy running, or `done` with its `answer`."""

    action: str
    answer: list[Reply] | None = None


class Answers:
    def __init__(self, store: "Store", handle: Callable[[Event], list[Reply]]) -> None:
        self._store = store
        self._requests = store.requests
        self._handle = handle
        #: Whether a short command may run its one transaction inline on an adapter's event loop:
        #: yes on SQLite (an in-process file, microseconds per statement), no on PostgreSQL, where every
        #: statement is a network round trip that would hold the loop (issue 16). See `bot/lanes.py`.
        self.inline = store.database.dialect.sqlite

    def once(self, workspace: str, key: str, event: Event, now: datetime, *, ttl: float, stale_after: float,
             force: bool, purge: bool = False) -> Claimed:
        """Look up, run and remember in ONE transaction (the event's writes nest in it).

        `done`: the answer a first copy gave; `run`: this copy's answer; `wait`: another copy is running
        (run anyway when `force`). `purge` also drops expired answers in the same transaction.
        """
        with self._store.database.transaction():
            claim = self._requests.peek(workspace, key, now, stale_after=stale_after)
            if claim.action == "done" and claim.answer is not None:
                return Claimed("done", reply_codec.loads(claim.answer))
            if claim.action == "wait" and not force:
                return Claimed("wait")
            replies = self._handle(event)
            if remember(replies):
                self._requests.keep(workspace, key, reply_codec.dumps(replies), now, ttl)
            if purge:
                self._requests.purge(now)
        return Claimed("run", replies)

    def claim(self, workspace: str, key: str, now: datetime, *, ttl: float, stale_after: float) -> Claimed:
        """Mark the key as running unless another copy already is or has answered it."""
        claim = self._requests.claim(workspace, key, now, ttl=ttl, stale_after=stale_after)
        if claim.action == "done" and claim.answer is not None:
            return Claimed("done", reply_codec.loads(claim.answer))
        return Claimed(claim.action)

    def finish(self, workspace: str, key: str, replies: Sequence[Reply], now: datetime, ttl: float) -> None:
        """The answer of a claimed key: kept for the retries when worth giving again, else the claim let go."""
        if remember(replies):
            self._requests.finish(workspace, key, reply_codec.dumps(list(replies)), now, ttl)
        else:
            self._requests.release(workspace, key)

    def release(self, workspace: str, key: str) -> None:
        """Let go of a claimed key without an answer (the run failed): the next copy runs it."""
        self._requests.release(workspace, key)

    def purge(self, now: datetime) -> int:
        """Drop answers past their time."""
        return self._requests.purge(now)
