"""Pending imports: a read file waits here, as a table, until its preview is confirmed.

Nothing of an import reaches the invoices until the user confirms the
preview; the confirmation then re-checks the table against what is on file
at that moment. `status` goes pending → applied (with the summary, so a
second click or a retry answers the same) or cancelled.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso
from storage.query import of, statements
from storage.records import Owner
from storage.rows import insert_or_find, mapper


def _v1(db: "sqlite_utils.Database") -> None:
    db["import_batches"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "filename": str,
            "table_json": str,  # {"header": [...], "rows": [[line, [cells]]], "separator": ",", "encoding": "UTF-8"}
            "mapping_json": str,  # {"layout": "xero", "columns": {"client": 0, ...}}
            "status": str,
            "result_json": str,
            "created_at": str,
            "request_id": str,
        },
        pk="id",
        not_null={"workspace", "owner", "filename", "table_json", "mapping_json", "status", "created_at"},
        defaults={"status": "pending"},
        if_not_exists=True,
    )
    db["import_batches"].create_index(["workspace", "owner", "request_id"], unique=True, if_not_exists=True)


MIGRATIONS = [_v1]


@dataclass(frozen=True)
class Batch:
    """An invoice import: the file as read and the column mapping its preview showed, until it is confirmed."""
    id: int
    filename: str
    table: dict[str, Any]
    mapping: dict[str, Any]
    status: str
    result: dict[str, Any]
    created_at: datetime


_batch = mapper(Batch, columns={"table": "table_json", "mapping": "mapping_json", "result": "result_json"})


_q = statements("storage.sql.imports")


class Imports:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, owner: Owner, filename: str, table: dict, mapping: dict, at: datetime, request_id: str | None) -> Batch:
        """Keep a read file for its preview; a retried upload finds the batch it made."""
        with self.db.transaction():
            batch_id, created = insert_or_find(self.db, "import_batches", owner, {
                "workspace": owner.workspace, "owner": owner.user, "filename": filename,
                "table_json": json.dumps(table, ensure_ascii=False), "mapping_json": json.dumps(mapping),
                "status": "pending", "created_at": to_iso(at), "request_id": request_id,
            })
            if created:
                self.db.execute(_q.DROP_STALE, of(owner, before=to_iso(at - timedelta(days=7))))
        assert batch_id is not None
        found = self.get(owner, batch_id)
        assert found is not None
        return found

    def get(self, owner: Owner, batch_id: int) -> Batch | None:
        row = self.db.one(_q.GET, of(owner, id=batch_id))
        return _batch(row) if row else None

    def set_mapping(self, owner: Owner, batch_id: int, mapping: dict) -> None:
        with self.db.transaction():
            self.db.execute(_q.SET_MAPPING, of(owner, id=batch_id, mapping=json.dumps(mapping)))

    def finish(self, owner: Owner, batch_id: int, status: str, result: dict) -> bool:
        """Mark the batch done (inside the applying transaction); False when it already was."""
        cur = self.db.execute(_q.FINISH, of(owner, id=batch_id, status=status, result=json.dumps(result)))
        return cur.rowcount == 1

    def applied(self, batch_id: int, result: dict) -> None:
        """The import is written (inside its transaction, after `finish(…, "applying", …)`)."""
        self.db.execute(_q.APPLIED, {"id": batch_id, "result": json.dumps(result)})

    def on_file(self, owner: Owner) -> tuple:
        """A fingerprint of what an import preview was checked against: changes when the books do."""
        row = self.db.one(_q.ON_FILE, of(owner)) or {}
        return (row.get("n"), row.get("u"), row.get("p"), row.get("c"), row.get("h"))
