"""Write a confirmed import plan: one transaction, so a failure leaves nothing half-imported.

New clients are created, new invoices added (already paid ones as paid),
updated invoices changed with their history kept (action "import"), and
payments that appeared recorded. A payment the file gives no date for is
dated on the due date (or today when that is earlier): an import never
invents lateness. Open invoices are handed to the reminder ladder with their
due date as the next check, as `/invoice add` does, so one already overdue
gets only the stage its age calls for, once — no burst of stale reminders.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.importing.preview import Candidate, Plan, Progress
from storage.clients import name_key
from storage.corrections import invoice_snapshot
from storage.db import to_iso

if TYPE_CHECKING:
    from storage.records import Owner
    from storage.store import Store


@dataclass(frozen=True)
class Result:
    added: int
    updated: int
    payments: int
    clients: int
    unchanged: int
    changed_refs: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "payments": self.payments, "clients": self.clients,
                "unchanged": self.unchanged, "changed_refs": list(self.changed_refs)}


def _paid_on(c: Candidate, today: date) -> date:
    return max(c.issued, min(today, c.due))


def apply(store: "Store", owner: "Owner", plan: Plan, batch_id: int, *, today: date, now: datetime,
          progress: Progress | None = None) -> Result | None:
    """Write the plan; None when this batch was applied already (a second click, a retry)."""
    db = store.database
    stamp = to_iso(now)
    total = plan.writes
    done = 0
    payments = 0
    with db.transaction():
        if not store.imports.finish(owner, batch_id, "applying", {}):
            return None
        client_ids = {name_key(c.name): c.id for c in store.clients.list(owner)}
        first: dict[str, Candidate] = {}
        for c in plan.new:
            first.setdefault(name_key(c.client), c)
        for name, _ in plan.new_clients:
            # A new client gets the currency and the payment terms of its first invoice in the file.
            c0 = first.get(name_key(name))
            terms = max(0, min((c0.due - c0.issued).days, 365)) if c0 else 30
            added = store.clients.add(owner, name, terms, c0.currency if c0 else "EUR", None, created_at=now)
            client_ids[name_key(name)] = added.id
        for c in plan.new:
            paid_full = c.paid >= c.minor
            paid_on = _paid_on(c, today)
            invoice_id = store.invoices.add_imported(owner, client_ids[name_key(c.client)], c.ref, c.minor, c.currency,
                                                     c.issued, c.due, paid_on if paid_full else None, stamp)
            if c.paid:
                store.invoices.add_imported_payment(owner, invoice_id, c.paid, c.currency, paid_on, stamp)
                payments += 1
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done, total)
        changed: list[str] = []
        for u in plan.updates:
            inv, c = u.invoice, u.candidate
            before = invoice_snapshot(inv)
            after = dict(before)
            for k, v in u.changes.items():
                after[k] = v.isoformat() if isinstance(v, date) else v
            paid_total = inv.paid_minor + u.payment
            status = "paid" if paid_total >= after["amount_minor"] and inv.status == "open" else inv.status
            paid_on = _paid_on(c, today)
            after["status"] = status
            replan = "due_on" in u.changes or "amount_minor" in u.changes
            store.invoices.apply_import(owner, inv.id, after, paid_on, stamp, replan)
            if u.payment:
                store.invoices.add_imported_payment(owner, inv.id, u.payment, inv.currency, paid_on, stamp)
                payments += 1
            if u.changes or u.payment:
                after["paid_minor"] = paid_total
                before["paid_minor"] = inv.paid_minor
                store.history.record(owner, "invoice", inv.id, inv.client_id, "import", before, after, now, None)
            changed.append(inv.ref)
            done += 1
        result = Result(len(plan.new), len(plan.updates), payments, len(plan.new_clients), plan.unchanged, tuple(changed))
        store.imports.applied(batch_id, result.as_dict())
    if progress is not None:
        progress(total, total)
    return result

