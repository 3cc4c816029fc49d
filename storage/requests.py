"""The retry memory: which platform requests were answered, and with what, in the database.

Slack retries a request it thinks went unanswered (3 s), a user double-clicks,
a load balancer sends the retry to another worker or to the process that
started after a crash. Every process on one database sees the same rows here,
so the second copy of a request gets the first one's stored answer instead of
running again. A row is `running` while the first copy works (a retry that
arrives then waits for it) and `done` with the answer once it has one; rows
expire, and a `running` row whose process died is taken over after a while.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso
from storage.query import statements


def _v1(db: "sqlite_utils.Database") -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS request_answers ("
        " workspace TEXT NOT NULL,"
        " request_key TEXT NOT NULL,"
        " state TEXT NOT NULL,"  # 'running' | 'done'
        " answer TEXT,"  # the stored answer (JSON), once done
        " started_at TEXT NOT NULL,"
        " expires_at TEXT NOT NULL)"
    )
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS request_answers_key ON request_answers (workspace, request_key)")
    db.execute("CREATE INDEX IF NOT EXISTS request_answers_expiry ON request_answers (expires_at)")


MIGRATIONS = [_v1]


_q = statements("storage.sql.requests")


@dataclass(frozen=True)
class Claim:
    """What to do with a request: `run` it (this copy is first), `wait` for the copy running, or reuse `answer`."""

    action: str  # "run" | "wait" | "done"
    answer: str | None = None


class Requests:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, workspace: str, key: str, now: datetime, *, ttl: float, stale_after: float) -> Claim:
        """Mark the request as running unless another copy already is or has answered it."""
        stamp = to_iso(now)
        with self.db.transaction():
            row = self.db.one(_q.READ, {"workspace": workspace, "key": key})
            if row is not None and row["expires_at"] > stamp:
                if row["state"] == "done":
                    return Claim("done", row["answer"])
                if row["started_at"] > to_iso(now - timedelta(seconds=stale_after)):
                    return Claim("wait")
            # New, expired, or left running by a process that died: this copy runs it.
            self.db.execute(_q.RUNNING, {"workspace": workspace, "key": key, "started": stamp,
                                       "expires": to_iso(now + timedelta(seconds=ttl))})
        return Claim("run")

    def peek(self, workspace: str, key: str, now: datetime, *, stale_after: float) -> Claim:
        """What `claim` would decide, without marking anything (one indexed read).

        For a request answered inside the transaction that also holds its writes
        (issue 20): nobody else can see or take the request until that commits, so
        no `running` row is needed, only `keep` of the answer in the same transaction.
        """
        stamp = to_iso(now)
        row = self.db.one(_q.PEEK, {"workspace": workspace, "key": key, "now": stamp})
        if row is None:
            return Claim("run")
        if row["state"] == "done":
            return Claim("done", row["answer"])
        if row["started_at"] > to_iso(now - timedelta(seconds=stale_after)):
            return Claim("wait")
        return Claim("run")

    def keep(self, workspace: str, key: str, answer: str, now: datetime, ttl: float) -> None:
        """Store a finished answer in one statement (inside the caller's transaction)."""
        self.db.execute(_q.DONE, {"workspace": workspace, "key": key, "answer": answer, "started": to_iso(now),
                                "expires": to_iso(now + timedelta(seconds=ttl))})

    def finish(self, workspace: str, key: str, answer: str, now: datetime, ttl: float) -> None:
        """Store the answer a retry of this request will get, until `ttl` seconds from now."""
        with self.db.transaction():
            self.db.execute(_q.FINISH, {"answer": answer, "expires": to_iso(now + timedelta(seconds=ttl)),
                                      "workspace": workspace, "key": key})

    def release(self, workspace: str, key: str) -> None:
        """Forget the request (its answer is not kept, e.g. a refusal the user will correct)."""
        with self.db.transaction():
            self.db.execute(_q.RELEASE, {"workspace": workspace, "key": key})

    def purge(self, now: datetime) -> int:
        """Drop expired rows; returns how many."""
        with self.db.transaction():
            return self.db.execute(_q.PURGE, {"now": to_iso(now)}).rowcount
