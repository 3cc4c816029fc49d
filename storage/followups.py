"""Follow-ups: direct messages the bot owes a user at a later time.

The decision dialogue stores one when the user asks "remind me in 3 days to
decide" (kind `decide`); the reminder scheduler delivers them with its sweep:

    for f in store.followups.due(now, limit=100):
        try:
            send the DM built by `bot.dialogue.followup_replies(ctx, f)` to
            Recipient(f.platform, f.workspace, f.owner)
            store.followups.mark_delivered(f.id, now)
        except DeliveryFailed as err:
            store.followups.mark_failed(f.id, err.reason, now, permanent=err.permanent,
                                        retry_after=err.retry_after)

`due` returns undelivered rows whose `due_at` has come, oldest first, across
every workspace. `mark_delivered` is idempotent. A failure counts an attempt,
keeps the error and, unless permanent, moves `due_at` on (1 h, or
`retry_after` seconds); after `MAX_ATTEMPTS` or a permanent failure the row
is given up (`gave_up_at`) and `due` no longer returns it.

`add` with a `key` is idempotent: a double click on "remind me" stores one row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # storage/db.py imports it only when a migration runs: ~1 s of start-up
    import sqlite_utils

from storage.db import Database, from_iso, to_iso
from storage.records import Owner

MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(hours=1)


def _v1(db: sqlite_utils.Database) -> None:
    db["followups"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "platform": str,
            "client_id": int,
            "kind": str,
            "key": str,
            "due_at": str,
            "payload": str,
            "created_at": str,
            "delivered_at": str,
            "attempts": int,
            "last_error": str,
            "gave_up_at": str,
        },
        pk="id",
        not_null={"workspace", "owner", "platform", "kind", "due_at", "payload", "created_at", "attempts"},
        defaults={"attempts": 0, "payload": "{}"},
        if_not_exists=True,
    )
    db["followups"].create_index(["delivered_at", "gave_up_at", "due_at"], if_not_exists=True)
    db["followups"].create_index(["workspace", "owner", "key"], unique=True, if_not_exists=True)


MIGRATIONS = [_v1]


@dataclass(frozen=True)
class Followup:
    id: int
    workspace: str
    owner: str
    platform: str
    client_id: int | None
    kind: str  # "decide": remind the user to take the decision about a client
    key: str | None
    due_at: datetime  # UTC
    payload: dict[str, Any]
    created_at: datetime
    delivered_at: datetime | None
    attempts: int
    last_error: str | None
    gave_up_at: datetime | None

    @property
    def pending(self) -> bool:
        return self.delivered_at is None and self.gave_up_at is None


def _row(row: dict) -> Followup:
    return Followup(
        id=row["id"],
        workspace=row["workspace"],
        owner=row["owner"],
        platform=row["platform"],
        client_id=row["client_id"],
        kind=row["kind"],
        key=row["key"],
        due_at=from_iso(row["due_at"]),  # type: ignore[arg-type]
        payload=json.loads(row["payload"] or "{}"),
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        delivered_at=from_iso(row["delivered_at"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        gave_up_at=from_iso(row["gave_up_at"]),
    )


class Followups:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        owner: Owner,
        platform: str,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        *,
        client_id: int | None = None,
        key: str | None = None,
        now: datetime,
    ) -> tuple[Followup, bool]:
        """Schedule a DM; returns (followup, created). An existing `key` returns the first row unchanged."""
        with self.db.transaction():
            if key is not None:
                row = self.db.one(
                    "SELECT * FROM followups WHERE workspace = ? AND owner = ? AND key = ?",
                    (owner.workspace, owner.user, key),
                )
                if row:
                    return _row(row), False
            cur = self.db.execute(
                "INSERT INTO followups (workspace, owner, platform, client_id, kind, key, due_at, payload, created_at, attempts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    owner.workspace,
                    owner.user,
                    platform,
                    client_id,
                    kind,
                    key,
                    to_iso(due_at),
                    json.dumps(payload, sort_keys=True),
                    to_iso(now),
                ),
            )
            row = self.db.one("SELECT * FROM followups WHERE id = ?", (cur.lastrowid,))
        assert row is not None
        return _row(row), True

    def get(self, followup_id: int) -> Followup | None:
        row = self.db.one("SELECT * FROM followups WHERE id = ?", (followup_id,))
        return _row(row) if row else None

    def for_owner(self, owner: Owner, client_id: int | None = None) -> list[Followup]:
        sql = "SELECT * FROM followups WHERE workspace = ? AND owner = ?"
        params: tuple = (owner.workspace, owner.user)
        if client_id is not None:
            sql += " AND client_id = ?"
            params += (client_id,)
        return [_row(r) for r in self.db.query(sql + " ORDER BY due_at, id", params)]

    def due(self, now: datetime, limit: int = 100) -> list[Followup]:
        """Undelivered, not given up, `due_at <= now`: oldest first, every workspace."""
        rows = self.db.query(
            "SELECT * FROM followups WHERE delivered_at IS NULL AND gave_up_at IS NULL AND due_at <= ?"
            " ORDER BY due_at, id LIMIT ?",
            (to_iso(now), limit),
        )
        return [_row(r) for r in rows]

    def mark_delivered(self, followup_id: int, now: datetime) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE followups SET delivered_at = coalesce(delivered_at, ?) WHERE id = ?",
                (to_iso(now), followup_id),
            )

    def mark_failed(
        self,
        followup_id: int,
        error: str,
        now: datetime,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
    ) -> Followup | None:
        """Count a failed attempt; retry later, or give up when permanent or out of attempts."""
        with self.db.transaction():
            row = self.db.one("SELECT * FROM followups WHERE id = ?", (followup_id,))
            if row is None or row["delivered_at"]:
                return _row(row) if row else None
            attempts = row["attempts"] + 1
            give_up = permanent or attempts >= MAX_ATTEMPTS
            delay = timedelta(seconds=retry_after) if retry_after else RETRY_DELAY
            self.db.execute(
                "UPDATE followups SET attempts = ?, last_error = ?, due_at = ?, gave_up_at = ? WHERE id = ?",
                (
                    attempts,
                    error[:500],
                    row["due_at"] if give_up else to_iso(now + delay),
                    to_iso(now) if give_up else None,
                    followup_id,
                ),
            )
        return self.get(followup_id)
