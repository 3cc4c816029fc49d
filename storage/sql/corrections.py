"""The statements of `storage/corrections.py`: what is on file about a client, by kind."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select

from storage import schema
from storage.statements import Statement, owned


def _count(table, *where) -> Statement:  # noqa: ANN001 - a table of storage/schema.py
    return Statement(select(func.count().label("n")).select_from(table)
                     .where(owned(table), table.c.client_id == bindparam("client_id"), *where))


_i, _p = schema.invoices, schema.payments
#: What a merge moves or a deletion removes, by kind (live rows only): `Corrections.on_file` tells them in its order.
ON_FILE_INCIDENTS = _count(schema.incidents, schema.incidents.c.deleted_at.is_(None))
ON_FILE_INVOICES = _count(_i, _i.c.status != "deleted")
ON_FILE_PAYMENTS = Statement(select(func.count().label("n")).select_from(_p.join(_i, _i.c.id == _p.c.invoice_id))
                             .where(owned(_p), _i.c.client_id == bindparam("client_id")))
ON_FILE_REMINDERS = _count(schema.nudge_ledger)
ON_FILE_DIALOGUES = _count(schema.dialogues)
