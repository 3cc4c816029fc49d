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

Whose clock: on PostgreSQL, where sweepers on several hosts share the
rows, a lease's start and expiry are on the *database's* clock
(`database_now`), so a host whose clock runs ahead never takes a lease that
is still alive; the lease's length is what the sweep asked for. The retry
times (`next_attempt_at`) stay on the sweep's clock, as before. SQLite (one
file, one host) keeps the process clock for both.

The statements live here once, in `LeasedRows`, and each table's owner holds
the instance for its own table: `storage/nudges.py` for `nudge_messages`,
`storage/followups.py` for `nudge_followup_leases` (a follow-up's lease row),
`storage/alerts.py` for `alerts`. `DeliveryState` (reached as
`store.nudges.delivery`) picks the owner's rows by kind for the sweep.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from storage.db import Database, from_iso, to_iso

if TYPE_CHECKING:
    import sqlite_utils

    from storage.alerts import Alerts
    from storage.followups import Followups
    from storage.nudges import Nudges


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


def database_now(db: Database) -> datetime | None:
    """The database's clock now (PostgreSQL); None where the process clock is the clock (SQLite)."""
    sql = db.dialect.clock_sql()
    if sql is None:
        return None
    value = db.rows(sql)[0][0]
    if isinstance(value, str):  # pragma: no cover - psycopg returns a datetime
        value = datetime.fromisoformat(value)
    return value.astimezone(timezone.utc)


@dataclass(frozen=True)
class Lease:
    """What a sweep learns when it takes a DM: where to resume and what is unknown."""

    kind: str
    id: int
    token: str
    parts_done: int
    inflight_part: int | None  # a part whose outcome is unknown: verify before resending
    inflight_at: datetime | None


class LeasedRows:
    """The lease, part and outcome statements on one table with the delivery columns.

    `lease_until`, `lease_owner`, `parts_done`, `inflight_part`, `inflight_at`; tables with a
    `status` (reminder DMs, alerts) also take `take` and `finish`. Built by the table's owner
    with its own table name: the names are module constants, never user input.
    """

    def __init__(self, db: Database, kind: str, table: str, key: str = "id", expired: str = "NULL") -> None:
        self.db, self.kind, self.table, self.key = db, kind, table, key
        self.expired = expired  # what `release` writes into lease_until ('' where the column is NOT NULL)

    def lease_clock(self, now: datetime) -> datetime:
        """Now on the leases' clock: the database's (PostgreSQL) or the caller's `now` (SQLite)."""
        return database_now(self.db) or now

    def on_lease_clock(self, now: datetime, until: datetime) -> tuple[datetime, datetime]:
        """A lease from `now` to `until` on the caller's clock, moved onto the leases' clock (same length)."""
        start = self.lease_clock(now)
        return start, start + (until - now)

    def read(self, item_id: int, token: str) -> Lease:
        row = self.db.one(f"SELECT parts_done, inflight_part, inflight_at FROM {self.table} WHERE {self.key} = ?", (item_id,))
        assert row is not None
        return Lease(self.kind, item_id, token, int(row["parts_done"] or 0), row["inflight_part"], from_iso(row["inflight_at"]))

    def take(self, item_id: int, token: str, now: datetime, until: datetime) -> bool:
        """The right to deliver one pending, due row until `until`; False if another sweep holds it.

        Due on the caller's `now`; the lease itself (its expiry, and whether another's has run out) on the
        leases' clock (`on_lease_clock`).
        """
        with self.db.transaction():
            start, until = self.on_lease_clock(now, until)
            cur = self.db.execute(
                f"UPDATE {self.table} SET lease_until = ?, lease_owner = ? WHERE {self.key} = ? AND status = 'pending'"
                " AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)",
                (to_iso(until), token, item_id, to_iso(now), to_iso(start)),
            )
        return cur.rowcount == 1

    def renew(self, item_id: int, token: str, until: datetime, now: datetime | None = None) -> bool:
        """Push the expiry to `until` (with `now`, the caller's clock: moved onto the leases' clock)."""
        if now is not None:
            until = self.on_lease_clock(now, until)[1]
        with self.db.transaction():
            cur = self.db.execute(
                f"UPDATE {self.table} SET lease_until = ? WHERE {self.key} = ? AND lease_owner = ?",
                (to_iso(until), item_id, token),
            )
        return cur.rowcount == 1

    def sending(self, item_id: int, token: str, part: int, now: datetime, until: datetime | None = None) -> bool:
        """Mark the part in flight (and push the lease to `until`); False if this token no longer holds the lease.

        `until` is on the caller's clock, like `now`; it is moved onto the leases' clock as `renew` does.
        """
        lease = ", lease_until = ?" if until is not None else ""
        with self.db.transaction():
            if until is not None:
                until = self.on_lease_clock(now, until)[1]
            cur = self.db.execute(
                f"UPDATE {self.table} SET inflight_part = ?, inflight_at = ?{lease} WHERE {self.key} = ? AND lease_owner = ?",
                (part, to_iso(now), *((to_iso(until),) if until is not None else ()), item_id, token),
            )
        return cur.rowcount == 1

    def sent(self, item_id: int, token: str, part: int) -> None:
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {self.table} SET parts_done = {self.db.dialect.greatest('parts_done', '?')}, inflight_part = NULL, inflight_at = NULL"
                f" WHERE {self.key} = ? AND lease_owner = ?",
                (part + 1, item_id, token),
            )

    def not_sent(self, item_id: int, token: str) -> None:
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {self.table} SET inflight_part = NULL, inflight_at = NULL WHERE {self.key} = ? AND lease_owner = ?",
                (item_id, token),
            )

    def release(self, item_id: int, token: str) -> None:
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {self.table} SET lease_until = {self.expired}, lease_owner = NULL"
                f" WHERE {self.key} = ? AND lease_owner = ?",
                (item_id, token),
            )

    def finish(self, item_id: int, token: str, status: str, now: datetime, *, error: str | None = None,
               next_at: datetime | None = None, count_attempt: bool = True, error_kind: str | None = None) -> bool:
        """One DM's outcome on its own row, written only by the lease holder.

        delivered | failed | cancelled | pending (retry at `next_at`).
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
        with self.db.transaction():
            cur = self.db.execute(
                f"UPDATE {self.table} SET {', '.join(sets)} WHERE {self.key} = ? AND status = 'pending' AND lease_owner = ?",
                (*params, item_id, token),
            )
        return cur.rowcount == 1


class DeliveryState:
    """The sweep's view of every leased kind: "nudge", "followup", "alert" -> the owner's `LeasedRows`."""

    def __init__(self, nudges: "Nudges", followups: "Followups", alerts: "Alerts") -> None:
        self.db = nudges.db
        self.nudges, self.followups = nudges, followups
        self.rows = {"nudge": nudges.leases, "followup": followups.leases, "alert": alerts.leases}

    def read(self, kind: str, item_id: int, token: str) -> Lease:
        return self.rows[kind].read(item_id, token)

    def lease_nudge(self, message_id: int, token: str, now: datetime, until: datetime) -> Lease | None:
        """The right to deliver one pending DM until `until`; None if it is not due or another sweep holds it."""
        with self.db.transaction():
            if not self.rows["nudge"].take(message_id, token, now, until):
                return None
            return self.read("nudge", message_id, token)

    def lease_followup(self, followup_id: int, token: str, now: datetime, until: datetime) -> Lease | None:
        with self.db.transaction():
            if not self.followups.lease(followup_id, token, now, until):
                return None
            return self.read("followup", followup_id, token)

    def renew(self, kind: str, item_id: int, token: str, until: datetime, now: datetime | None = None) -> bool:
        """The heartbeat: push the expiry on while this sweep still holds the lease (from `now`, see `LeasedRows.renew`)."""
        return self.rows[kind].renew(item_id, token, until, now)

    def sending(self, kind: str, item_id: int, token: str, part: int, now: datetime,
                until: datetime | None = None) -> bool:
        """Written before the post: if nothing follows, the part's outcome is unknown.

        False when another sweep has taken the lease meanwhile (this one was slow past its expiry): the
        caller must not post, or both would. With `until` the lease is pushed on in the same statement,
        so a sweep taking over later finds the post either answered or given up (lease > request timeout).
        """
        return self.rows[kind].sending(item_id, token, part, now, until)

    def sent(self, kind: str, item_id: int, token: str, part: int) -> None:
        """The platform confirmed (or we found) this part: resume after it."""
        self.rows[kind].sent(item_id, token, part)

    def not_sent(self, kind: str, item_id: int, token: str) -> None:
        """The platform refused the part in flight: its outcome is known (it did not arrive)."""
        self.rows[kind].not_sent(item_id, token)

    def release(self, kind: str, item_id: int, token: str) -> None:
        """Give the lease back without an outcome (a sweep stopping, a workspace rate-limited for long)."""
        self.rows[kind].release(item_id, token)

    # -- nudge outcomes (the message row's status) ------------------------------------
    def finish_nudge(self, message_id: int, token: str, status: str, now: datetime, *, error: str | None = None,
                     next_at: datetime | None = None, count_attempt: bool = True, error_kind: str | None = None) -> bool:
        """delivered | failed | cancelled | pending (retry at `next_at`); only by the lease holder."""
        return self.rows["nudge"].finish(message_id, token, status, now, error=error, next_at=next_at,
                                         count_attempt=count_attempt, error_kind=error_kind)

    def defer_workspace(self, platform: str, workspace: str, until: datetime, now: datetime) -> int:
        """A long Retry-After holds every DM to that workspace, for later sweeps and other processes too."""
        return self.nudges.defer_workspace(platform, workspace, until, now)

    def deliverable_ids(self, now: datetime, after: int, limit: int) -> list[int]:
        """Pending DMs due on the real clock and not leased, by id (a cursor that never repeats)."""
        return self.nudges.deliverable_ids(now, after, limit)

    def unknown(self) -> list[tuple[str, int]]:
        """Every DM whose last part's outcome is still unknown (for operators' reports and tests)."""
        rows = self.db.rows(
            "SELECT 'nudge', id FROM nudge_messages WHERE status = 'pending' AND inflight_part IS NOT NULL"
            " UNION ALL SELECT 'followup', followup_id FROM nudge_followup_leases WHERE inflight_part IS NOT NULL"
        )
        return [(r[0], r[1]) for r in rows]
