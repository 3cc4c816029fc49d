"""The statements of `storage/incidents.py`: the paper trail's writes and reads."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, func, select, update

from storage import schema
from storage.statements import Statement, owned, upsert

_t = schema.incidents
#: Rows still on the trail (a deleted incident lives on in the history only).
_LIVE = _t.c.deleted_at.is_(None)
_OF_CLIENT = owned(_t) & (_t.c.client_id == bindparam("client_id")) & _LIVE
#: The columns of an `Incident`, in its field order (for tuple reads).
_COLUMNS = [_t.c[name] for name in ("id", "client_id", "kind", "note", "occurred_at", "logged_at", "logged_by", "source",
                                      "source_ref", "number", "occurred_on")]
#: What `add` writes from its caller; `number` is the owner's next one, counted in the same statement.
_WRITTEN = ("workspace", "owner", "client_id", "kind", "note", "occurred_at", "logged_at", "logged_by", "source",
            "source_ref", "request_id")


def _add(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
    """One statement: the next short number, the row, and the duplicate check (issue 20): a repeated
    request id hits the unique index and inserts nothing."""
    values = select(*[bindparam(c) for c in _WRITTEN], func.coalesce(func.max(_t.c.number), 0) + 1,
                    bindparam("occurred_on")).where(owned(_t))
    return (insert(_t).from_select([*_WRITTEN, "number", "occurred_on"], values)
            .on_conflict_do_nothing(index_elements=[_t.c.workspace, _t.c.owner, _t.c.request_id])
            .returning(_t.c.id, _t.c.number))


ADD = upsert(_add)
BY_NUMBER = Statement(select(_t).where(owned(_t), _t.c.number == bindparam("number"), _LIVE))
BY_NUMBER_ANY = Statement(select(_t).where(owned(_t), _t.c.number == bindparam("number")))
FOR_CLIENT = Statement(select(*_COLUMNS).where(_OF_CLIENT).order_by(_t.c.occurred_at, _t.c.id))
_latest = (select(*_COLUMNS).where(_OF_CLIENT).order_by(_t.c.occurred_at.desc(), _t.c.id.desc())
           .limit(bindparam("limit")).subquery("latest"))
#: The last `limit` incidents, oldest first.
LAST_FOR_CLIENT = Statement(select(*[_latest.c[c.name] for c in _COLUMNS]).order_by(_latest.c.occurred_at, _latest.c.id))
EARLIEST = Statement(select(_t).where(_OF_CLIENT).order_by(_t.c.occurred_at, _t.c.id).limit(1))
#: (id, kind, occurred_at) of the client's incidents since a time, in time order: what the pattern check keeps.
RECENT_FOR_CLIENT = Statement(select(_t.c.id, _t.c.kind, _t.c.occurred_at)
                               .where(_OF_CLIENT, _t.c.occurred_at >= bindparam("since"))
                               .order_by(_t.c.occurred_at, _t.c.id))
KINDS_FOR_CLIENT = Statement(select(_t.c.kind, _t.c.occurred_at).where(_OF_CLIENT))
#: Answered from the covering index alone (revision 0003), never by reading the client's rows (issue 20).
COUNT_FOR_CLIENT = Statement(select(func.count().label("n")).where(_OF_CLIENT).with_hint(
    _t, "INDEXED BY idx_incidents_workspace_owner_client_id_deleted_at", "sqlite"))
KINDS_BY_CLIENT = Statement(select(_t.c.client_id, _t.c.kind, _t.c.occurred_at).where(owned(_t), _LIVE))
_THIS = owned(_t) & (_t.c.id == bindparam("id"))
EDIT = Statement(update(_t).where(_THIS).values({c: bindparam(c) for c in ("kind", "note", "occurred_at", "occurred_on")}))
MARK_DELETED = Statement(update(_t).where(_THIS, _LIVE).values(deleted_at=bindparam("at")))
MOVE = Statement(update(_t).where(owned(_t), _t.c.client_id == bindparam("from_id")).values(client_id=bindparam("into_id")))
FORGET = Statement(delete(_t).where(owned(_t), _t.c.client_id == bindparam("client_id")))
