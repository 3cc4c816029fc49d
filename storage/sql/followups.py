"""The statements of `storage/followups.py`: the follow-ups owed, their delivery and the sweep's lease."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, func, select, update

from storage import schema
from storage.statements import Statement, owned, upsert

_t = schema.followups
_leases = schema.nudge_followup_leases
_BY_ID = _t.c.id == bindparam("id")
_UNDONE = _t.c.delivered_at.is_(None) & _t.c.gave_up_at.is_(None)
GET = Statement(select(_t).where(_BY_ID))
FOR_OWNER = Statement(select(_t).where(owned(_t)).order_by(_t.c.due_at, _t.c.id))
FOR_CLIENT = Statement(select(_t).where(owned(_t), _t.c.client_id == bindparam("client_id"))
                       .order_by(_t.c.due_at, _t.c.id))
PENDING = Statement(select(_t).where(_UNDONE).order_by(_t.c.due_at, _t.c.id).limit(bindparam("limit")))
DUE = Statement(select(_t).where(_UNDONE, _t.c.due_at <= bindparam("now")).order_by(_t.c.due_at, _t.c.id)
                .limit(bindparam("limit")))
DELIVERED = Statement(update(_t).where(_BY_ID).values(delivered_at=func.coalesce(_t.c.delivered_at, bindparam("at"))))
FAILED = Statement(update(_t).where(_BY_ID).values(
    {c: bindparam(c) for c in ("attempts", "last_error", "due_at", "gave_up_at")}))


def _lease(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
    """A new lease row, or one whose lease has run out (`lease_until <= now`) taken over; else nothing."""
    stmt = insert(_leases).values(followup_id=bindparam("id"), lease_until=bindparam("until"),
                                  lease_owner=bindparam("token"))
    return stmt.on_conflict_do_update(
        index_elements=[_leases.c.followup_id],
        set_={"lease_until": stmt.excluded.lease_until, "lease_owner": stmt.excluded.lease_owner},
        where=_leases.c.lease_until <= bindparam("now"),
    )


LEASE = upsert(_lease)
RELEASE_LEASE = Statement(delete(_leases).where(_leases.c.followup_id == bindparam("id")))
MOVE = Statement(update(_t).where(owned(_t), _t.c.client_id == bindparam("from_id"))
                 .values(client_id=bindparam("into_id")))
FORGET = Statement(delete(_t).where(owned(_t), _t.c.client_id == bindparam("client_id")))
