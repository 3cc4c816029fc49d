"""The statements of `storage/db.py` (and the check in `storage/health.py`): each component's schema version."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import bindparam, select

from storage import schema
from storage.statements import Statement, greatest, upsert

_versions = schema.schema_versions
VERSION = Statement(select(_versions.c.version).where(_versions.c.component == bindparam("component")))
#: Every component's version, for the check that the schema is not newer than this code.
ALL = Statement(select(_versions.c.component, _versions.c.version).order_by(_versions.c.component))


def _record_version(insert: Callable) -> Any:
    stmt = insert(_versions).values(component=bindparam("component"), version=bindparam("version"))
    return stmt.on_conflict_do_update(index_elements=[_versions.c.component],
                                      set_={"version": greatest(_versions.c.version, stmt.excluded.version)})


#: A component's version, never lowered (two processes may record the same step).
RECORD_VERSION = upsert(_record_version)
FIRST_VERSION = upsert(lambda insert: insert(_versions).values(
    component=bindparam("component"), version=bindparam("version")).on_conflict_do_nothing(index_elements=[_versions.c.component]))
