"""The statements of `storage/nudges.py`: the nudge ledger's claims and its reminder DMs."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, delete, exists, null, select, update

from storage import schema
from storage.statements import Statement, owned

_m = schema.nudge_messages
_l = schema.nudge_ledger
_i = schema.invoices
_PENDING = _m.c.status == "pending"
#: Not leased, on the leases' clock (`lease_now`).
_UNLEASED = _m.c.lease_until.is_(None) | (_m.c.lease_until <= bindparam("lease_now"))
_OF_CLIENT = {t: owned(t) & (t.c.client_id == bindparam("client_id")) for t in (_m, _l)}
_THE_STAGES = (_l.c.invoice_id == bindparam("invoice_id")) & (_l.c.due_on == bindparam("due_on"))
SENT_STAGES = Statement(select(_l.c.stage).where(_THE_STAGES))
CLAIMED = Statement(select(_l).where(_THE_STAGES, _l.c.stage == bindparam("stage")))
FOR_DAY = Statement(select(_m).where(_OF_CLIENT[_m], _m.c.local_day == bindparam("day")))
#: A DM that ended up with nothing in it.
DROP = Statement(delete(_m).where(_m.c.id == bindparam("id"), ~exists().where(_l.c.message_id == bindparam("id"))))
PENDING_LIST = Statement(select(_m).where(_PENDING).order_by(_m.c.next_attempt_at, _m.c.id).limit(bindparam("limit")))
DELIVERABLE = Statement(select(_m.c.id).where(
    _PENDING, _m.c.id > bindparam("after"), _m.c.next_attempt_at <= bindparam("now"), _UNLEASED,
).order_by(_m.c.id).limit(bindparam("limit")))
DEFER = Statement(update(_m).where(
    _PENDING, _m.c.platform == bindparam("platform"), _m.c.workspace == bindparam("workspace"),
    _m.c.next_attempt_at < bindparam("until"), _UNLEASED,
).values(next_attempt_at=bindparam("until")))
GET = Statement(select(_m).where(_m.c.id == bindparam("id")))
ITEMS = Statement(select(_l).where(_l.c.message_id == bindparam("id")).order_by(_l.c.id))
#: Aliases as the joins below name them.
_ma, _la, _ia = _m.alias("m"), _l.alias("l"), _i.alias("i")
_m2, _l2, _i2 = _m.alias("m2"), _l.alias("l2"), _i.alias("i2")
#: The pending DMs holding this invoice in which no other open invoice remains.
EMPTIED = Statement(select(_ma.c.id).distinct().join_from(_ma, _la, _la.c.message_id == _ma.c.id).where(
    _la.c.invoice_id == bindparam("invoice_id"), _ma.c.status == "pending",
    ~exists().select_from(_l2.join(_i2, _i2.c.id == _l2.c.invoice_id)).where(
        _l2.c.message_id == _ma.c.id, _i2.c.status == "open", _i2.c.id != bindparam("invoice_id")),
))
CANCEL = Statement(update(_m).where(_m.c.id == bindparam("id")).values(status="cancelled", lease_until=null()))
_FROM = {t: owned(t) & (t.c.client_id == bindparam("from_id")) for t in (_m, _l)}
MOVE_CLAIMS = Statement(update(_l).where(_FROM[_l]).values(client_id=bindparam("into_id")))
_other = _m.alias("o")
#: The merged client's DMs on days the other client has none of its own.
MOVE_MESSAGES = Statement(update(_m).where(_FROM[_m], ~exists().where(
    _other.c.workspace == _m.c.workspace, _other.c.owner == _m.c.owner, _other.c.client_id == bindparam("into_id"),
    _other.c.local_day == _m.c.local_day,
)).values(client_id=bindparam("into_id")))
_mine, _theirs = _m.alias("m1"), _m.alias("m2")
#: The other client's DM of the same day, for a claim left in one of the merged client's DMs.
_same_day = (select(_theirs.c.id).select_from(_mine.join(_theirs, and_(
    _theirs.c.workspace == _mine.c.workspace, _theirs.c.owner == _mine.c.owner, _theirs.c.local_day == _mine.c.local_day,
    _theirs.c.client_id == bindparam("into_id"),
))).where(_mine.c.id == _l.c.message_id).scalar_subquery())
JOIN_DMS = Statement(update(_l).where(_l.c.message_id.in_(select(_m.c.id).where(_FROM[_m])))
                     .values(message_id=_same_day))
DROP_MOVED = Statement(delete(_m).where(_FROM[_m]))
FORGET_CLAIMS = Statement(delete(_l).where(_OF_CLIENT[_l]))
FORGET_MESSAGES = Statement(delete(_m).where(_OF_CLIENT[_m]))
FAILURES = Statement(select(
    _la.c.invoice_id, _ia.c.ref, _la.c.stage, _ma.c.last_error.label("reason"), _ma.c.error_kind.label("kind"),
    _ma.c.attempts, _ma.c.failed_at,
).select_from(_la.join(_ma, _ma.c.id == _la.c.message_id).join(_ia, _ia.c.id == _la.c.invoice_id)).where(
    owned(_la), _ma.c.status == "failed", _ia.c.status == "open", _la.c.due_on == _ia.c.due_on,
    # not delivered since, in a later DM
    ~exists().select_from(_l2.join(_m2, _m2.c.id == _l2.c.message_id)).where(
        _l2.c.invoice_id == _la.c.invoice_id, _m2.c.status == "delivered", _m2.c.delivered_at > _ma.c.failed_at),
).order_by(_ma.c.failed_at.desc(), _la.c.id.desc()))
SENT_FOR_CLIENT = Statement(select(
    _la.c.invoice_id, _ia.c.ref, _la.c.stage, _la.c.overdue_days, _ma.c.delivered_at, _ia.c.amount_minor, _ia.c.currency,
).select_from(_la.join(_ma, _ma.c.id == _la.c.message_id).join(_ia, _ia.c.id == _la.c.invoice_id)).where(
    owned(_la), _la.c.client_id == bindparam("client_id"), _ma.c.status == "delivered",
).order_by(_ma.c.delivered_at, _la.c.id))
