"""The statements of `storage/users.py`: the workspaces' rows and settings, and each user's settings."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from storage import schema
from storage.statements import Statement, upsert

_ws, _users = schema.workspaces, schema.users

ENSURE_WORKSPACE = upsert(lambda insert: insert(_ws).values(
    id=bindparam("id"), platform=bindparam("platform"), created_at=bindparam("created_at"),
).on_conflict_do_nothing(index_elements=[_ws.c.id]))
SETTINGS = Statement(select(_ws.c.settings).where(_ws.c.id == bindparam("id")))
#: The same read holding the row until the transaction ends (a read-modify-write; PostgreSQL only needs it).
SETTINGS_LOCKED = Statement(select(_ws.c.settings).where(_ws.c.id == bindparam("id")).with_for_update())
SET_SETTINGS = Statement(update(_ws).where(_ws.c.id == bindparam("id")).values(settings=bindparam("settings")))


def _ensure_user(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
    stmt = insert(_users).values({c: bindparam(c) for c in (
        "workspace", "user", "platform", "send_hour", "platform_locale", "platform_timezone", "created_at")})
    return stmt.on_conflict_do_update(index_elements=[_users.c.workspace, _users.c.user], set_={
        "platform_locale": func.coalesce(stmt.excluded.platform_locale, _users.c.platform_locale),
        "platform_timezone": func.coalesce(stmt.excluded.platform_timezone, _users.c.platform_timezone),
    })


ENSURE_USER = upsert(_ensure_user)
_THE_USER = (_users.c.workspace == bindparam("workspace")) & (_users.c.user == bindparam("user"))
GET_USER = Statement(select(_users).where(_THE_USER))


def _set_user(column: str) -> Statement:
    return Statement(update(_users).where(_THE_USER).values({column: bindparam("value")}))


#: A statement for each setting /redflag settings may change.
SET_DISPLAY_NAME = _set_user("display_name")
SET_SIGNATURE = _set_user("signature")
SET_LANGUAGE = _set_user("language")
SET_TIMEZONE = _set_user("timezone")
SET_SEND_HOUR = _set_user("send_hour")
MARK_PROMPTED = Statement(update(_users).where(_THE_USER, func.coalesce(_users.c.letter_prompted, 0) == 0)
                          .values(letter_prompted=1))
ALL_USERS = Statement(select(_users).order_by(_users.c.workspace, _users.c.user))
