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

Two sweeps on one file must not both send a follow-up, so the sweep leases
it first: the lease row is in `nudge_followup_leases` (created by the
reminders' migrations, written only here), with the delivery columns of
`storage/nudge_delivery.py`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # storage/db.py imports it only when a migration runs: ~1 s of start-up
    import sqlite_utils

from storage.db import Database, to_iso
from storage.nudge_delivery import LeasedRows
from storage.query import of, statements
from storage.records import Owner
from storage.rows import insert_or_find, mapper

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
    """A promised later DM ("remind me in 3 days"), kept until it is sent or cancelled."""
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


_row = mapper(Followup)

_q = statements("storage.sql.followups")


class Followups:
    def __init__(self, db: Database) -> None:
        self.db = db
        # '' where the lease has run out: the lease column is NOT NULL, and '' sorts first
        self.leases = LeasedRows(db, "followup", "nudge_followup_leases")

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
            followup_id, created = insert_or_find(self.db, "followups", owner, {
                "workspace": owner.workspace, "owner": owner.user, "platform": platform, "client_id": client_id,
                "kind": kind, "key": key, "due_at": to_iso(due_at), "payload": json.dumps(payload, sort_keys=True),
                "created_at": to_iso(now), "attempts": 0,
            }, key="key")  # an existing key: the first row, unchanged
            row = self.db.one(_q.GET, {"id": followup_id})
        assert row is not None
        return _row(row), created

    def get(self, followup_id: int) -> Followup | None:
        row = self.db.one(_q.GET, {"id": followup_id})
        return _row(row) if row else None

    def for_owner(self, owner: Owner, client_id: int | None = None) -> list[Followup]:
        if client_id is None:
            rows = self.db.query(_q.FOR_OWNER, of(owner))
        else:
            rows = self.db.query(_q.FOR_CLIENT, of(owner, client_id=client_id))
        return [_row(r) for r in rows]

    def pending(self, limit: int = 100) -> list[Followup]:
        """Not yet delivered nor given up, soonest first, every workspace (for `redflag nudges preview`)."""
        return [_row(r) for r in self.db.query(_q.PENDING, {"limit": limit})]

    def due(self, now: datetime, limit: int = 100) -> list[Followup]:
        """Undelivered, not given up, `due_at <= now`: oldest first, every workspace."""
        return [_row(r) for r in self.db.query(_q.DUE, {"now": to_iso(now), "limit": limit})]

    def mark_delivered(self, followup_id: int, now: datetime) -> None:
        with self.db.transaction():
            self.db.execute(_q.DELIVERED, {"id": followup_id, "at": to_iso(now)})

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
            row = self.db.one(_q.GET, {"id": followup_id})
            if row is None or row["delivered_at"]:
                return _row(row) if row else None
            attempts = row["attempts"] + 1
            give_up = permanent or attempts >= MAX_ATTEMPTS
            delay = timedelta(seconds=retry_after) if retry_after else RETRY_DELAY
            self.db.execute(_q.FAILED, {
                "id": followup_id,
                "attempts": attempts,
                "last_error": error[:500],
                "due_at": row["due_at"] if give_up else to_iso(now + delay),
                "gave_up_at": to_iso(now) if give_up else None,
            })
        return self.get(followup_id)

    # -- the sweep's lease (nudge_followup_leases) -----------------------------------
    def lease(self, followup_id: int, token: str, now: datetime, until: datetime) -> bool:
        """Take (or take over an expired) lease on one follow-up; False while another sweep holds it.

        On the leases' clock (the database's on PostgreSQL: `storage/nudge_delivery.py`).
        """
        with self.db.transaction():
            now, until = self.leases.on_lease_clock(now, until)
            cur = self.db.execute(_q.LEASE, {"id": followup_id, "until": to_iso(until), "token": token,
                                             "now": to_iso(now)})
        return cur.rowcount == 1

    def release_lease(self, followup_id: int) -> None:
        """The follow-up is done with: its lease row goes."""
        with self.db.transaction():
            self.db.execute(_q.RELEASE_LEASE, {"id": followup_id})

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        with self.db.transaction():
            self.db.execute(_q.MOVE, of(owner, from_id=from_id, into_id=into_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        with self.db.transaction():
            self.db.execute(_q.FORGET, of(owner, client_id=client_id))
