"""The correction history: every edit, deletion, rename and merge, kept as evidence.

A correction never erases what was recorded: the row it changes keeps its
current version, and this table keeps who changed what and when, with the
values before and after (JSON). The dossier marks corrected incidents, the
export lists every change, and a deleted record survives here whole.

`request_id` is unique per owner, so a platform retry of one correction
finds the change it already made and writes nothing twice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso
from storage.query import of, statements
from storage.records import Owner
from storage.rows import by_key, json_dict, mapper


def _v1(db: "sqlite_utils.Database") -> None:
    db["changes"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "entity": str,  # "incident" | "invoice" | "client"
            "entity_id": int,
            "client_id": int,  # the client whose trail shows it (after a merge: the one merged into)
            "action": str,  # "edit" | "delete" | "rename" | "merge" | "settings" | "import"
            "before": str,  # JSON
            "after": str,  # JSON
            "changed_at": str,
            "changed_by": str,
            "request_id": str,
        },
        pk="id",
        not_null={"workspace", "owner", "entity", "entity_id", "action", "changed_at", "changed_by"},
        if_not_exists=True,
    )
    db["changes"].create_index(["workspace", "owner", "client_id", "changed_at"], if_not_exists=True)
    db["changes"].create_index(["workspace", "owner", "entity", "entity_id"], if_not_exists=True)
    db["changes"].create_index(["workspace", "owner", "request_id"], unique=True, if_not_exists=True)


MIGRATIONS = [_v1]


@dataclass(frozen=True)
class Change:
    """One correction, with the row before and after, so it can be shown and undone."""
    id: int
    entity: str
    entity_id: int
    client_id: int | None
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    changed_at: datetime
    changed_by: str


_change = mapper(Change, before=json_dict, after=json_dict)


_q = statements("storage.sql.history")


class History:
    def __init__(self, db: Database) -> None:
        self.db = db

    def by_request(self, owner: Owner, request_id: str | None) -> Change | None:
        """The change a request already made (call inside the writing transaction).

        Holds a lock on the request id until the transaction ends, so a retry racing the first
        attempt on another connection waits and then finds its change instead of applying it twice.
        """
        if request_id is not None:
            self.db.lock("change", owner.workspace, owner.user, request_id)
        row = by_key(self.db, "changes", owner, "request_id", request_id)
        return _change(row) if row else None

    def record(
        self,
        owner: Owner,
        entity: str,
        entity_id: int,
        client_id: int | None,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
        at: datetime,
        request_id: str | None,
    ) -> int:
        """Append one change (inside the caller's transaction, with the write it describes)."""
        row = self.db.one(_q.RECORD, of(
            owner, entity=entity, entity_id=entity_id, client_id=client_id, action=action,
            before=json.dumps(before, ensure_ascii=False, sort_keys=True),
            after=json.dumps(after, ensure_ascii=False, sort_keys=True),
            changed_at=to_iso(at), changed_by=owner.user, request_id=request_id,
        ))
        assert row is not None
        return row["id"]

    def get(self, change_id: int) -> Change:
        row = self.db.one(_q.GET, {"id": change_id})
        assert row is not None
        return _change(row)

    def for_client(self, owner: Owner, client_id: int) -> list[Change]:
        return [_change(r) for r in self.db.query(_q.FOR_CLIENT, of(owner, client_id=client_id))]

    def for_entity(self, owner: Owner, entity: str, entity_id: int) -> list[Change]:
        return [_change(r) for r in self.db.query(_q.FOR_ENTITY, of(owner, entity=entity, entity_id=entity_id))]

    def corrected_ids(self, owner: Owner, entity: str, client_id: int) -> set[int]:
        """Ids of the client's records of one kind that were edited at least once (the "corrected" mark)."""
        return {r[0] for r in self.db.rows(_q.CORRECTED, of(owner, client_id=client_id, entity=entity))}

    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        """A merge: the history of the merged client reads on the trail of the one it went into."""
        self.db.execute(_q.MOVE, of(owner, from_id=from_id, into_id=into_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        """A client deleted on purpose: its history goes with it (the export was offered first)."""
        self.db.execute(_q.FORGET, of(owner, client_id=client_id))
