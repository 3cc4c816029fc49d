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

The statements live once, in `storage/sql/nudge_delivery.py`: Core statements
made for each table with the delivery columns (and per variant) on the tables
of `storage/schema.py`, named `<TABLE>_<WHAT>` (`NUDGE_MESSAGES_TAKE`), so
each engine compiles each of them once (SQLite's ready-made). Each table's
owner holds the instance for its own table: `storage/nudges.py` for `nudge_messages`,
`storage/followups.py` for `nudge_followup_leases` (a follow-up's lease row),
`storage/alerts.py` for `alerts`. `DeliveryState` (reached as
`store.nudges.delivery`) picks the owner's rows by kind for the sweep.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from storage.db import Database, from_iso, to_iso
from storage.query import Named, statements

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
    if db.dialect.sqlite:  # without importing storage.statements (SQLAlchemy): a serving SQLite store never does
        return None
    from storage.statements import database_clock

    clock = database_clock(db.dialect.name)
    if clock is None:
        return None
    value = db.rows(clock)[0][0]
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


#: The tables with the delivery columns, each held by its owner's `LeasedRows` (`storage/nudges.py`,
#: `storage/followups.py`, `storage/alerts.py`): table -> (its key column, what `release` writes into
#: `lease_until`: NULL, or '' where the column is NOT NULL). `storage/sql/nudge_delivery.py` makes each one's
#: statements from this; a new owner adds its table here.
LEASED: dict[str, tuple[str, str | None]] = {
    "nudge_messages": ("id", None),
    "nudge_followup_leases": ("followup_id", ""),
    "alerts": ("id", ""),
}
#: The outcomes `finish` writes; anything else is a retry (the row stays pending).
_OUTCOMES = ("delivered", "failed", "cancelled")


_q = statements("storage.sql.nudge_delivery")


def finish_name(status: str, count_attempt: bool, error_kind: bool) -> str:
    """The name (after the table's `<TABLE>_`) of one `finish` variant in `storage/sql/nudge_delivery.py`."""
    return f"FINISH_{status.upper()}{'_KIND' if error_kind else ''}{'' if count_attempt else '_UNCOUNTED'}"


class LeasedRows:
    """The lease, part and outcome statements on one table with the delivery columns.

    `lease_until`, `lease_owner`, `parts_done`, `inflight_part`, `inflight_at`; tables with a
    `status` (reminder DMs, alerts) also take `take` and `finish`. Built by the table's owner
    with its own table name (a table of `storage/schema.py`), never user input.
    """

    def __init__(self, db: Database, kind: str, table: str) -> None:
        self.db, self.kind, self.table = db, kind, table
        self.key, self.expired = LEASED[table]  # its key column; what `release` writes into lease_until
        # The table's statements, by name: storage/sql/nudge_delivery.py makes them from `LEASED`.
        self._prefix = table.upper() + "_"
        self._read, self._renew, self._sent, self._not_sent, self._release = (
            self._named(what) for what in ("READ", "RENEW", "SENT", "NOT_SENT", "RELEASE"))
        self._sending = {False: self._named("SENDING"), True: self._named("SENDING_PUSH")}

    def _named(self, what: str) -> Named:
        return getattr(_q, self._prefix + what)

    def lease_clock(self, now: datetime) -> datetime:
        """Now on the leases' clock: the database's (PostgreSQL) or the caller's `now` (SQLite)."""
        return database_now(self.db) or now

    def on_lease_clock(self, now: datetime, until: datetime) -> tuple[datetime, datetime]:
        """A lease from `now` to `until` on the caller's clock, moved onto the leases' clock (same length)."""
        start = self.lease_clock(now)
        return start, start + (until - now)

    def read(self, item_id: int, token: str) -> Lease:
        row = self.db.one(self._read, {"id": item_id})
        assert row is not None
        return Lease(self.kind, item_id, token, int(row["parts_done"] or 0), row["inflight_part"], from_iso(row["inflight_at"]))

    def take(self, item_id: int, token: str, now: datetime, until: datetime) -> bool:
        """The right to deliver one pending, due row until `until`; False if another sweep holds it.

        Due on the caller's `now`; the lease itself (its expiry, and whether another's has run out) on the
        leases' clock (`on_lease_clock`).
        """
        with self.db.transaction():
            start, until = self.on_lease_clock(now, until)
            cur = self.db.execute(self._named("TAKE"), {
                "id": item_id, "token": token, "until": to_iso(until), "now": to_iso(now), "start": to_iso(start)})
        return cur.rowcount == 1

    def renew(self, item_id: int, token: str, until: datetime, now: datetime | None = None) -> bool:
        """Push the expiry to `until` (with `now`, the caller's clock: moved onto the leases' clock)."""
        if now is not None:
            until = self.on_lease_clock(now, until)[1]
        with self.db.transaction():
            cur = self.db.execute(self._renew, {"id": item_id, "token": token, "until": to_iso(until)})
        return cur.rowcount == 1

    def sending(self, item_id: int, token: str, part: int, now: datetime, until: datetime | None = None) -> bool:
        """Mark the part in flight (and push the lease to `until`); False if this token no longer holds the lease.

        `until` is on the caller's clock, like `now`; it is moved onto the leases' clock as `renew` does.
        """
        params = {"id": item_id, "token": token, "part": part, "at": to_iso(now)}
        with self.db.transaction():
            if until is not None:
                params["until"] = to_iso(self.on_lease_clock(now, until)[1])
            cur = self.db.execute(self._sending[until is not None], params)
        return cur.rowcount == 1

    def sent(self, item_id: int, token: str, part: int) -> None:
        with self.db.transaction():
            self.db.execute(self._sent, {"id": item_id, "token": token, "next": part + 1})

    def not_sent(self, item_id: int, token: str) -> None:
        with self.db.transaction():
            self.db.execute(self._not_sent, {"id": item_id, "token": token})

    def release(self, item_id: int, token: str) -> None:
        with self.db.transaction():
            self.db.execute(self._release, {"id": item_id, "token": token})

    def finish(self, item_id: int, token: str, status: str, now: datetime, *, error: str | None = None,
               next_at: datetime | None = None, count_attempt: bool = True, error_kind: str | None = None) -> bool:
        """One DM's outcome on its own row, written only by the lease holder.

        delivered | failed | cancelled | pending (retry at `next_at`).
        """
        if status not in _OUTCOMES:
            status = "pending"
        params: dict[str, object] = {"id": item_id, "token": token}
        if status == "delivered":
            params["at"] = to_iso(now)
        elif status == "failed":
            params |= {"at": to_iso(now), "error": (error or "")[:500], "error_kind": error_kind}
        elif status == "pending":
            params |= {"next_at": to_iso(next_at or now), "error": error[:500] if error else None}
        statement = self._named(finish_name(status, count_attempt, status == "failed" and error_kind is not None))
        with self.db.transaction():
            cur = self.db.execute(statement, params)
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
        return [(r[0], r[1]) for r in self.db.rows(_q.UNKNOWN)]

