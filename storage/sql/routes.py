"""The statements of `storage/routes.py`: workspace routes and people's teams, remembered and looked up."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from storage import schema
from storage.statements import Statement, upsert

_r, _p = schema.workspace_routes, schema.people_teams


def _remember(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
    stmt = insert(_r).values({c: bindparam(c) for c in ("platform", "workspace", "installation", "seen_at")})
    return stmt.on_conflict_do_update(index_elements=[_r.c.platform, _r.c.workspace], set_={
        "installation": stmt.excluded.installation, "seen_at": stmt.excluded.seen_at})


def _learn(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
    stmt = insert(_p).values({c: bindparam(c) for c in ("platform", "installation", "user", "team", "seen_at")})
    return stmt.on_conflict_do_update(index_elements=[_p.c.platform, _p.c.installation, _p.c.user], set_={
        "team": stmt.excluded.team, "seen_at": stmt.excluded.seen_at})


REMEMBER = upsert(_remember)
INSTALLATION = Statement(select(_r.c.installation).where(
    _r.c.platform == bindparam("platform"), _r.c.workspace == bindparam("workspace")))
TEAM = Statement(select(_p.c.team).where(
    _p.c.platform == bindparam("platform"), _p.c.installation == bindparam("installation"), _p.c.user == bindparam("user")))
LEARN = upsert(_learn)
