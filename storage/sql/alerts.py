"""The statements of `storage/alerts.py`: alerts and digests waiting to be sent, silences and alert settings."""
from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text, and_, bindparam, case, cast, func, literal, null, select, union_all, update

from storage import schema
from storage.alerts import DEFAULT_DIGEST_DAY
from storage.statements import Statement, greatest, owned, upsert

_t = schema.alerts
_silences = schema.alert_silences
_set = schema.alert_settings
_users = schema.users
_clients = schema.clients
_messages = schema.nudge_messages
_OF_CLIENT = and_(owned(_t), _t.c.client_id == bindparam("client_id"))
#: A client's alerts by their own index (revision 0003), never through every pending alert (`status = 'pending'`).
_BY_CLIENT = "INDEXED BY idx_alerts_workspace_owner_client_id"
_SILENCES_OF_CLIENT = and_(owned(_silences), _silences.c.client_id == bindparam("client_id"))

SETTINGS = Statement(select(_set.c.alerts_on, _set.c.digest_day).where(owned(_set)))
SET_SETTINGS = upsert(lambda insert: (lambda stmt: stmt.on_conflict_do_update(
    index_elements=[_set.c.workspace, _set.c.owner],
    set_={"alerts_on": stmt.excluded.alerts_on, "digest_day": stmt.excluded.digest_day},
))(insert(_set).values(workspace=bindparam("workspace"), owner=bindparam("owner"),
                       alerts_on=bindparam("alerts_on"), digest_day=bindparam("digest_day"))))


def _cancel_pending(kind: str) -> Statement:
    return Statement(update(_t).where(owned(_t), _t.c.kind == kind, _t.c.status == "pending",
                                      _t.c.lease_owner.is_(None)).values(status="cancelled"))


#: Pending rows of one kind not yet taken by a sweep: cancelled when the user turns that kind off.
CANCEL_PENDING_ALERTS = _cancel_pending("alert")
CANCEL_PENDING_DIGESTS = _cancel_pending("digest")
#: After downtime only the latest digest goes out: the other pending ones are dropped.
CANCEL_OLDER_DIGESTS = Statement(update(_t).where(
    owned(_t), _t.c.kind == "digest", _t.c.status == "pending", _t.c.key != bindparam("key"),
    _t.c.lease_owner.is_(None)).values(status="cancelled"))

_since = (select(_clients.c.workspace, _clients.c.owner, func.min(_clients.c.created_at).label("since"))
          .group_by(_clients.c.workspace, _clients.c.owner).subquery("c"))
_day = func.coalesce(_set.c.digest_day, DEFAULT_DIGEST_DAY)
DIGEST_OWNERS = Statement(
    select(_users.c.workspace, _users.c.user, _day, _since.c.since)
    .select_from(_users
                 .join(_since, and_(_since.c.workspace == _users.c.workspace, _since.c.owner == _users.c.user))
                 .outerjoin(_set, and_(_set.c.workspace == _users.c.workspace, _set.c.owner == _users.c.user)))
    .where(_day != "off"))

HAS_KEY = Statement(select(literal(1).label("x")).where(owned(_t), _t.c.key == bindparam("key")))
GET = Statement(select(_t).where(_t.c.id == bindparam("id")))
FOR_OWNER = Statement(select(_t).where(owned(_t)).order_by(_t.c.id))
FOR_OWNER_OF_KIND = Statement(select(_t).where(owned(_t), _t.c.kind == bindparam("kind")).order_by(_t.c.id))
LAST_CLIENT_ALERT = Statement(select(func.max(_t.c.due_at).label("at")).where(
    _OF_CLIENT, _t.c.kind == "alert", _t.c.rule != "urgent", _t.c.status.in_([literal("pending"), literal("delivered")]))
    .with_hint(_t, _BY_CLIENT, "sqlite"))
SILENCED = Statement(select(_silences.c.rule, _silences.c.until).where(_SILENCES_OF_CLIENT))

# One statement for a pattern check (`client_alerts`): a row per alert about the client (its key, and its
# rule and time when it is an alert), a row per silence, and the settings row, told apart by `what`.
_text = String()
CLIENT_ALERTS = Statement(union_all(
    select(literal("alert", _text).label("what"), _t.c.key.label("a"),
           case((_t.c.kind == "alert", _t.c.rule), else_=null()).label("b"),
           case((_t.c.kind == "alert", _t.c.created_at), else_=null()).label("at")).where(_OF_CLIENT)
    .with_hint(_t, _BY_CLIENT, "sqlite"),
    select(literal("silence", _text), null(), _silences.c.rule, _silences.c.until).where(_SILENCES_OF_CLIENT),
    select(literal("settings", _text), null(), null(), cast(_set.c.alerts_on, Text)).where(owned(_set)),
))

SILENCE = upsert(lambda insert: (lambda stmt: stmt.on_conflict_do_update(
    index_elements=[_silences.c.workspace, _silences.c.owner, _silences.c.client_id, _silences.c.rule],
    set_={"until": greatest(_silences.c.until, stmt.excluded.until)},
))(insert(_silences).values(workspace=bindparam("workspace"), owner=bindparam("owner"),
                            client_id=bindparam("client_id"), rule=bindparam("rule"), until=bindparam("until"))))

DELIVERABLE = Statement(
    select(_t.c.id).where(_t.c.status == "pending", _t.c.due_at <= bindparam("at"),
                          _t.c.next_attempt_at <= bindparam("now"),
                          _t.c.lease_until.is_(None) | (_t.c.lease_until <= bindparam("lease_now")))
    .order_by(_t.c.due_at, _t.c.id).limit(bindparam("limit")))


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


REMINDERS_BETWEEN = Statement(select(
    _count(and_(_messages.c.delivered_at >= bindparam("start"), _messages.c.delivered_at < bindparam("end")))
    .label("ok"),
    _count(and_(_messages.c.status == "failed", _messages.c.failed_at >= bindparam("start"),
                _messages.c.failed_at < bindparam("end"))).label("bad"),
).where(owned(_messages)))
