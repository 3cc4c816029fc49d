"""The statements of `storage/requests.py`: the retry memory's rows, read, claimed, answered and expired."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, select, update

from storage import schema
from storage.statements import Statement, upsert

_t = schema.request_answers
_THIS = (_t.c.workspace == bindparam("workspace")) & (_t.c.request_key == bindparam("key"))
READ = Statement(select(_t.c.state, _t.c.answer, _t.c.started_at, _t.c.expires_at).where(_THIS))
PEEK = Statement(select(_t.c.state, _t.c.answer, _t.c.started_at).where(_THIS, _t.c.expires_at > bindparam("now")))


def _write(state: str, answer: bool):  # noqa: ANN202 - an upsert statement
    """The request's row, new or over an old one: `state`, with the answer (`done`) or none (`running`)."""
    def build(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
        stmt = insert(_t).values(workspace=bindparam("workspace"), request_key=bindparam("key"), state=state,
                                 answer=bindparam("answer") if answer else None, started_at=bindparam("started"),
                                 expires_at=bindparam("expires"))
        return stmt.on_conflict_do_update(index_elements=[_t.c.workspace, _t.c.request_key], set_={
            "state": state, "answer": stmt.excluded.answer,
            "started_at": stmt.excluded.started_at, "expires_at": stmt.excluded.expires_at,
        })

    return upsert(build)


RUNNING = _write("running", answer=False)
DONE = _write("done", answer=True)
FINISH = Statement(update(_t).where(_THIS).values(state="done", answer=bindparam("answer"), expires_at=bindparam("expires")))
RELEASE = Statement(delete(_t).where(_THIS))
PURGE = Statement(delete(_t).where(_t.c.expires_at <= bindparam("now")))
