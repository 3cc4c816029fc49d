"""Corrections: edit, delete, rename, merge — each write and its history row in one transaction.

Every method first looks for a change already made by the same request id
(a platform retry, a double click) and returns it untouched, so a correction
is never applied twice. The history row (storage/history.py) holds the
values before and after, so the trail keeps what was first recorded.

This module owns no table: each write goes through the repository that owns
the row (`Incidents.apply_edit`, `Invoices.mark_deleted`, `Nudges.move_client`,
…), all inside the one transaction that also writes the history row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.client_settings import ClientSettings
from storage.clients import Clients
from storage.db import Database, to_iso
from storage.dialogues import Dialogues
from storage.followups import Followups
from storage.history import Change, History
from storage.incidents import Incidents
from storage.invoices import Invoices
from storage.nudges import Nudges
from storage.query import Named, of, statements
from storage.records import Client, Incident, Invoice, Owner


def incident_snapshot(i: Incident) -> dict[str, Any]:
    return {
        "number": i.number, "kind": i.kind, "note": i.note, "occurred_at": to_iso(i.occurred_at),
        "occurred_on": i.occurred_on.isoformat() if i.occurred_on else None,
    }


def invoice_snapshot(i: Invoice) -> dict[str, Any]:
    return {
        "ref": i.ref,
        "amount_minor": i.amount_minor,
        "currency": i.currency,
        "issued_on": i.issued_on.isoformat(),
        "due_on": i.due_on.isoformat(),
        "status": i.status,
    }


def client_snapshot(c: Client) -> dict[str, Any]:
    return {"name": c.name, "terms_days": c.terms_days, "currency": c.currency}


_q = statements("storage.sql.corrections")
#: What a merge moves or a deletion removes, by kind (live rows only), in the order it is told.
_ON_FILE = {"incidents": _q.ON_FILE_INCIDENTS, "invoices": _q.ON_FILE_INVOICES, "payments": _q.ON_FILE_PAYMENTS,
            "reminders": _q.ON_FILE_REMINDERS, "dialogues": _q.ON_FILE_DIALOGUES}


@dataclass(frozen=True)
class Owners:
    """The repositories whose rows a correction changes (each writes only its own tables)."""

    clients: Clients
    incidents: Incidents
    invoices: Invoices
    nudges: Nudges
    dialogues: Dialogues
    followups: Followups
    client_settings: ClientSettings


class Corrections:
    def __init__(self, db: Database, history: History, owners: Owners) -> None:
        self.db = db
        self.history = history
        self.owners = owners

    def on_file(self, owner: Owner, client_id: int) -> dict[str, int]:
        """What a merge moves or a deletion removes, by kind (live rows only), in the order it is told."""
        params = of(owner, client_id=client_id)

        def n(statement: Named) -> int:
            row = self.db.one(statement, params)
            return int(row["n"]) if row else 0

        return {kind: n(statement) for kind, statement in _ON_FILE.items()}

    # -- incidents ---------------------------------------------------------------
    def edit_incident(self, owner: Owner, incident: Incident, changes: dict[str, Any], at: datetime,
                      request_id: str | None) -> tuple[Change, bool]:
        """Apply `changes` (kind, note, occurred_at as datetime, occurred_on as ISO day) to one live incident."""
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            before = incident_snapshot(incident)
            after = dict(before)
            for key, value in changes.items():
                after[key] = to_iso(value) if isinstance(value, datetime) else value
            self.owners.incidents.apply_edit(owner, incident.id, after["kind"], after["note"], after["occurred_at"],
                                             after["occurred_on"])
            change_id = self.history.record(owner, "incident", incident.id, incident.client_id, "edit",
                                            before, after, at, request_id)
        return self._change(change_id), True

    def delete_incident(self, owner: Owner, incident: Incident, at: datetime, request_id: str | None) -> tuple[Change, bool]:
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            self.owners.incidents.mark_deleted(owner, incident.id, at)
            change_id = self.history.record(owner, "incident", incident.id, incident.client_id, "delete",
                                            incident_snapshot(incident), {}, at, request_id)
        return self._change(change_id), True

    # -- invoices ----------------------------------------------------------------
    def edit_invoice(self, owner: Owner, invoice: Invoice, changes: dict[str, Any], at: datetime,
                     request_id: str | None, last_paid_on: date | None = None) -> tuple[Change, bool]:
        """Apply ref/amount_minor/currency/issued_on/due_on; a new due date or amount re-plans the reminders.

        The ladder is keyed on the due date (storage/nudges.py): a new date re-arms it, the next
        check becomes the due date, a snooze ends, exactly as `/invoice due`. An amount now
        covered by the payments settles the invoice; one raised above them opens it again.
        """
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            before = invoice_snapshot(invoice)
            after = dict(before)
            for key, value in changes.items():
                after[key] = value.isoformat() if isinstance(value, date) else value
            status, paid_on = invoice.status, invoice.paid_on
            if status in ("open", "paid"):
                if after["amount_minor"] <= invoice.paid_minor and invoice.paid_minor > 0:
                    status, paid_on = "paid", paid_on or last_paid_on
                elif status == "paid":
                    status, paid_on = "open", None
            after["status"] = status
            replan = after["due_on"] != before["due_on"] or after["amount_minor"] != before["amount_minor"]
            self.owners.invoices.apply_edit(owner, invoice.id, after, paid_on, to_iso(at), replan)
            change_id = self.history.record(owner, "invoice", invoice.id, invoice.client_id, "edit",
                                            before, after, at, request_id)
        return self._change(change_id), True

    def delete_invoice(self, owner: Owner, invoice: Invoice, at: datetime, request_id: str | None) -> tuple[Change, bool]:
        """Take an invoice off the books; its pending reminders are cancelled, sent ones stay on record."""
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            self.owners.invoices.mark_deleted(owner, invoice.id, to_iso(at))
            cancelled = self.owners.nudges.cancel_pending_for(invoice.id)
            change_id = self.history.record(owner, "invoice", invoice.id, invoice.client_id, "delete",
                                            invoice_snapshot(invoice), {"cancelled_reminders": cancelled}, at, request_id)
        return self._change(change_id), True

    # -- clients -----------------------------------------------------------------
    def update_client(self, owner: Owner, client: Client, changes: dict[str, Any], action: str, at: datetime,
                      request_id: str | None, extra_before: dict[str, Any] | None = None,
                      extra_after: dict[str, Any] | None = None) -> tuple[Change, bool]:
        """Rename, or change terms/currency (action "rename" | "settings")."""
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            before = client_snapshot(client)
            after = {**before, **changes}
            self.owners.clients.apply_edit(owner, client.id, after["name"], after["terms_days"], after["currency"])
            change_id = self.history.record(owner, "client", client.id, client.id, action, {**before, **(extra_before or {})},
                                            {**after, **(extra_after or {})}, at, request_id)
        return self._change(change_id), True

    def merge_clients(self, owner: Owner, source: Client, into: Client, at: datetime,
                      request_id: str | None, moved: dict[str, int]) -> tuple[Change, bool]:
        """Move everything of `source` onto `into`, then remove `source`; the history says so."""
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            o = self.owners
            for repository in (o.incidents, o.invoices, o.nudges, o.followups, o.dialogues, self.history):
                repository.move_client(owner, source.id, into.id)
            o.client_settings.forget_client(owner, source.id)
            o.clients.remove(owner, source.id)
            change_id = self.history.record(owner, "client", source.id, into.id, "merge",
                                            {**client_snapshot(source), **moved}, client_snapshot(into), at, request_id)
        return self._change(change_id), True

    def delete_client(self, owner: Owner, client: Client, at: datetime, request_id: str | None) -> bool:
        """Remove a client and everything on file about it (after the user confirmed, export offered)."""
        with self.db.transaction():
            if self.history.by_request(owner, request_id) is not None:
                return False
            o = self.owners
            # Claims before the DMs they point to, payments with their invoices, the client last.
            for repository in (o.invoices, o.nudges, o.incidents, o.dialogues, o.followups, o.client_settings, self.history):
                repository.forget_client(owner, client.id)
            o.clients.remove(owner, client.id)
            # A tombstone with no client (nothing readable is kept) makes a retried delete a no-op.
            self.history.record(owner, "client", client.id, None, "delete", {}, {}, at, request_id)
        return True

    def _change(self, change_id: int) -> Change:
        return self.history.get(change_id)
