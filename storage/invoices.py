"""Invoices and their payments. Amounts are integer minor units with an ISO currency."""
from __future__ import annotations

from datetime import date

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, from_iso, to_iso, utcnow
from storage.records import Invoice, Owner, Payment


def ref_key(ref: str) -> str:
    return ref.strip().casefold()


def _v1(db: "sqlite_utils.Database") -> None:
    db["invoices"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "client_id": int,
            "ref": str,
            "ref_key": str,
            "amount_minor": int,
            "currency": str,
            "issued_on": str,
            "due_on": str,
            "status": str,
            "snoozed_until": str,
            "paid_on": str,
            "next_nudge_on": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"workspace", "owner", "client_id", "ref", "ref_key", "amount_minor", "currency", "issued_on", "due_on", "status", "created_at", "updated_at"},
        foreign_keys=[("client_id", "clients", "id")],
        defaults={"status": "open"},
        if_not_exists=True,
    )
    db["invoices"].create_index(["workspace", "owner", "ref_key"], unique=True, if_not_exists=True)
    db["invoices"].create_index(["workspace", "owner", "client_id", "issued_on"], if_not_exists=True)
    db["invoices"].create_index(["workspace", "owner", "status", "due_on"], if_not_exists=True)
    # The reminder sweep reads only rows whose next check has come: its cost follows what is due.
    db["invoices"].create_index(["status", "next_nudge_on"], if_not_exists=True)
    db["payments"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "invoice_id": int,
            "amount_minor": int,
            "currency": str,
            "paid_on": str,
            "recorded_at": str,
            "request_id": str,
        },
        pk="id",
        not_null={"workspace", "owner", "invoice_id", "amount_minor", "currency", "paid_on", "recorded_at"},
        foreign_keys=[("invoice_id", "invoices", "id")],
        if_not_exists=True,
    )
    db["payments"].create_index(["invoice_id"], if_not_exists=True)
    db["payments"].create_index(["workspace", "owner", "request_id"], unique=True, if_not_exists=True)


def _v2(db: "sqlite_utils.Database") -> None:
    """An invoice remembers the request that created it: a replayed `/invoice add` or modal writes nothing."""
    if "request_id" not in db["invoices"].columns_dict:
        db.execute("ALTER TABLE invoices ADD COLUMN request_id TEXT")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS invoices_request ON invoices (workspace, owner, request_id)")


MIGRATIONS = [_v1, _v2]

#: Invoices still on the books: a deleted one (issue 19) keeps its row, status 'deleted', and a
#: ref_key no look-up matches, so its reference is free again; storage/history.py keeps what it was.
_LIVE = " AND i.status != 'deleted'"

_SELECT = (
    "SELECT i.*, coalesce((SELECT sum(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0) AS paid_minor"
    " FROM invoices i"
)


def _row(row: dict) -> Invoice:
    return Invoice(
        id=row["id"],
        client_id=row["client_id"],
        ref=row["ref"],
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        issued_on=date.fromisoformat(row["issued_on"]),
        due_on=date.fromisoformat(row["due_on"]),
        status=row["status"],
        snoozed_until=date.fromisoformat(row["snoozed_until"]) if row["snoozed_until"] else None,
        paid_minor=row["paid_minor"],
        paid_on=date.fromisoformat(row["paid_on"]) if row["paid_on"] else None,
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
    )


def _payment(row: dict) -> Payment:
    return Payment(
        id=row["id"],
        invoice_id=row["invoice_id"],
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        paid_on=date.fromisoformat(row["paid_on"]),
        recorded_at=from_iso(row["recorded_at"]),  # type: ignore[arg-type]
    )


class DuplicateInvoice(Exception):
    def __init__(self, existing: Invoice) -> None:
        super().__init__(existing.ref)
        self.existing = existing


class PaymentRefused(Exception):
    """Why a payment could not be recorded: `reason` is a catalog-ready code."""

    def __init__(self, reason: str, invoice: Invoice) -> None:
        super().__init__(reason)
        self.reason = reason  # "already_paid" | "too_much" | "written_off" | "deleted"
        self.invoice = invoice


class Invoices:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        owner: Owner,
        client_id: int,
        ref: str,
        amount_minor: int,
        currency: str,
        issued_on: date,
        due_on: date,
        request_id: str | None = None,
    ) -> Invoice:
        """Add an invoice; the same `request_id` again returns the invoice it created, unchanged."""
        now = to_iso(utcnow())
        with self.db.transaction():
            if request_id is not None:
                row = self.db.one(
                    "SELECT id FROM invoices WHERE workspace = ? AND owner = ? AND request_id = ?",
                    (owner.workspace, owner.user, request_id),
                )
                if row is not None:
                    found = self.get(owner, row["id"])
                    assert found is not None
                    return found
            existing = self.by_ref(owner, ref)
            if existing is not None:
                raise DuplicateInvoice(existing)
            cur = self.db.execute(
                "INSERT INTO invoices (workspace, owner, client_id, ref, ref_key, amount_minor, currency, issued_on,"
                " due_on, status, next_nudge_on, created_at, updated_at, request_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                (owner.workspace, owner.user, client_id, ref, ref_key(ref), amount_minor, currency,
                 issued_on.isoformat(), due_on.isoformat(), due_on.isoformat(), now, now, request_id),
            )
            invoice_id = cur.lastrowid
        found = self.get(owner, invoice_id)
        assert found is not None
        return found

    def get(self, owner: Owner, invoice_id: int) -> Invoice | None:
        row = self.db.one(_SELECT + " WHERE i.id = ? AND i.workspace = ? AND i.owner = ?", (invoice_id, owner.workspace, owner.user))
        return _row(row) if row else None

    def by_ref(self, owner: Owner, ref: str) -> Invoice | None:
        row = self.db.one(_SELECT + " WHERE i.workspace = ? AND i.owner = ? AND i.ref_key = ?", (owner.workspace, owner.user, ref_key(ref)))
        return _row(row) if row else None

    def refs(self, owner: Owner, prefix: str = "", limit: int = 25, open_only: bool = False) -> list[str]:
        like = "%" + prefix.casefold().replace("%", "").replace("_", "") + "%"
        status = " AND status = 'open'" if open_only else " AND status != 'deleted'"
        rows = self.db.query(
            "SELECT ref FROM invoices WHERE workspace = ? AND owner = ? AND ref_key LIKE ?" + status + " ORDER BY due_on DESC LIMIT ?",
            (owner.workspace, owner.user, like, limit),
        )
        return [r["ref"] for r in rows]

    def list(self, owner: Owner, client_id: int | None = None) -> list[Invoice]:
        if client_id is None:
            rows = self.db.query(_SELECT + " WHERE i.workspace = ? AND i.owner = ?" + _LIVE + " ORDER BY i.due_on, i.id", (owner.workspace, owner.user))
        else:
            rows = self.db.query(
                _SELECT + " WHERE i.workspace = ? AND i.owner = ? AND i.client_id = ?" + _LIVE + " ORDER BY i.due_on, i.id",
                (owner.workspace, owner.user, client_id),
            )
        return [_row(r) for r in rows]

    def count_for_owner(self, owner: Owner) -> int:
        row = self.db.one("SELECT count(*) AS n FROM invoices WHERE workspace = ? AND owner = ?", (owner.workspace, owner.user))
        return row["n"] if row else 0

    def payments(self, owner: Owner, invoice_id: int) -> list[Payment]:
        rows = self.db.query(
            "SELECT * FROM payments WHERE invoice_id = ? AND workspace = ? AND owner = ? ORDER BY paid_on, id",
            (invoice_id, owner.workspace, owner.user),
        )
        return [_payment(r) for r in rows]

    def payments_for_client(self, owner: Owner, client_id: int) -> list[Payment]:
        rows = self.db.query(
            "SELECT p.* FROM payments p JOIN invoices i ON i.id = p.invoice_id"
            " WHERE i.client_id = ? AND p.workspace = ? AND p.owner = ?" + _LIVE + " ORDER BY p.paid_on, p.id",
            (client_id, owner.workspace, owner.user),
        )
        return [_payment(r) for r in rows]

    def pay(
        self,
        owner: Owner,
        invoice_id: int,
        amount_minor: int | None,
        paid_on: date,
        request_id: str | None = None,
    ) -> tuple[Invoice, Payment, bool]:
        """Record a payment (the whole balance when `amount_minor` is None).

        Returns (invoice after, payment, created). A repeated request id returns
        the first payment unchanged; an overpayment or a payment on a settled
        invoice raises `PaymentRefused` and writes nothing.
        """
        with self.db.transaction():
            if request_id is not None:
                row = self.db.one(
                    "SELECT * FROM payments WHERE workspace = ? AND owner = ? AND request_id = ?",
                    (owner.workspace, owner.user, request_id),
                )
                if row:
                    invoice = self.get(owner, row["invoice_id"])
                    assert invoice is not None
                    return invoice, _payment(row), False
            invoice = self.get(owner, invoice_id)
            if invoice is None:
                raise LookupError(invoice_id)
            if invoice.status in ("written_off", "deleted"):
                raise PaymentRefused(invoice.status, invoice)
            if invoice.status == "paid" or invoice.balance_minor <= 0:
                raise PaymentRefused("already_paid", invoice)
            amount = invoice.balance_minor if amount_minor is None else amount_minor
            if amount > invoice.balance_minor:
                raise PaymentRefused("too_much", invoice)
            now = to_iso(utcnow())
            cur = self.db.execute(
                "INSERT INTO payments (workspace, owner, invoice_id, amount_minor, currency, paid_on, recorded_at, request_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (owner.workspace, owner.user, invoice.id, amount, invoice.currency, paid_on.isoformat(), now, request_id),
            )
            payment_id = cur.lastrowid
            if amount == invoice.balance_minor:
                self.db.execute(
                    "UPDATE invoices SET status = 'paid', paid_on = ?, updated_at = ? WHERE id = ?",
                    (paid_on.isoformat(), now, invoice.id),
                )
            else:
                self.db.execute("UPDATE invoices SET updated_at = ? WHERE id = ?", (now, invoice.id))
            after = self.get(owner, invoice.id)
            payment = self.db.one("SELECT * FROM payments WHERE id = ?", (payment_id,))
        assert after is not None and payment is not None
        return after, _payment(payment), True

    def snooze(self, owner: Owner, invoice_id: int, until: date) -> Invoice:
        with self.db.transaction():
            self.db.execute(
                "UPDATE invoices SET snoozed_until = ?, next_nudge_on = max(coalesce(next_nudge_on, ''), ?), updated_at = ?"
                " WHERE id = ? AND workspace = ? AND owner = ?",
                (until.isoformat(), until.isoformat(), to_iso(utcnow()), invoice_id, owner.workspace, owner.user),
            )
        found = self.get(owner, invoice_id)
        assert found is not None
        return found

    def set_due(self, owner: Owner, invoice_id: int, due_on: date) -> Invoice:
        """A new due date re-arms the reminder ladder: the next check is the new due date."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE invoices SET due_on = ?, next_nudge_on = ?, snoozed_until = NULL, updated_at = ?"
                " WHERE id = ? AND workspace = ? AND owner = ?",
                (due_on.isoformat(), due_on.isoformat(), to_iso(utcnow()), invoice_id, owner.workspace, owner.user),
            )
        found = self.get(owner, invoice_id)
        assert found is not None
        return found

    def set_status(self, owner: Owner, invoice_id: int, status: str) -> Invoice:
        with self.db.transaction():
            self.db.execute(
                "UPDATE invoices SET status = ?, updated_at = ? WHERE id = ? AND workspace = ? AND owner = ?",
                (status, to_iso(utcnow()), invoice_id, owner.workspace, owner.user),
            )
        found = self.get(owner, invoice_id)
        assert found is not None
        return found
