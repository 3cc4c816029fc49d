"""The statements of `storage/imports.py`: the pending imports and the fingerprint of what is on file."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, func, select, update

from storage import schema
from storage.statements import Statement, owned

_t = schema.import_batches
_PENDING = _t.c.status == "pending"
_THIS = (_t.c.id == bindparam("id")) & owned(_t)
#: A preview nobody confirmed within a week is dropped with the next upload: files are big.
DROP_STALE = Statement(delete(_t).where(owned(_t), _PENDING, _t.c.created_at < bindparam("before")))
GET = Statement(select(_t).where(_THIS))
SET_MAPPING = Statement(update(_t).where(_THIS, _PENDING).values(mapping_json=bindparam("mapping")))
FINISH = Statement(update(_t).where(_THIS, _PENDING).values(
    status=bindparam("status"), result_json=bindparam("result"), table_json="{}"))
APPLIED = Statement(update(_t).where(_t.c.id == bindparam("id")).values(status="applied", result_json=bindparam("result")))


def _on_file() -> Statement:
    i, p, c, h = schema.invoices, schema.payments, schema.clients, schema.changes

    def scalar(column, table):  # noqa: ANN001, ANN202 - one figure of another of the owner's tables
        return select(column).where(owned(table)).scalar_subquery()

    return Statement(select(
        func.count().label("n"), func.max(i.c.updated_at).label("u"),
        scalar(func.count(), p).label("p"), scalar(func.count(), c).label("c"),
        scalar(func.max(h.c.id), h).label("h"),  # renames, merges, edits
    ).where(owned(i)))


ON_FILE = _on_file()
