"""The nudge ledger: which reminder stage was claimed for which invoice, and its delivery.

Two tables. `nudge_ledger` has one row per (invoice, due date, stage): the
unique constraint is what makes a stage go out at most once, even with two
sweeps racing on one file; a new due date re-arms the ladder because it is
part of the key. `nudge_messages` has one row per DM (one per client per
local day, also unique) with its delivery state: pending with a retry time
and a short lease, delivered, failed (shown in `/invoice list`) or cancelled
(everything in it was paid before it went out).

The sweep calls the claim helpers inside its own `transaction()`, so the
re-checks and the writes are one atomic step.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Mapping

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # storage/db.py imports it only when a migration runs: ~1 s of start-up
    import sqlite_utils

from storage.db import Database, from_iso, to_iso
from storage.nudge_delivery import DeliveryState, migrate_v3, migrate_v4
from storage.records import Owner


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
    db["nudge_followup_leases"].create(
        {"followup_id": int, "lease_until": str},
        pk="followup_id",
        not_null={"lease_until"},
        if_not_exists=True,
    )


MIGRATIONS = [_v1, _v2, migrate_v3, migrate_v4]

OFFSETS_KEY = "nudge_offsets"
LATE_FEE_KEY = "nudge_late_fee_percent"


@dataclass(frozen=True)
class Candidate:
    """An open invoice whose next check has come (a row of the sweep's index scan)."""

    invoice_id: int
    workspace: str
    owner: str
    client_id: int
    due_on: date
    snoozed_until: date | None
    next_nudge_on: date


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


@dataclass(frozen=True)
class History:
    paid: int  # invoices settled
    late: int  # of which settled after the due date
    late_days: int  # total days late over those
    overdue: int  # open and past due today

    @property
    def average_late(self) -> int:
        return round(self.late_days / self.late) if self.late else 0


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _message(row: dict) -> Message:
    return Message(
        id=row["id"],
        workspace=row["workspace"],
        owner=row["owner"],
        client_id=row["client_id"],
        local_day=date.fromisoformat(row["local_day"]),
        platform=row["platform"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=from_iso(row["next_attempt_at"]),  # type: ignore[arg-type]
        last_error=row["last_error"],
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        delivered_at=from_iso(row["delivered_at"]),
    )


def _item(row: dict) -> LedgerItem:
    return LedgerItem(
        id=row["id"],
        client_id=row["client_id"],
        invoice_id=row["invoice_id"],
        due_on=date.fromisoformat(row["due_on"]),
        stage=row["stage"],
        overdue_days=row["overdue_days"],
        message_id=row["message_id"],
        claimed_at=from_iso(row["claimed_at"]),  # type: ignore[arg-type]
    )


class Nudges:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.delivery = DeliveryState(db)  # leases, parts and unknown outcomes (storage/nudge_delivery.py)

    # -- workspace settings ---------------------------------------------------
    def _workspace_settings(self, workspace: str) -> dict:
        row = self.db.one("SELECT settings FROM workspaces WHERE id = ?", (workspace,))
        if not row or not row["settings"]:
            return {}
        try:
            value = json.loads(row["settings"])
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def offsets(self, workspace: str) -> dict[str, int] | None:
        """The workspace's own stage offsets, or None for the defaults."""
        value = self._workspace_settings(workspace).get(OFFSETS_KEY)
        return dict(value) if isinstance(value, dict) else None

    def late_fee_percent(self, workspace: str) -> float | None:
        value = self._workspace_settings(workspace).get(LATE_FEE_KEY)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def _set_workspace_key(self, workspace: str, key: str, value: object) -> None:
        with self.db.transaction():
            settings = self._workspace_settings(workspace)
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
            self.db.execute("UPDATE workspaces SET settings = ? WHERE id = ?", (json.dumps(settings, sort_keys=True), workspace))

    def set_offsets(self, workspace: str, offsets: Mapping[str, int] | None) -> None:
        """Store validated offsets (see `bot.nudges.policy.validate_offsets`); None restores the defaults."""
        self._set_workspace_key(workspace, OFFSETS_KEY, dict(offsets) if offsets is not None else None)

    def set_late_fee_percent(self, workspace: str, percent: float | None) -> None:
        self._set_workspace_key(workspace, LATE_FEE_KEY, percent)

    # -- the sweep's scan -------------------------------------------------------
    def candidates(self, horizon: date, after: tuple[str, int] | None = None, limit: int = 500) -> list[Candidate]:
        """Open invoices with `next_nudge_on <= horizon`, in index order, one page at a time."""
        params: list = [horizon.isoformat()]
        sql = (
            "SELECT id, workspace, owner, client_id, due_on, snoozed_until, next_nudge_on FROM invoices"
            " INDEXED BY idx_invoices_status_next_nudge_on"
            " WHERE status = 'open' AND next_nudge_on <= ?"
        )
        if after is not None:
            sql += " AND (next_nudge_on, id) > (?, ?)"
            params += [after[0], after[1]]
        sql += " ORDER BY next_nudge_on, id LIMIT ?"
        params.append(limit)
        return [
            Candidate(
                invoice_id=r["id"],
                workspace=r["workspace"],
                owner=r["owner"],
                client_id=r["client_id"],
                due_on=date.fromisoformat(r["due_on"]),
                snoozed_until=_date(r["snoozed_until"]),
                next_nudge_on=date.fromisoformat(r["next_nudge_on"]),
            )
            for r in self.db.query(sql, params)
        ]

    def upcoming(self, limit: int = 20) -> list[Candidate]:
        """The next open invoices to be looked at, soonest first (for `redflag nudges preview`)."""
        rows = self.db.query(
            "SELECT id, workspace, owner, client_id, due_on, snoozed_until, next_nudge_on FROM invoices"
            " INDEXED BY idx_invoices_status_next_nudge_on"
            " WHERE status = 'open' AND next_nudge_on IS NOT NULL ORDER BY next_nudge_on, id LIMIT ?",
            (limit,),
        )
        return [
            Candidate(r["id"], r["workspace"], r["owner"], r["client_id"], date.fromisoformat(r["due_on"]),
                      _date(r["snoozed_until"]), date.fromisoformat(r["next_nudge_on"]))
            for r in rows
        ]

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
        cur = self.db.execute(
            "INSERT INTO nudge_messages (workspace, owner, client_id, local_day, platform, status, attempts,"
            " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)"
            " ON CONFLICT(workspace, owner, client_id, local_day) DO NOTHING",
            (owner.workspace, owner.user, client_id, day.isoformat(), platform, to_iso(at), to_iso(at)),
        )
        return cur.lastrowid if cur.rowcount == 1 else None

    def drop_message(self, message_id: int) -> None:
        """Remove a DM that ended up with nothing in it (inside the claiming transaction)."""
        self.db.execute("DELETE FROM nudge_messages WHERE id = ? AND NOT EXISTS"
                        " (SELECT 1 FROM nudge_ledger WHERE message_id = ?)", (message_id, message_id))

    def claim(self, owner: Owner, client_id: int, invoice_id: int, due_on: date, stage: str,
              overdue_days: int, message_id: int, at: datetime) -> bool:
        """Record that `stage` goes out for this invoice and due date; False if it already has."""
        cur = self.db.execute(
            "INSERT INTO nudge_ledger (workspace, owner, client_id, invoice_id, due_on, stage, overdue_days,"
            " message_id, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(invoice_id, due_on, stage) DO NOTHING",
            (owner.workspace, owner.user, client_id, invoice_id, due_on.isoformat(), stage, overdue_days,
             message_id, to_iso(at)),
        )
        return cur.rowcount == 1

    def set_next_check(self, invoice_id: int, day: date | None, expected: date | None = None) -> None:
        """Advance the invoice's `next_nudge_on`; with `expected`, only if nobody moved it meanwhile."""
        sql = "UPDATE invoices SET next_nudge_on = ? WHERE id = ? AND status = 'open'"
        params: list = [day.isoformat() if day else None, invoice_id]
        if expected is not None:
            sql += " AND next_nudge_on = ?"
            params.append(expected.isoformat())
        self.db.execute(sql, params)

    def next_check_of(self, invoice_id: int) -> date | None:
        row = self.db.one("SELECT next_nudge_on FROM invoices WHERE id = ?", (invoice_id,))
        return _date(row["next_nudge_on"]) if row else None

    # -- delivery -----------------------------------------------------------------
    def deliverable(self, at: datetime, limit: int = 500) -> list[Message]:
        rows = self.db.query(
            "SELECT * FROM nudge_messages WHERE status = 'pending' AND next_attempt_at <= ?"
            " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?",
            (to_iso(at), to_iso(at), limit),
        )
        return [_message(r) for r in rows]

    def pending(self, limit: int = 100) -> list[Message]:
        rows = self.db.query(
            "SELECT * FROM nudge_messages WHERE status = 'pending' ORDER BY next_attempt_at, id LIMIT ?", (limit,)
        )
        return [_message(r) for r in rows]

    def lease(self, message_id: int, at: datetime, until: datetime) -> bool:
        """Take the right to deliver one DM for a short while (a crash lets the lease run out)."""
        with self.db.transaction():
            cur = self.db.execute(
                "UPDATE nudge_messages SET lease_until = ? WHERE id = ? AND status = 'pending'"
                " AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)",
                (to_iso(until), message_id, to_iso(at), to_iso(at)),
            )
        return cur.rowcount == 1

    def lease_followup(self, followup_id: int, at: datetime, until: datetime) -> bool:
        with self.db.transaction():
            cur = self.db.execute(
                "INSERT INTO nudge_followup_leases (followup_id, lease_until) VALUES (?, ?)"
                " ON CONFLICT(followup_id) DO UPDATE SET lease_until = excluded.lease_until"
                " WHERE nudge_followup_leases.lease_until <= ?",
                (followup_id, to_iso(until), to_iso(at)),
            )
        return cur.rowcount == 1

    def release_followup(self, followup_id: int) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM nudge_followup_leases WHERE followup_id = ?", (followup_id,))

    def get_message(self, message_id: int) -> Message | None:
        row = self.db.one("SELECT * FROM nudge_messages WHERE id = ?", (message_id,))
        return _message(row) if row else None

    def items(self, message_id: int) -> list[LedgerItem]:
        rows = self.db.query("SELECT * FROM nudge_ledger WHERE message_id = ? ORDER BY id", (message_id,))
        return [_item(r) for r in rows]

    def mark_delivered(self, message_id: int, at: datetime) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE nudge_messages SET status = 'delivered', delivered_at = ?, attempts = attempts + 1,"
                " lease_until = NULL, last_error = NULL WHERE id = ? AND status = 'pending'",
                (to_iso(at), message_id),
            )

    def mark_retry(self, message_id: int, next_at: datetime, error: str | None, count_attempt: bool = True) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE nudge_messages SET next_attempt_at = ?, lease_until = NULL, last_error = coalesce(?, last_error),"
                " attempts = attempts + ? WHERE id = ? AND status = 'pending'",
                (to_iso(next_at), error, 1 if count_attempt else 0, message_id),
            )

    def mark_failed(self, message_id: int, at: datetime, error: str) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE nudge_messages SET status = 'failed', failed_at = ?, last_error = ?, attempts = attempts + 1,"
                " lease_until = NULL WHERE id = ? AND status = 'pending'",
                (to_iso(at), error, message_id),
            )

    def mark_cancelled(self, message_id: int) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE nudge_messages SET status = 'cancelled', lease_until = NULL WHERE id = ? AND status = 'pending'",
                (message_id,),
            )

    def history(self, owner: Owner, client_id: int, today: date) -> "History":
        """The client's payment record in one aggregate query (the DM's one-line history)."""
        row = self.db.one(
            "SELECT sum(status = 'paid' AND paid_on IS NOT NULL) AS paid,"
            " sum(status = 'paid' AND paid_on > due_on) AS late,"
            " sum(CASE WHEN status = 'paid' AND paid_on > due_on THEN julianday(paid_on) - julianday(due_on) END) AS late_days,"
            " sum(status = 'open' AND due_on < ?) AS overdue"
            " FROM invoices WHERE workspace = ? AND owner = ? AND client_id = ?",
            (today.isoformat(), owner.workspace, owner.user, client_id),
        ) or {}
        return History(
            paid=int(row.get("paid") or 0),
            late=int(row.get("late") or 0),
            late_days=int(row.get("late_days") or 0),
            overdue=int(row.get("overdue") or 0),
        )

    # -- what users see -------------------------------------------------------------
    def failures(self, owner: Owner) -> list[NudgeFailure]:
        """Reminders that never reached the user, for invoices still open (newest first)."""
        rows = self.db.query(
            "SELECT l.invoice_id, i.ref, l.stage, m.last_error, m.error_kind, m.attempts, m.failed_at"
            " FROM nudge_ledger l JOIN nudge_messages m ON m.id = l.message_id JOIN invoices i ON i.id = l.invoice_id"
            " WHERE l.workspace = ? AND l.owner = ? AND m.status = 'failed' AND i.status = 'open'"
            " AND l.due_on = i.due_on"
            " AND NOT EXISTS (SELECT 1 FROM nudge_ledger l2 JOIN nudge_messages m2 ON m2.id = l2.message_id"
            "   WHERE l2.invoice_id = l.invoice_id AND m2.status = 'delivered' AND m2.delivered_at > m.failed_at)"
            " ORDER BY m.failed_at DESC, l.id DESC",
            (owner.workspace, owner.user),
        )
        return [
            NudgeFailure(
                invoice_id=r["invoice_id"],
                ref=r["ref"],
                stage=r["stage"],
                reason=r["last_error"] or "",
                attempts=r["attempts"],
                failed_at=from_iso(r["failed_at"]),  # type: ignore[arg-type]
                kind=r["error_kind"],
            )
            for r in rows
        ]

    def failed_by_invoice(self, owner: Owner) -> dict[int, NudgeFailure]:
        """The latest undelivered reminder per invoice id (one look-up for a whole list)."""
        out: dict[int, NudgeFailure] = {}
        for failure in self.failures(owner):
            out.setdefault(failure.invoice_id, failure)
        return out

    def sent_for_client(self, owner: Owner, client_id: int) -> list[SentNudge]:
        rows = self.db.query(
            "SELECT l.invoice_id, i.ref, l.stage, l.overdue_days, m.delivered_at, i.amount_minor, i.currency"
            " FROM nudge_ledger l JOIN nudge_messages m ON m.id = l.message_id JOIN invoices i ON i.id = l.invoice_id"
            " WHERE l.workspace = ? AND l.owner = ? AND l.client_id = ? AND m.status = 'delivered'"
            " ORDER BY m.delivered_at, l.id",
            (owner.workspace, owner.user, client_id),
        )
        return [
            SentNudge(r["invoice_id"], r["ref"], r["stage"], r["overdue_days"],
                      from_iso(r["delivered_at"]), r["amount_minor"], r["currency"])  # type: ignore[arg-type]
            for r in rows
        ]

    def stats(self) -> dict[str, int]:
        """Counts of messages by status (for operators' reports)."""
        return {r["status"]: r["n"] for r in self.db.query("SELECT status, count(*) AS n FROM nudge_messages GROUP BY status")}
