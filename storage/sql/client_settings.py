"""The statements of `storage/client_settings.py`: a client's late fee."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, select

from storage import schema
from storage.statements import Statement, owned, upsert

_t = schema.client_settings
_OF_CLIENT = owned(_t) & (_t.c.client_id == bindparam("client_id"))
_FEE_COLUMNS = ("late_fee_percent", "late_fee_minor", "late_fee_currency")


def _set_fee(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
    stmt = insert(_t).values({c: bindparam(c) for c in ("workspace", "owner", "client_id", *_FEE_COLUMNS)})
    return stmt.on_conflict_do_update(index_elements=[_t.c.workspace, _t.c.owner, _t.c.client_id],
                                      set_={c: stmt.excluded[c] for c in _FEE_COLUMNS})


GET = Statement(select(_t).where(_OF_CLIENT))
SET = upsert(_set_fee)
FORGET = Statement(delete(_t).where(_OF_CLIENT))
