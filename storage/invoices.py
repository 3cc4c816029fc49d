"""Invoices and their payments. Amounts are integer minor units with an ISO currency.

The reminder sweep's side of an invoice lives here too: `next_nudge_on` (the
day its next check is due), the index scan over it, and the client's payment
record the reminder DM quotes; the ledger of what was sent is `storage/nudges.py`.
"""
from __future__ import annotations

from datetime import date

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso, utcnow
from storage.records import Candidate, Invoice, Owner, Payment, PaymentRecord
from storage.rows import by_key, insert_once, insert_or_find, mapper


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


_row = mapper(Invoice)
_payment = mapper(Payment)
_candidate = mapper(Candidate)

#: The sweep's scan: open invoices in `next_nudge_on` order, through the index made for it.
def _scan(db: Database) -> str:
    return ("SELECT id AS invoice_id, workspace, owner, client_id, due_on, snoozed_until, next_nudge_on FROM invoices"
            + db.dialect.indexed_by("idx_invoices_status_next_nudge_on"))


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


def _invoice(owner: Owner, client_id: int, ref: str, amount_minor: int, currency: str, issued_on: date, due_on: date,
             at: str, paid_on: date | None = None, request_id: str | None = None) -> dict:
    """A new invoice's row: settled on `paid_on`, or open with its due date as the ladder's first check."""
    return {
        "workspace": owner.workspace, "owner": owner.user, "client_id": client_id, "ref": ref, "ref_key": ref_key(ref),
        "amount_minor": amount_minor, "currency": currency, "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(), "status": "paid" if paid_on else "open",
        "paid_on": paid_on.isoformat() if paid_on else None, "next_nudge_on": None if paid_on else due_on.isoformat(),
        "created_at": at, "updated_at": at, "request_id": request_id,
    }


def _paid(owner: Owner, invoice_id: int, amount_minor: int, currency: str, paid_on: date, at: str,
          request_id: str | None = None) -> dict:
    return {"workspace": owner.workspace, "owner": owner.user, "invoice_id": invoice_id, "amount_minor": amount_minor,
            "currency": currency, "paid_on": paid_on.isoformat(), "recorded_at": at, "request_id": request_id}


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
            invoice_id, _ = insert_or_find(self.db, "invoices", owner, _invoice(
                owner, client_id, ref, amount_minor, currency, issued_on, due_on, now, request_id=request_id))
            if invoice_id is None:  # not this request's invoice: another one has the reference
                existing = self.by_ref(owner, ref)
                assert existing is not None
                raise DuplicateInvoice(existing)
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
            # The balance is read, checked and paid down under the invoice's row lock (PostgreSQL's READ
            # COMMITTED would let two payments both see the old balance); a replay waits here too.
            self.db.one("SELECT id FROM invoices WHERE id = ? AND workspace = ? AND owner = ?" + self.db.dialect.for_update(),
                        (invoice_id, owner.workspace, owner.user))
            row = by_key(self.db, "payments", owner, "request_id", request_id)  # checks come after a replay
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
            payment_id = insert_once(self.db, "payments", _paid(owner, invoice.id, amount, invoice.currency, paid_on, now,
                                                                request_id))
            assert payment_id is not None  # the request id was looked up above, in this transaction
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
                "UPDATE invoices SET snoozed_until = ?, next_nudge_on = " + self.db.dialect.greatest("coalesce(next_nudge_on, '')", "?")
                + ", updated_at = ?"
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

    # -- the reminder sweep's side --------------------------------------------------
    def candidates(self, horizon: date, after: tuple[str, int] | None = None, limit: int = 500) -> list[Candidate]:
        """Open invoices with `next_nudge_on <= horizon`, in index order, one page at a time."""
        params: list = [horizon.isoformat()]
        sql = _scan(self.db) + " WHERE status = 'open' AND next_nudge_on <= ?"
        if after is not None:
            sql += " AND (next_nudge_on, id) > (?, ?)"
            params += [after[0], after[1]]
        sql += " ORDER BY next_nudge_on, id LIMIT ?"
        params.append(limit)
        return [_candidate(r) for r in self.db.query(sql, params)]

    def due_clients(self, horizon: date, after: int = 0, limit: int = 200) -> list[int]:
        """The next clients (by id, after `after`) with an open invoice whose `next_nudge_on <= horizon`.

        Called inside the claiming transaction: on PostgreSQL the clients' rows stay locked until it ends
        and rows another sweeper holds are passed over (`Dialect.skip_locked`), so sweepers sharing one
        database claim disjoint batches without waiting on each other. The due set comes from the
        `(status, next_nudge_on)` index: a batch costs what is due, not what is stored.
        """
        rows = self.db.rows(
            "SELECT c.id FROM clients c JOIN (SELECT DISTINCT client_id FROM invoices"
            + self.db.dialect.indexed_by("idx_invoices_status_next_nudge_on")
            + " WHERE status = 'open' AND next_nudge_on <= ? AND client_id > ?) d ON d.client_id = c.id"
            " ORDER BY c.id LIMIT ?" + self.db.dialect.skip_locked("c"),
            (horizon.isoformat(), after, limit),
        )
        return [r[0] for r in rows]

    def candidates_of(self, client_ids: list[int], horizon: date) -> list[Candidate]:
        """The open invoices of these clients with `next_nudge_on <= horizon`, client by client, in index order."""
        if not client_ids:
            return []
        marks = ", ".join("?" for _ in client_ids)
        sql = (_scan(self.db) + f" WHERE status = 'open' AND next_nudge_on <= ? AND client_id IN ({marks})"
               " ORDER BY client_id, next_nudge_on, id")
        return [_candidate(r) for r in self.db.query(sql, [horizon.isoformat(), *client_ids])]

    def upcoming(self, limit: int = 20) -> list[Candidate]:
        """The next open invoices to be looked at, soonest first (for `redflag nudges preview`)."""
        rows = self.db.query(
            _scan(self.db) + " WHERE status = 'open' AND next_nudge_on IS NOT NULL ORDER BY next_nudge_on, id LIMIT ?", (limit,)
        )
        return [_candidate(r) for r in rows]

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
        return date.fromisoformat(row["next_nudge_on"]) if row and row["next_nudge_on"] else None

    def payment_record(self, owner: Owner, client_id: int, today: date) -> PaymentRecord:
        """The client's payment record in one aggregate query (the DM's one-line history)."""
        row = self.db.one(
            "SELECT sum(CASE WHEN status = 'paid' AND paid_on IS NOT NULL THEN 1 ELSE 0 END) AS paid,"
            " sum(CASE WHEN status = 'paid' AND paid_on > due_on THEN 1 ELSE 0 END) AS late,"
            " sum(CASE WHEN status = 'paid' AND paid_on > due_on THEN "
            + self.db.dialect.days_between("paid_on", "due_on") + " END) AS late_days,"
            " sum(CASE WHEN status = 'open' AND due_on < ? THEN 1 ELSE 0 END) AS overdue"
            " FROM invoices WHERE workspace = ? AND owner = ? AND client_id = ?",
            (today.isoformat(), owner.workspace, owner.user, client_id),
        ) or {}
        return PaymentRecord(
            paid=int(row.get("paid") or 0),
            late=int(row.get("late") or 0),
            late_days=int(row.get("late_days") or 0),
            overdue=int(row.get("overdue") or 0),
        )

    # -- an import (inside its one transaction, bot/importing/apply.py) -------------------
    def add_imported(self, owner: Owner, client_id: int, ref: str, amount_minor: int, currency: str, issued_on: date,
                     due_on: date, paid_on: date | None, at: str) -> int:
        """A new invoice from a file: settled (`paid_on`) or open and handed to the ladder on its due date."""
        invoice_id = insert_once(self.db, "invoices", _invoice(owner, client_id, ref, amount_minor, currency, issued_on,
                                                               due_on, at, paid_on))
        assert invoice_id is not None  # the preview was checked against the books in this transaction
        return invoice_id

    def add_imported_payment(self, owner: Owner, invoice_id: int, amount_minor: int, currency: str, paid_on: date,
                             at: str) -> None:
        insert_once(self.db, "payments", _paid(owner, invoice_id, amount_minor, currency, paid_on, at))

    def apply_import(self, owner: Owner, invoice_id: int, after: dict, paid_on: date, at: str, replan: bool) -> None:
        """An invoice the file changed (`after`: its snapshot); `replan` re-arms the ladder on the new due date."""
        status = after["status"]
        self.db.execute(
            "UPDATE invoices SET amount_minor = ?, currency = ?, issued_on = ?, due_on = ?, status = ?,"
            " paid_on = CASE WHEN ? = 'paid' AND paid_on IS NULL THEN ? ELSE paid_on END, updated_at = ?"
            + (", next_nudge_on = ?, snoozed_until = NULL" if replan else "")
            + " WHERE id = ? AND workspace = ? AND owner = ?",
            (after["amount_minor"], after["currency"], after["issued_on"], after["due_on"], status, status,
             paid_on.isoformat(), at, *((after["due_on"],) if replan else ()), invoice_id, owner.workspace, owner.user),
        )

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def apply_edit(self, owner: Owner, invoice_id: int, after: dict, paid_on: date | None, at: str, replan: bool) -> None:
        """Write an edited invoice (`after`: the snapshot of storage/corrections.py); `replan` re-arms the ladder."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE invoices SET ref = ?, ref_key = ?, amount_minor = ?, currency = ?, issued_on = ?, due_on = ?,"
                " status = ?, paid_on = ?, updated_at = ?"
                + (", snoozed_until = NULL" if replan else "")
                + " WHERE id = ? AND workspace = ? AND owner = ?",
                (after["ref"], ref_key(after["ref"]), after["amount_minor"], after["currency"], after["issued_on"],
                 after["due_on"], after["status"], paid_on.isoformat() if paid_on else None, at,
                 invoice_id, owner.workspace, owner.user),
            )
            if replan:  # SET reads the old row, so the new due date becomes the next check in a second step
                self.db.execute("UPDATE invoices SET next_nudge_on = due_on WHERE id = ?", (invoice_id,))

    def mark_deleted(self, owner: Owner, invoice_id: int, at: str) -> None:
        """Off the books: the row stays, status 'deleted', with a ref_key no look-up matches."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE invoices SET status = 'deleted', ref_key = ref_key || ? || id, next_nudge_on = NULL, updated_at = ?"
                " WHERE id = ? AND workspace = ? AND owner = ?",
                ("\x1fdeleted:", at, invoice_id, owner.workspace, owner.user),  # refs never hold control characters
            )

    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        with self.db.transaction():
            self.db.execute("UPDATE invoices SET client_id = ? WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (into_id, owner.workspace, owner.user, from_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        """A client deleted on purpose: its invoices and their payments go with it."""
        cid = (owner.workspace, owner.user, client_id)
        with self.db.transaction():
            self.db.execute(
                "DELETE FROM payments WHERE workspace = ? AND owner = ? AND invoice_id IN"
                " (SELECT id FROM invoices WHERE client_id = ?)", cid,
            )
            self.db.execute("DELETE FROM invoices WHERE workspace = ? AND owner = ? AND client_id = ?", cid)
