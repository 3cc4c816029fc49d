"""Delivery state of reminder DMs and follow-ups: leases on the real clock, parts, unknown outcomes.

A sweep takes a *lease* on one DM (a token of its own and an expiry on the
real clock, never the sweep's "as of" time) and renews it while it is still
working on it, so a second sweep — whatever its `--at` — never takes a DM
that is being delivered. Before each part of a DM is posted the part is
recorded as *in flight*; when the platform confirms it, `parts_done` moves
past it. A part still in flight when a later sweep leases the DM (a timeout
after the request was sent, a process killed between the post and the mark)
is an *unknown* outcome: the sweep asks the platform whether it arrived
before sending it again, and resumes at the first part that did not.

Nudge DMs keep this state on `nudge_messages`; follow-ups on their lease row
in `nudge_followup_leases` (the follow-up table belongs to the dialogue).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from storage.db import Database, from_iso, to_iso

if TYPE_CHECKING:
    import sqlite_utils


def _add_column(db: "sqlite_utils.Database", table: str, column: str, decl: str) -> None:
    names = {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
    if column not in names:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


def migrate_v3(db: "sqlite_utils.Database") -> None:
    """Lease owners, delivered parts and the part in flight (idempotent: columns are added once)."""
    for table in ("nudge_messages", "nudge_followup_leases"):
        _add_column(db, table, "lease_owner", "TEXT")
        _add_column(db, table, "parts_done", "INTEGER NOT NULL DEFAULT 0")
        _add_column(db, table, "inflight_part", "INTEGER")
        _add_column(db, table, "inflight_at", "TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS idx_nudge_messages_pending_id ON nudge_messages (status, id)")


def migrate_v4(db: "sqlite_utils.Database") -> None:
    """Why a reminder DM failed in the core's words (`bot.notify.Reason`), beside the platform's own in `last_error`."""
    _add_column(db, "nudge_messages", "error_kind", "TEXT")


#: kind -> (table, key column)
TABLES = {"nudge": ("nudge_messages", "id"), "followup": ("nudge_followup_leases", "followup_id"),
          "alert": ("alerts", "id")}  # pattern alerts and digests (storage/alerts.py)


@dataclass(frozen=True)
class Lease:
    """What a sweep learns when it takes a DM: where to resume and what is unknown."""

    kind: str
    id: int
    token: str
    parts_done: int
    inflight_part: int | None  # a part whose outcome is unknown: verify before resending
    inflight_at: datetime | None


class DeliveryState:
    def __init__(self, db: Database) -> None:
        self.db = db

    def read(self, kind: str, item_id: int, token: str) -> Lease:
        table, key = TABLES[kind]
        row = self.db.one(f"SELECT parts_done, inflight_part, inflight_at FROM {table} WHERE {key} = ?", (item_id,))
        assert row is not None
        return Lease(kind, item_id, token, int(row["parts_done"] or 0), row["inflight_part"], from_iso(row["inflight_at"]))

    def lease_nudge(self, message_id: int, token: str, now: datetime, until: datetime) -> Lease | None:
        """The right to deliver one pending DM until `until`; None if it is not due or another sweep holds it."""
        with self.db.transaction():
            cur = self.db.execute(
                "UPDATE nudge_messages SET lease_until = ?, lease_owner = ? WHERE id = ? AND status = 'pending'"
                " AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)",
                (to_iso(until), token, message_id, to_iso(now), to_iso(now)),
            )
            if cur.rowcount != 1:
                return None
            return self.read("nudge", message_id, token)

    def lease_followup(self, followup_id: int, token: str, now: datetime, until: datetime) -> Lease | None:
        with self.db.transaction():
            cur = self.db.execute(
                "INSERT INTO nudge_followup_leases (followup_id, lease_until, lease_owner) VALUES (?, ?, ?)"
                " ON CONFLICT(followup_id) DO UPDATE SET lease_until = excluded.lease_until,"
                " lease_owner = excluded.lease_owner WHERE nudge_followup_leases.lease_until <= ?",
                (followup_id, to_iso(until), token, to_iso(now)),
            )
            if cur.rowcount != 1:
                return None
            return self.read("followup", followup_id, token)

    def renew(self, kind: str, item_id: int, token: str, until: datetime) -> bool:
        """The heartbeat: push the expiry on while this sweep still holds the lease."""
        table, key = TABLES[kind]
        with self.db.transaction():
            cur = self.db.execute(
                f"UPDATE {table} SET lease_until = ? WHERE {key} = ? AND lease_owner = ?", (to_iso(until), item_id, token)
            )
        return cur.rowcount == 1

    def sending(self, kind: str, item_id: int, token: str, part: int, now: datetime) -> None:
        """Written before the post: if nothing follows, the part's outcome is unknown."""
        table, key = TABLES[kind]
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {table} SET inflight_part = ?, inflight_at = ? WHERE {key} = ? AND lease_owner = ?",
                (part, to_iso(now), item_id, token),
            )

    def sent(self, kind: str, item_id: int, token: str, part: int) -> None:
        """The platform confirmed (or we found) this part: resume after it."""
        table, key = TABLES[kind]
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {table} SET parts_done = max(parts_done, ?), inflight_part = NULL, inflight_at = NULL"
                f" WHERE {key} = ? AND lease_owner = ?",
                (part + 1, item_id, token),
            )

    def not_sent(self, kind: str, item_id: int, token: str) -> None:
        """The platform refused the part in flight: its outcome is known (it did not arrive)."""
        table, key = TABLES[kind]
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {table} SET inflight_part = NULL, inflight_at = NULL WHERE {key} = ? AND lease_owner = ?",
                (item_id, token),
            )

    def release(self, kind: str, item_id: int, token: str) -> None:
        """Give the lease back without an outcome (a sweep stopping, a workspace rate-limited for long)."""
        table, key = TABLES[kind]
        expired = "NULL" if kind == "nudge" else "''"  # the follow-up lease column is NOT NULL; '' sorts first
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {table} SET lease_until = {expired}, lease_owner = NULL WHERE {key} = ? AND lease_owner = ?",
                (item_id, token),
            )

    # -- nudge outcomes (the message row's status) ------------------------------------
    def finish_nudge(self, message_id: int, token: str, status: str, now: datetime, *, error: str | None = None,
                     next_at: datetime | None = None, count_attempt: bool = True, error_kind: str | None = None) -> bool:
        """delivered | failed | cancelled | pending (retry at `next_at`); only by the lease holder."""
        return finish_leased(self.db, "nudge_messages", message_id, token, status, now,
                             error=error, next_at=next_at, count_attempt=count_attempt, error_kind=error_kind)

    def defer_workspace(self, platform: str, workspace: str, until: datetime, now: datetime) -> int:
        """A long Retry-After holds every DM to that workspace, for later sweeps and other processes too."""
        with self.db.transaction():
            cur = self.db.execute(
                "UPDATE nudge_messages SET next_attempt_at = ? WHERE status = 'pending' AND platform = ?"
                " AND workspace = ? AND next_attempt_at < ? AND (lease_until IS NULL OR lease_until <= ?)",
                (to_iso(until), platform, workspace, to_iso(until), to_iso(now)),
            )
        return cur.rowcount

    def deliverable_ids(self, now: datetime, after: int, limit: int) -> list[int]:
        """Pending DMs due on the real clock and not leased, by id (a cursor that never repeats)."""
        rows = self.db.rows(
            "SELECT id FROM nudge_messages WHERE status = 'pending' AND id > ? AND next_attempt_at <= ?"
            " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id LIMIT ?",
            (after, to_iso(now), to_iso(now), limit),
        )
        return [r[0] for r in rows]

    def unknown(self) -> list[tuple[str, int]]:
        """Every DM whose last part's outcome is still unknown (for operators' reports and tests)."""
        rows = self.db.rows(
            "SELECT 'nudge', id FROM nudge_messages WHERE status = 'pending' AND inflight_part IS NOT NULL"
            " UNION ALL SELECT 'followup', followup_id FROM nudge_followup_leases WHERE inflight_part IS NOT NULL"
        )
        return [(r[0], r[1]) for r in rows]


def finish_leased(db: Database, table: str, row_id: int, token: str, status: str, now: datetime, *,
                  error: str | None = None, next_at: datetime | None = None, count_attempt: bool = True,
                  error_kind: str | None = None) -> bool:
    """One DM's outcome on its own row (a reminder's or an alert's), written only by the lease holder.

    delivered | failed | cancelled | pending (retry at `next_at`). Both tables share these columns
    because both go through the same delivery; the table is always one of the module constants.
    """
    sets = ["lease_until = NULL", "lease_owner = NULL", f"attempts = attempts + {1 if count_attempt else 0}"]
    params: list = []
    if status == "delivered":
        sets += ["status = 'delivered'", "delivered_at = ?", "last_error = NULL"]
        params.append(to_iso(now))
    elif status == "failed":
        sets += ["status = 'failed'", "failed_at = ?", "last_error = ?"]
        params += [to_iso(now), (error or "")[:500]]
        if error_kind is not None:  # only the reminders' table keeps it (migrate_v4)
            sets.append("error_kind = ?")
            params.append(error_kind)
    elif status == "cancelled":
        sets += ["status = 'cancelled'"]
    else:
        sets += ["next_attempt_at = ?", "last_error = coalesce(?, last_error)"]
        params += [to_iso(next_at or now), error[:500] if error else None]
    with db.transaction():
        cur = db.execute(
            f"UPDATE {table} SET {', '.join(sets)} WHERE id = ? AND status = 'pending' AND lease_owner = ?",
            (*params, row_id, token),
        )
    return cur.rowcount == 1
