"""The statements of `storage/dialogues.py`: the decision dialogues' reads and their compare-and-swap steps."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, exists, insert, select, update

from storage import schema
from storage.dialogues import ACTIVE, CANCELLED, FINISHED
from storage.statements import Statement, owned

_t = schema.dialogues
_OF_CLIENT = owned(_t) & (_t.c.client_id == bindparam("client_id"))
_ACTIVE = _t.c.status == ACTIVE
GET = Statement(select(_t).where(_t.c.id == bindparam("id"), owned(_t)))
ACTIVE_FOR = Statement(select(_t).where(_OF_CLIENT, _ACTIVE))
LATEST_ACTIVE = Statement(select(_t).where(owned(_t), _ACTIVE).order_by(_t.c.updated_at.desc(), _t.c.id.desc()).limit(1))
CANCEL_ACTIVE = Statement(update(_t).where(_OF_CLIENT, _ACTIVE).values(
    status=CANCELLED, step_no=_t.c.step_no + 1, updated_at=bindparam("stamp")))
START = Statement(insert(_t).values(
    workspace=bindparam("workspace"), owner=bindparam("owner"), platform=bindparam("platform"),
    client_id=bindparam("client_id"), status=ACTIVE, step=bindparam("step"), step_no=1, answers="{}",
    history="[]", last_action=bindparam("last_action"), started_at=bindparam("stamp"), updated_at=bindparam("stamp"),
).returning(_t.c.id))
FINISHED_FOR = Statement(select(_t).where(_OF_CLIENT, _t.c.status == FINISHED).order_by(_t.c.finished_at, _t.c.id))
_other = _t.alias("d")
#: A merge: the merged client's active dialogue ends when the one it goes into has its own.
CANCEL_MERGED = Statement(update(_t).where(
    owned(_t), _t.c.client_id == bindparam("from_id"), _ACTIVE,
    exists().where(_other.c.workspace == _t.c.workspace, _other.c.owner == _t.c.owner,
                   _other.c.client_id == bindparam("into_id"), _other.c.status == ACTIVE),
).values(status=CANCELLED))
MOVE = Statement(update(_t).where(owned(_t), _t.c.client_id == bindparam("from_id")).values(client_id=bindparam("into_id")))
FORGET = Statement(delete(_t).where(_OF_CLIENT))


def _step(columns: tuple[str, ...]) -> Statement:
    """One step of an active dialogue, only from `expected`: a compare-and-swap on `step_no`."""
    return Statement(update(_t).where(
        _t.c.id == bindparam("id"), owned(_t), _t.c.step_no == bindparam("expected"), _ACTIVE,
    ).values({**{c: bindparam(c) for c in columns}, "step_no": _t.c.step_no + 1, "updated_at": bindparam("stamp")}))


#: `advance`: the next step, its answers and the way back.
ADVANCE = _step(("step", "answers", "history", "last_action"))
#: `finish`: the last step with the verdict kept for the timeline.
FINISH = _step(("status", "step", "answers", "history", "last_action", "verdict", "outcome", "finished_at"))
#: `cancel`: the dialogue ends where it is.
CANCEL = _step(("status", "last_action"))
