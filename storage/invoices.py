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
from storage.query import of, statements


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

_q = statements("storage.sql.invoices")
#: The lengths of the `client_id IN (…)` lists `candidates_of` reads a sweep's batch with (sorted; the last is
#: the longest, a longer batch takes several).
CANDIDATE_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
#: What `MARK_DELETED` puts after a deleted invoice's ref_key (then its id); refs never hold control characters.
_DELETED_MARK = "\x1fdeleted:"


_row = mapper(Invoice)
_payment = mapper(Payment)
_candidate = mapper(Candidate)


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
        row = self.db.one(_q.GET, of(owner, id=invoice_id))
        return _row(row) if row else None

    def by_ref(self, owner: Owner, ref: str) -> Invoice | None:
        row = self.db.one(_q.BY_REF, of(owner, ref_key=ref_key(ref)))
        return _row(row) if row else None

    def refs(self, owner: Owner, prefix: str = "", limit: int = 25, open_only: bool = False) -> list[str]:
        like = "%" + prefix.casefold().replace("%", "").replace("_", "") + "%"
        return [r[0] for r in self.db.rows(_q.REFS_OPEN if open_only else _q.REFS, of(owner, like=like, limit=limit))]

    def list(self, owner: Owner, client_id: int | None = None) -> list[Invoice]:
        if client_id is None:
            rows = self.db.query(_q.LIST, of(owner))
        else:
            rows = self.db.query(_q.LIST_FOR_CLIENT, of(owner, client_id=client_id))
        return [_row(r) for r in rows]

    def count_for_owner(self, owner: Owner) -> int:
        row = self.db.one(_q.COUNT, of(owner))
        return row["n"] if row else 0

    def payments(self, owner: Owner, invoice_id: int) -> list[Payment]:
        return [_payment(r) for r in self.db.query(_q.PAYMENTS, of(owner, id=invoice_id))]

    def payments_for_client(self, owner: Owner, client_id: int) -> list[Payment]:
        return [_payment(r) for r in self.db.query(_q.PAYMENTS_FOR_CLIENT, of(owner, client_id=client_id))]

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
            self.db.one(_q.LOCK, of(owner, id=invoice_id))
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
                self.db.execute(_q.SETTLE, {"id": invoice.id, "paid_on": paid_on.isoformat(), "at": now})
            else:
                self.db.execute(_q.TOUCH, {"id": invoice.id, "at": now})
            after = self.get(owner, invoice.id)
            payment = self.db.one(_q.PAYMENT, {"id": payment_id})
        assert after is not None and payment is not None
        return after, _payment(payment), True

    def snooze(self, owner: Owner, invoice_id: int, until: date) -> Invoice:
        with self.db.transaction():
            self.db.execute(_q.SNOOZE, of(owner, id=invoice_id, until=until.isoformat(), at=to_iso(utcnow())))
        found = self.get(owner, invoice_id)
        assert found is not None
        return found

    def set_due(self, owner: Owner, invoice_id: int, due_on: date) -> Invoice:
        """A new due date re-arms the reminder ladder: the next check is the new due date."""
        with self.db.transaction():
            self.db.execute(_q.SET_DUE, of(owner, id=invoice_id, due_on=due_on.isoformat(), at=to_iso(utcnow())))
        found = self.get(owner, invoice_id)
        assert found is not None
        return found

    def set_status(self, owner: Owner, invoice_id: int, status: str) -> Invoice:
        with self.db.transaction():
            self.db.execute(_q.SET_STATUS, of(owner, id=invoice_id, status=status, at=to_iso(utcnow())))
        found = self.get(owner, invoice_id)
        assert found is not None
        return found

    # -- the reminder sweep's side --------------------------------------------------
    def candidates(self, horizon: date, after: tuple[str, int] | None = None, limit: int = 500) -> list[Candidate]:
        """Open invoices with `next_nudge_on <= horizon`, in index order, one page at a time."""
        if after is None:
            rows = self.db.query(_q.CANDIDATES, {"horizon": horizon.isoformat(), "limit": limit})
        else:
            rows = self.db.query(_q.CANDIDATES_AFTER, {"horizon": horizon.isoformat(), "after_on": after[0],
                                                     "after_id": after[1], "limit": limit})
        return [_candidate(r) for r in rows]

    def due_clients(self, horizon: date, after: int = 0, limit: int = 200) -> list[int]:
        """The next clients (by id, after `after`) with an open invoice whose `next_nudge_on <= horizon`.

        Called inside the claiming transaction: on PostgreSQL the clients' rows stay locked until it ends
        and rows another sweeper holds are passed over (`FOR NO KEY UPDATE … SKIP LOCKED`), so sweepers
        sharing one database claim disjoint batches without waiting on each other. The due set comes from
        the `(status, next_nudge_on)` index: a batch costs what is due, not what is stored.
        """
        rows = self.db.rows(_q.DUE_CLIENTS, {"horizon": horizon.isoformat(), "after": after, "limit": limit})
        return [r[0] for r in rows]

    def candidates_of(self, client_ids: list[int], horizon: date) -> list[Candidate]:
        """The open invoices of these clients with `next_nudge_on <= horizon`, client by client, in index order.

        The `IN (…)` list is as long as the sweep's batch, so each length cannot be named ahead of time: the
        ids go in lists of `CANDIDATE_SIZES` (the next size up, its last id repeated; a longer batch in several),
        each a statement of its own, ready-made on SQLite like every other.
        """
        ids = sorted(set(client_ids))
        widest = CANDIDATE_SIZES[-1]
        found: list[Candidate] = []
        for start in range(0, len(ids), widest):
            chunk = ids[start:start + widest]
            size = next(n for n in CANDIDATE_SIZES if n >= len(chunk))
            params: dict[str, object] = {f"c{n}": client_id for n, client_id in enumerate(chunk)}
            params.update({f"c{n}": chunk[-1] for n in range(len(chunk), size)})
            params["horizon"] = horizon.isoformat()
            found.extend(_candidate(r) for r in self.db.query(getattr(_q, f"CANDIDATES_{size}"), params))
        return found

    def upcoming(self, limit: int = 20) -> list[Candidate]:
        """The next open invoices to be looked at, soonest first (for `redflag nudges preview`)."""
        return [_candidate(r) for r in self.db.query(_q.UPCOMING, {"limit": limit})]

    def set_next_check(self, invoice_id: int, day: date | None, expected: date | None = None) -> None:
        """Advance the invoice's `next_nudge_on`; with `expected`, only if nobody moved it meanwhile."""
        params = {"id": invoice_id, "day": day.isoformat() if day else None}
        if expected is None:
            self.db.execute(_q.SET_NEXT_CHECK, params)
        else:
            self.db.execute(_q.MOVE_NEXT_CHECK, {**params, "expected": expected.isoformat()})

    def next_check_of(self, invoice_id: int) -> date | None:
        row = self.db.one(_q.NEXT_CHECK_OF, {"id": invoice_id})
        return date.fromisoformat(row["next_nudge_on"]) if row and row["next_nudge_on"] else None

    def payment_record(self, owner: Owner, client_id: int, today: date) -> PaymentRecord:
        """The client's payment record in one aggregate query (the DM's one-line history)."""
        row = self.db.one(_q.PAYMENT_RECORD, of(owner, client_id=client_id, today=today.isoformat())) or {}
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
        self.db.execute(_q.APPLY_IMPORT_REPLAN if replan else _q.APPLY_IMPORT, of(
            owner, id=invoice_id, amount_minor=after["amount_minor"], currency=after["currency"],
            issued_on=after["issued_on"], due_on=after["due_on"], status=after["status"], paid_on=paid_on.isoformat(),
            at=at,
        ))

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def apply_edit(self, owner: Owner, invoice_id: int, after: dict, paid_on: date | None, at: str, replan: bool) -> None:
        """Write an edited invoice (`after`: the snapshot of storage/corrections.py); `replan` re-arms the ladder."""
        with self.db.transaction():
            self.db.execute(_q.APPLY_EDIT_REPLAN if replan else _q.APPLY_EDIT, of(
                owner, id=invoice_id, ref=after["ref"], ref_key=ref_key(after["ref"]),
                amount_minor=after["amount_minor"], currency=after["currency"], issued_on=after["issued_on"],
                due_on=after["due_on"], status=after["status"], paid_on=paid_on.isoformat() if paid_on else None, at=at,
            ))
            if replan:  # SET reads the old row, so the new due date becomes the next check in a second step
                self.db.execute(_q.REPLAN, {"id": invoice_id})

    def mark_deleted(self, owner: Owner, invoice_id: int, at: str) -> None:
        """Off the books: the row stays, status 'deleted', with a ref_key no look-up matches."""
        with self.db.transaction():
            self.db.execute(_q.MARK_DELETED, of(owner, id=invoice_id, mark=_DELETED_MARK, at=at))

    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        with self.db.transaction():
            self.db.execute(_q.MOVE, of(owner, from_id=from_id, into_id=into_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        """A client deleted on purpose: its invoices and their payments go with it."""
        with self.db.transaction():
            self.db.execute(_q.FORGET_PAYMENTS, of(owner, client_id=client_id))
            self.db.execute(_q.FORGET, of(owner, client_id=client_id))
