"""The statements of `storage/clients.py`: clients by id and by name, their names, pauses and edits."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, select, update

from storage import schema
from storage.statements import Statement, owned

_t = schema.clients
_THIS = (_t.c.id == bindparam("id")) & owned(_t)
GET = Statement(select(_t).where(_THIS))
BY_NAME = Statement(select(_t).where(owned(_t), _t.c.name_key == bindparam("name_key")))
LIST = Statement(select(_t).where(owned(_t)).order_by(_t.c.name_key))
# `name_key` is casefolded, so LIKE with a casefolded pattern means the same on both engines
# (PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII).
NAMES = Statement(select(_t.c.name).where(owned(_t), _t.c.name_key.like(bindparam("like")))
                  .order_by(_t.c.name_key).limit(bindparam("limit")))
SET_PAUSED = Statement(update(_t).where(_THIS).values(paused=bindparam("paused"), paused_until=bindparam("until")))
SET_CONTACT = Statement(update(_t).where(_THIS).values(contact=bindparam("contact")))
EDIT = Statement(update(_t).where(_THIS).values({c: bindparam(c) for c in ("name", "name_key", "terms_days", "currency")}))
REMOVE = Statement(delete(_t).where(_THIS))
