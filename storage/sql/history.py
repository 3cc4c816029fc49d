"""The statements of `storage/history.py`: the correction history's appends and reads."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select, update

from storage import schema
from storage.statements import Statement, owned

_t = schema.changes
_OF_CLIENT = owned(_t) & (_t.c.client_id == bindparam("client_id"))
RECORD = Statement(insert(_t).values({c: bindparam(c) for c in (
    "workspace", "owner", "entity", "entity_id", "client_id", "action", "before", "after", "changed_at", "changed_by",
    "request_id")}).returning(_t.c.id))
GET = Statement(select(_t).where(_t.c.id == bindparam("id")))
FOR_CLIENT = Statement(select(_t).where(_OF_CLIENT).order_by(_t.c.changed_at, _t.c.id))
FOR_ENTITY = Statement(select(_t).where(owned(_t), _t.c.entity == bindparam("entity"), _t.c.entity_id == bindparam("entity_id"))
                       .order_by(_t.c.changed_at, _t.c.id))
CORRECTED = Statement(select(_t.c.entity_id).distinct()
                      .where(_OF_CLIENT, _t.c.entity == bindparam("entity"), _t.c.action == "edit"))
MOVE = Statement(update(_t).where(owned(_t), _t.c.client_id == bindparam("from_id")).values(client_id=bindparam("into_id")))
FORGET = Statement(delete(_t).where(_OF_CLIENT))
