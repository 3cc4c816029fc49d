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


class Nudges:
    def __init__(self, db: Database, followups: "Followups", alerts: "Alerts") -> None:
        self.db = db
        self.leases = LeasedRows(db, "nudge", "nudge_messages")
        # leases, parts and unknown outcomes of every kind the sweep delivers (storage/nudge_delivery.py)
        self.delivery = DeliveryState(self, followups, alerts)

    # -- the ladder of one invoice ------------------------------------------------
    def sent_stages(self, invoice_id: int, due_on: date) -> set[str]:
        rows = self.db.query(
            "SELECT stage FROM nudge_ledger WHERE invoice_id = ? AND due_on = ?", (invoice_id, due_on.isoformat())
        )
        return {r["stage"] for r in rows}

    def claimed(self, invoice_id: int, due_on: date, stage: str) -> LedgerItem | None:
        row = self.db.one(
            "SELECT * FROM nudge_ledger WHERE invoice_id = ? AND due_on = ? AND stage = ?",
            (invoice_id, due_on.isoformat(), stage),
        )
        return _item(row) if row else None

    # -- claiming (call inside the sweep's transaction) ---------------------------
    def message_for_day(self, owner: Owner, client_id: int, day: date) -> Message | None:
        row = self.db.one(
            "SELECT * FROM nudge_messages WHERE workspace = ? AND owner = ? AND client_id = ? AND local_day = ?",
            (owner.workspace, owner.user, client_id, day.isoformat()),
        )
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
        self.db.execute("DELETE FROM nudge_messages WHERE id = ? AND NOT EXISTS"
                        " (SELECT 1 FROM nudge_ledger WHERE message_id = ?)", (message_id, message_id))

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
        rows = self.db.query(
            "SELECT * FROM nudge_messages WHERE status = 'pending' ORDER BY next_attempt_at, id LIMIT ?", (limit,)
        )
        return [_message(r) for r in rows]

    def deliverable_ids(self, now: datetime, after: int, limit: int) -> list[int]:
        """Pending DMs due on the real clock and not leased (on the leases' clock), by id (a cursor that never repeats)."""
        rows = self.db.rows(
            "SELECT id FROM nudge_messages WHERE status = 'pending' AND id > ? AND next_attempt_at <= ?"
            " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id LIMIT ?",
            (after, to_iso(now), to_iso(self.leases.lease_clock(now)), limit),
        )
        return [r[0] for r in rows]

    def defer_workspace(self, platform: str, workspace: str, until: datetime, now: datetime) -> int:
        """A long Retry-After holds every DM to that workspace, for later sweeps and other processes too."""
        with self.db.transaction():
            cur = self.db.execute(
                "UPDATE nudge_messages SET next_attempt_at = ? WHERE status = 'pending' AND platform = ?"
                " AND workspace = ? AND next_attempt_at < ? AND (lease_until IS NULL OR lease_until <= ?)",
                (to_iso(until), platform, workspace, to_iso(until), to_iso(self.leases.lease_clock(now))),
            )
        return cur.rowcount

    def get_message(self, message_id: int) -> Message | None:
        row = self.db.one("SELECT * FROM nudge_messages WHERE id = ?", (message_id,))
        return _message(row) if row else None

    def items(self, message_id: int) -> list[LedgerItem]:
        rows = self.db.query("SELECT * FROM nudge_ledger WHERE message_id = ? ORDER BY id", (message_id,))
        return [_item(r) for r in rows]

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def cancel_pending_for(self, invoice_id: int) -> int:
        """Cancel not-yet-delivered reminder DMs in which no other open invoice remains; how many."""
        with self.db.transaction():
            rows = self.db.rows(
                "SELECT DISTINCT m.id FROM nudge_messages m JOIN nudge_ledger l ON l.message_id = m.id"
                " WHERE l.invoice_id = ? AND m.status = 'pending'"
                " AND NOT EXISTS (SELECT 1 FROM nudge_ledger l2 JOIN invoices i2 ON i2.id = l2.invoice_id"
                "   WHERE l2.message_id = m.id AND i2.status = 'open' AND i2.id != ?)",
                (invoice_id, invoice_id),
            )
            for (message_id,) in rows:
                self.db.execute("UPDATE nudge_messages SET status = 'cancelled', lease_until = NULL WHERE id = ?", (message_id,))
        return len(rows)

    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        """A merge: the claims and DMs of one client become the other's."""
        params = (into_id, owner.workspace, owner.user, from_id)
        with self.db.transaction():
            self.db.execute("UPDATE nudge_ledger SET client_id = ? WHERE workspace = ? AND owner = ? AND client_id = ?", params)
            # One DM per client per day: where both had a DM on the same day, the merged one's reminder
            # claims join the other's DM of that day (the claims are what keep each stage sent once).
            self.db.execute(
                "UPDATE nudge_messages SET client_id = ? WHERE workspace = ? AND owner = ? AND client_id = ?"
                " AND NOT EXISTS (SELECT 1 FROM nudge_messages o WHERE o.workspace = nudge_messages.workspace"
                " AND o.owner = nudge_messages.owner AND o.client_id = ? AND o.local_day = nudge_messages.local_day)",
                params + (into_id,),
            )
            self.db.execute(
                "UPDATE nudge_ledger SET message_id = (SELECT m2.id FROM nudge_messages m1 JOIN nudge_messages m2"
                " ON m2.workspace = m1.workspace AND m2.owner = m1.owner AND m2.local_day = m1.local_day AND m2.client_id = ?"
                " WHERE m1.id = nudge_ledger.message_id)"
                " WHERE message_id IN (SELECT id FROM nudge_messages WHERE workspace = ? AND owner = ? AND client_id = ?)",
                params,
            )
            self.db.execute("DELETE FROM nudge_messages WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (owner.workspace, owner.user, from_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        """A client deleted on purpose: its claims and DMs go with it."""
        cid = (owner.workspace, owner.user, client_id)
        with self.db.transaction():
            self.db.execute("DELETE FROM nudge_ledger WHERE workspace = ? AND owner = ? AND client_id = ?", cid)
            self.db.execute("DELETE FROM nudge_messages WHERE workspace = ? AND owner = ? AND client_id = ?", cid)

    # -- what users see -------------------------------------------------------------
    def failures(self, owner: Owner) -> list[NudgeFailure]:
        """Reminders that never reached the user, for invoices still open (newest first)."""
        rows = self.db.query(
            "SELECT l.invoice_id, i.ref, l.stage, m.last_error AS reason, m.error_kind AS kind, m.attempts, m.failed_at"
            " FROM nudge_ledger l JOIN nudge_messages m ON m.id = l.message_id JOIN invoices i ON i.id = l.invoice_id"
            " WHERE l.workspace = ? AND l.owner = ? AND m.status = 'failed' AND i.status = 'open'"
            " AND l.due_on = i.due_on"
            " AND NOT EXISTS (SELECT 1 FROM nudge_ledger l2 JOIN nudge_messages m2 ON m2.id = l2.message_id"
            "   WHERE l2.invoice_id = l.invoice_id AND m2.status = 'delivered' AND m2.delivered_at > m.failed_at)"
            " ORDER BY m.failed_at DESC, l.id DESC",
            (owner.workspace, owner.user),
        )
        return [_failure(r) for r in rows]

    def sent_for_client(self, owner: Owner, client_id: int) -> list[SentNudge]:
        rows = self.db.query(
            "SELECT l.invoice_id, i.ref, l.stage, l.overdue_days, m.delivered_at, i.amount_minor, i.currency"
            " FROM nudge_ledger l JOIN nudge_messages m ON m.id = l.message_id JOIN invoices i ON i.id = l.invoice_id"
            " WHERE l.workspace = ? AND l.owner = ? AND l.client_id = ? AND m.status = 'delivered'"
            " ORDER BY m.delivered_at, l.id",
            (owner.workspace, owner.user, client_id),
        )
        return [_sent(r) for r in rows]
