"""Corrections: edit, delete, rename, merge — each write and its history row in one transaction.

Every method first looks for a change already made by the same request id
(a platform retry, a double click) and returns it untouched, so a correction
is never applied twice. The history row (storage/history.py) holds the
values before and after, so the trail keeps what was first recorded.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from storage.db import Database, to_iso
from storage.history import Change, History
from storage.invoices import ref_key
from storage.records import Client, Incident, Invoice, Owner

#: Tables whose rows follow their client in a merge (column `client_id`), in dependency order.
_CLIENT_TABLES = ("incidents", "invoices", "nudge_ledger", "followups")


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


class Corrections:
    def __init__(self, db: Database, history: History) -> None:
        self.db = db
        self.history = history

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
            self.db.execute(
                "UPDATE incidents SET kind = ?, note = ?, occurred_at = ?, occurred_on = ?"
                " WHERE id = ? AND workspace = ? AND owner = ?",
                (after["kind"], after["note"], after["occurred_at"], after["occurred_on"], incident.id, owner.workspace, owner.user),
            )
            change_id = self.history.record(owner, "incident", incident.id, incident.client_id, "edit",
                                            before, after, at, request_id)
        return self._change(change_id), True

    def delete_incident(self, owner: Owner, incident: Incident, at: datetime, request_id: str | None) -> tuple[Change, bool]:
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            self.db.execute(
                "UPDATE incidents SET deleted_at = ? WHERE id = ? AND workspace = ? AND owner = ? AND deleted_at IS NULL",
                (to_iso(at), incident.id, owner.workspace, owner.user),
            )
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
            self.db.execute(
                "UPDATE invoices SET ref = ?, ref_key = ?, amount_minor = ?, currency = ?, issued_on = ?, due_on = ?,"
                " status = ?, paid_on = ?, updated_at = ?"
                + (", snoozed_until = NULL" if replan else "")
                + " WHERE id = ? AND workspace = ? AND owner = ?",
                (after["ref"], ref_key(after["ref"]), after["amount_minor"], after["currency"], after["issued_on"],
                 after["due_on"], status, paid_on.isoformat() if paid_on else None, to_iso(at),
                 invoice.id, owner.workspace, owner.user),
            )
            if replan:  # SET reads the old row, so the new due date becomes the next check in a second step
                self.db.execute("UPDATE invoices SET next_nudge_on = due_on WHERE id = ?", (invoice.id,))
            change_id = self.history.record(owner, "invoice", invoice.id, invoice.client_id, "edit",
                                            before, after, at, request_id)
        return self._change(change_id), True

    def delete_invoice(self, owner: Owner, invoice: Invoice, at: datetime, request_id: str | None) -> tuple[Change, bool]:
        """Take an invoice off the books; its pending reminders are cancelled, sent ones stay on record."""
        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            self.db.execute(
                "UPDATE invoices SET status = 'deleted', ref_key = ref_key || ? || id, next_nudge_on = NULL, updated_at = ?"
                " WHERE id = ? AND workspace = ? AND owner = ?",
                ("\x1fdeleted:", to_iso(at), invoice.id, owner.workspace, owner.user),  # refs never hold control characters
            )
            cancelled = self._cancel_pending(invoice.id)
            change_id = self.history.record(owner, "invoice", invoice.id, invoice.client_id, "delete",
                                            invoice_snapshot(invoice), {"cancelled_reminders": cancelled}, at, request_id)
        return self._change(change_id), True

    def _cancel_pending(self, invoice_id: int) -> int:
        """Cancel not-yet-delivered reminder DMs in which no other open invoice remains."""
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

    # -- clients -----------------------------------------------------------------
    def update_client(self, owner: Owner, client: Client, changes: dict[str, Any], action: str, at: datetime,
                      request_id: str | None, extra_before: dict[str, Any] | None = None,
                      extra_after: dict[str, Any] | None = None) -> tuple[Change, bool]:
        """Rename, or change terms/currency (action "rename" | "settings")."""
        from storage.clients import name_key

        with self.db.transaction():
            done = self.history.by_request(owner, request_id)
            if done is not None:
                return done, False
            before = client_snapshot(client)
            after = {**before, **changes}
            self.db.execute(
                "UPDATE clients SET name = ?, name_key = ?, terms_days = ?, currency = ? WHERE id = ? AND workspace = ? AND owner = ?",
                (after["name"], name_key(after["name"]), after["terms_days"], after["currency"], client.id,
                 owner.workspace, owner.user),
            )
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
            params = (into.id, owner.workspace, owner.user, source.id)
            for table in _CLIENT_TABLES:
                self.db.execute(f"UPDATE {table} SET client_id = ? WHERE workspace = ? AND owner = ? AND client_id = ?", params)
            # One DM per client per day: where both had a DM on the same day, the merged one's reminder
            # claims join the other's DM of that day (the claims are what keep each stage sent once).
            self.db.execute(
                "UPDATE OR IGNORE nudge_messages SET client_id = ? WHERE workspace = ? AND owner = ? AND client_id = ?", params
            )
            self.db.execute(
                "UPDATE nudge_ledger SET message_id = (SELECT m2.id FROM nudge_messages m1 JOIN nudge_messages m2"
                " ON m2.workspace = m1.workspace AND m2.owner = m1.owner AND m2.local_day = m1.local_day AND m2.client_id = ?"
                " WHERE m1.id = nudge_ledger.message_id)"
                " WHERE message_id IN (SELECT id FROM nudge_messages WHERE workspace = ? AND owner = ? AND client_id = ?)",
                params,
            )
            self.db.execute("DELETE FROM nudge_messages WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (owner.workspace, owner.user, source.id))
            # One active dialogue per client: the merged one's ends; finished ones move.
            self.db.execute(
                "UPDATE dialogues SET status = 'cancelled' WHERE workspace = ? AND owner = ? AND client_id = ? AND status = 'active'"
                " AND EXISTS (SELECT 1 FROM dialogues d WHERE d.workspace = dialogues.workspace AND d.owner = dialogues.owner"
                " AND d.client_id = ? AND d.status = 'active')",
                (owner.workspace, owner.user, source.id, into.id),
            )
            self.db.execute("UPDATE dialogues SET client_id = ? WHERE workspace = ? AND owner = ? AND client_id = ?", params)
            self.history.move_client(owner, source.id, into.id)
            self.db.execute("DELETE FROM client_settings WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (owner.workspace, owner.user, source.id))
            self.db.execute("DELETE FROM clients WHERE id = ? AND workspace = ? AND owner = ?",
                            (source.id, owner.workspace, owner.user))
            change_id = self.history.record(owner, "client", source.id, into.id, "merge",
                                            {**client_snapshot(source), **moved}, client_snapshot(into), at, request_id)
        return self._change(change_id), True

    def delete_client(self, owner: Owner, client: Client, at: datetime, request_id: str | None) -> bool:
        """Remove a client and everything on file about it (after the user confirmed, export offered)."""
        with self.db.transaction():
            if self.history.by_request(owner, request_id) is not None:
                return False
            o = (owner.workspace, owner.user)
            cid = o + (client.id,)
            self.db.execute(
                "DELETE FROM payments WHERE workspace = ? AND owner = ? AND invoice_id IN"
                " (SELECT id FROM invoices WHERE client_id = ?)", cid,
            )
            self.db.execute("DELETE FROM nudge_ledger WHERE workspace = ? AND owner = ? AND client_id = ?", cid)
            self.db.execute("DELETE FROM nudge_messages WHERE workspace = ? AND owner = ? AND client_id = ?", cid)
            for table in ("incidents", "invoices", "dialogues", "followups", "client_settings"):
                self.db.execute(f"DELETE FROM {table} WHERE workspace = ? AND owner = ? AND client_id = ?", cid)
            self.history.forget_client(owner, client.id)
            self.db.execute("DELETE FROM clients WHERE id = ? AND workspace = ? AND owner = ?", (client.id,) + o)
            # A tombstone with no client (nothing readable is kept) makes a retried delete a no-op.
            self.history.record(owner, "client", client.id, None, "delete", {}, {}, at, request_id)
        return True

    def _change(self, change_id: int) -> Change:
        row = self.db.one("SELECT * FROM changes WHERE id = ?", (change_id,))
        assert row is not None
        from storage.history import _change

        return _change(row)
