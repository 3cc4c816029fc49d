"""The nudge ledger: which reminder stage was claimed for which invoice, and its delivery.

Two tables. `nudge_ledger` has one row per (invoice, due date, stage): the
unique constraint is what makes a stage go out at most once, even with two
sweeps racing on one file; a new due date re-arms the ladder because it is
part of the key. `nudge_messages` has one row per DM (one per client per
local day, also unique) with its delivery state: pending with a retry time
and a short lease, delivered, failed (shown in `/invoice list`) or cancelled
(everything in it was paid before it went out).

The sweep calls the claim helpers inside its own `transaction()`, so the
re-checks and the writes are one atomic step. The invoices' side of the sweep
(the scan on `next_nudge_on`, advancing it) is in `storage/invoices.py`, the
workspace's own stage offsets in `storage/users.py` (`Workspaces`).

This component's migrations also create `nudge_followup_leases`, the lease
row of a follow-up: that table is written only by `storage/followups.py`
(the migrations stay here because existing databases recorded them here).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # storage/db.py imports it only when a migration runs: ~1 s of start-up
    import sqlite_utils

    from storage.alerts import Alerts
    from storage.followups import Followups

from storage.db import Database, to_iso
from storage.nudge_delivery import DeliveryState, LeasedRows, migrate_v3, migrate_v4
from storage.records import Owner
from storage.rows import insert_once, mapper
from storage.query import of, statements


def _v1(db: sqlite_utils.Database) -> None:
    db["nudge_messages"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "client_id": int,
            "local_day": str,
            "platform": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "lease_until": str,
            "last_error": str,
            "created_at": str,
            "delivered_at": str,
            "failed_at": str,
        },
        pk="id",
        not_null={"workspace", "owner", "client_id", "local_day", "platform", "status", "attempts", "next_attempt_at", "created_at"},
        defaults={"status": "pending", "attempts": 0},
        if_not_exists=True,
    )
    # At most one nudge DM per client per local day.
    db["nudge_messages"].create_index(["workspace", "owner", "client_id", "local_day"], unique=True, if_not_exists=True)
    # Delivery reads only what is pending and due.
    db["nudge_messages"].create_index(["status", "next_attempt_at"], if_not_exists=True)
    db["nudge_ledger"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "client_id": int,
            "invoice_id": int,
            "due_on": str,
            "stage": str,
            "overdue_days": int,
            "message_id": int,
            "claimed_at": str,
        },
        pk="id",
        not_null={"workspace", "owner", "client_id", "invoice_id", "due_on", "stage", "overdue_days", "message_id", "claimed_at"},
        foreign_keys=[("message_id", "nudge_messages", "id")],
        if_not_exists=True,
    )
    # The exactly-once guarantee: one claim per stage per due date of an invoice.
    db["nudge_ledger"].create_index(["invoice_id", "due_on", "stage"], unique=True, if_not_exists=True)
    db["nudge_ledger"].create_index(["message_id"], if_not_exists=True)
    db["nudge_ledger"].create_index(["workspace", "owner", "client_id"], if_not_exists=True)


def _v2(db: sqlite_utils.Database) -> None:
    # Follow-ups (storage/followups.py) have no lease of their own: two sweeps on one
    # file must not both send one, so the sweep takes a short lease here first.
    # The table is storage/followups.py's; it is created here, as it always was.
    db["nudge_followup_leases"].create(
        {"followup_id": int, "lease_until": str},
        pk="followup_id",
        not_null={"lease_until"},
        if_not_exists=True,
    )


MIGRATIONS = [_v1, _v2, migrate_v3, migrate_v4]


@dataclass(frozen=True)
class Message:
    """One reminder DM as the sweep plans it: a client's due stages on one local day, sent at most once."""
    id: int
    workspace: str
    owner: str
    client_id: int
    local_day: date
    platform: str
    status: str  # "pending" | "delivered" | "failed" | "cancelled"
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class LedgerItem:
    """One stage of one invoice claimed by a message: what makes each stage's reminder exactly once."""
    id: int
    client_id: int
    invoice_id: int
    due_on: date
    stage: str
    overdue_days: int
    message_id: int
    claimed_at: datetime


@dataclass(frozen=True)
class SentNudge:
    """A delivered reminder, for the client's timeline."""

    invoice_id: int
    ref: str
    stage: str
    overdue_days: int
    delivered_at: datetime
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class NudgeFailure:
    """A reminder that could not be delivered after retries (shown in `/invoice list`)."""

    invoice_id: int
    ref: str
    stage: str
    reason: str
    attempts: int
    failed_at: datetime
    kind: str | None = None  # bot.notify.Reason's value; None on rows failed before it was kept


_message = mapper(Message)
_item = mapper(LedgerItem)
_sent = mapper(SentNudge)
_failure = mapper(NudgeFailure, reason=lambda v: v or "")

_q = statements("storage.sql.nudges")


class Nudges:
    def __init__(self, db: Database, followups: "Followups", alerts: "Alerts") -> None:
        self.db = db
        self.leases = LeasedRows(db, "nudge", "nudge_messages")
        # leases, parts and unknown outcomes of every kind the sweep delivers (storage/nudge_delivery.py)
        self.delivery = DeliveryState(self, followups, alerts)

    # -- the ladder of one invoice ------------------------------------------------
    def sent_stages(self, invoice_id: int, due_on: date) -> set[str]:
        rows = self.db.rows(_q.SENT_STAGES, {"invoice_id": invoice_id, "due_on": due_on.isoformat()})
        return {r[0] for r in rows}

    def claimed(self, invoice_id: int, due_on: date, stage: str) -> LedgerItem | None:
        row = self.db.one(_q.CLAIMED, {"invoice_id": invoice_id, "due_on": due_on.isoformat(), "stage": stage})
        return _item(row) if row else None

    # -- claiming (call inside the sweep's transaction) ---------------------------
    def message_for_day(self, owner: Owner, client_id: int, day: date) -> Message | None:
        row = self.db.one(_q.FOR_DAY, of(owner, client_id=client_id, day=day.isoformat()))
        return _message(row) if row else None

    def open_message(self, owner: Owner, client_id: int, day: date, platform: str, at: datetime) -> int | None:
        """Create today's DM for this client; None if one already exists (one per client per day)."""
        return insert_once(self.db, "nudge_messages", {
            "workspace": owner.workspace, "owner": owner.user, "client_id": client_id, "local_day": day.isoformat(),
            "platform": platform, "status": "pending", "attempts": 0, "next_attempt_at": to_iso(at),
            "created_at": to_iso(at),
        })

    def drop_message(self, message_id: int) -> None:
        """Remove a DM that ended up with nothing in it (inside the claiming transaction)."""
        self.db.execute(_q.DROP, {"id": message_id})

    def claim(self, owner: Owner, client_id: int, invoice_id: int, due_on: date, stage: str,
              overdue_days: int, message_id: int, at: datetime) -> bool:
        """Record that `stage` goes out for this invoice and due date; False if it already has."""
        return insert_once(self.db, "nudge_ledger", {
            "workspace": owner.workspace, "owner": owner.user, "client_id": client_id, "invoice_id": invoice_id,
            "due_on": due_on.isoformat(), "stage": stage, "overdue_days": overdue_days, "message_id": message_id,
            "claimed_at": to_iso(at),
        }) is not None

    # -- delivery -----------------------------------------------------------------
    def pending(self, limit: int = 100) -> list[Message]:
        return [_message(r) for r in self.db.query(_q.PENDING_LIST, {"limit": limit})]

    def deliverable_ids(self, now: datetime, after: int, limit: int) -> list[int]:
        """Pending DMs due on the real clock and not leased (on the leases' clock), by id (a cursor that never repeats)."""
        rows = self.db.rows(_q.DELIVERABLE, {"after": after, "now": to_iso(now),
                                             "lease_now": to_iso(self.leases.lease_clock(now)), "limit": limit})
        return [r[0] for r in rows]

    def defer_workspace(self, platform: str, workspace: str, until: datetime, now: datetime) -> int:
        """A long Retry-After holds every DM to that workspace, for later sweeps and other processes too."""
        with self.db.transaction():
            cur = self.db.execute(_q.DEFER, {"until": to_iso(until), "platform": platform, "workspace": workspace,
                                             "lease_now": to_iso(self.leases.lease_clock(now))})
        return cur.rowcount

    def get_message(self, message_id: int) -> Message | None:
        row = self.db.one(_q.GET, {"id": message_id})
        return _message(row) if row else None

    def items(self, message_id: int) -> list[LedgerItem]:
        return [_item(r) for r in self.db.query(_q.ITEMS, {"id": message_id})]

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def cancel_pending_for(self, invoice_id: int) -> int:
        """Cancel not-yet-delivered reminder DMs in which no other open invoice remains; how many."""
        with self.db.transaction():
            rows = self.db.rows(_q.EMPTIED, {"invoice_id": invoice_id})
            for (message_id,) in rows:
                self.db.execute(_q.CANCEL, {"id": message_id})
        return len(rows)

    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        """A merge: the claims and DMs of one client become the other's."""
        params = of(owner, from_id=from_id, into_id=into_id)
        with self.db.transaction():
            self.db.execute(_q.MOVE_CLAIMS, params)
            # One DM per client per day: where both had a DM on the same day, the merged one's reminder
            # claims join the other's DM of that day (the claims are what keep each stage sent once).
            self.db.execute(_q.MOVE_MESSAGES, params)
            self.db.execute(_q.JOIN_DMS, params)
            self.db.execute(_q.DROP_MOVED, params)

    def forget_client(self, owner: Owner, client_id: int) -> None:
        """A client deleted on purpose: its claims and DMs go with it."""
        with self.db.transaction():
            self.db.execute(_q.FORGET_CLAIMS, of(owner, client_id=client_id))
            self.db.execute(_q.FORGET_MESSAGES, of(owner, client_id=client_id))

    # -- what users see -------------------------------------------------------------
    def failures(self, owner: Owner) -> list[NudgeFailure]:
        """Reminders that never reached the user, for invoices still open (newest first)."""
        return [_failure(r) for r in self.db.query(_q.FAILURES, of(owner))]

    def sent_for_client(self, owner: Owner, client_id: int) -> list[SentNudge]:
        return [_sent(r) for r in self.db.query(_q.SENT_FOR_CLIENT, of(owner, client_id=client_id))]
