"""Incidents: the paper trail. A request id makes retries harmless; a correction keeps its history.

Each incident has a short per-owner number (`#12`) users name it by. A deleted incident keeps its
row with `deleted_at` set and leaves every read here; storage/history.py keeps what it was.
"""
from __future__ import annotations

from datetime import date, datetime

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, from_iso, to_iso, utcnow
from storage.records import Incident, Owner
from storage.rows import by_key, mapper


def _v1(db: "sqlite_utils.Database") -> None:
    db["incidents"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "client_id": int,
            "kind": str,
            "note": str,
            "occurred_at": str,
            "logged_at": str,
            "logged_by": str,
            "source": str,
            "source_ref": str,
            "request_id": str,
        },
        pk="id",
        not_null={"workspace", "owner", "client_id", "kind", "note", "occurred_at", "logged_at", "logged_by", "source"},
        foreign_keys=[("client_id", "clients", "id")],
        if_not_exists=True,
    )
    db["incidents"].create_index(["workspace", "owner", "client_id", "occurred_at"], if_not_exists=True)
    db["incidents"].create_index(["workspace", "owner", "request_id"], unique=True, if_not_exists=True)


def _v2(db: "sqlite_utils.Database") -> None:
    # Issue 19: a short number per owner ("#12") to name an incident in a correction, and a
    # deletion mark (the row stays as evidence; storage/history.py keeps the whole change).
    columns = db["incidents"].columns_dict
    if "number" not in columns:
        db["incidents"].add_column("number", int)
    if "deleted_at" not in columns:
        db["incidents"].add_column("deleted_at", str)
    db.execute(
        "UPDATE incidents SET number = (SELECT rn FROM (SELECT id AS rid, row_number() OVER"
        " (PARTITION BY workspace, owner ORDER BY id) AS rn FROM incidents) WHERE rid = incidents.id)"
        " WHERE number IS NULL"
    )
    db["incidents"].create_index(["workspace", "owner", "number"], if_not_exists=True)


def _v3(db: "sqlite_utils.Database") -> None:
    """The day an incident happened, when it was logged later with `on=<date>` (issue 12)."""
    if "occurred_on" not in db["incidents"].columns_dict:
        db["incidents"].add_column("occurred_on", str)


MIGRATIONS = [_v1, _v2, _v3]

#: Rows still on the trail (a deleted incident lives on in the history only).
_LIVE = " AND deleted_at IS NULL"


#: The columns of an `Incident`, in its field order (for tuple reads).
_COLUMNS = "id, client_id, kind, note, occurred_at, logged_at, logged_by, source, source_ref, number, occurred_on"


_row = mapper(Incident)


class Incidents:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        owner: Owner,
        client_id: int,
        kind: str,
        note: str,
        *,
        occurred_at: datetime | None = None,
        source: str = "command",
        source_ref: str | None = None,
        request_id: str | None = None,
        occurred_on: date | None = None,
    ) -> tuple[Incident, bool]:
        """Log one incident; returns (incident, created). A repeated request id returns the first one."""
        now = utcnow()
        with self.db.transaction():
            self.db.lock("incident-number", owner.workspace, owner.user)  # READ COMMITTED: one numberer per owner
            # One statement: the next short number, the row, and the duplicate check (issue 20): a
            # repeated request id hits the unique index and inserts nothing.
            written = self.db.one(
                "INSERT INTO incidents (workspace, owner, client_id, kind, note, occurred_at, logged_at, logged_by,"
                " source, source_ref, request_id, number, occurred_on)"
                " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(max(number), 0) + 1, ?"
                " FROM incidents WHERE workspace = ? AND owner = ?"
                " ON CONFLICT(workspace, owner, request_id) DO NOTHING RETURNING id, number",
                (
                    owner.workspace,
                    owner.user,
                    client_id,
                    kind,
                    note,
                    to_iso(occurred_at or now),
                    to_iso(now),
                    owner.user,
                    source,
                    source_ref,
                    request_id,
                    occurred_on.isoformat() if occurred_on else None,
                    owner.workspace,
                    owner.user,
                ),
            )
            if written is None:  # the same request again: the first one's row
                row = by_key(self.db, "incidents", owner, "request_id", request_id)
                assert row is not None
                return _row(row), False
            incident_id, number = written["id"], written["number"]
        # Built from what was written (no read-back query): the same values _row would return.
        incident = Incident(
            id=incident_id,  # type: ignore[arg-type]
            client_id=client_id,
            kind=kind,
            note=note,
            occurred_at=from_iso(to_iso(occurred_at or now)),  # type: ignore[arg-type]
            logged_at=from_iso(to_iso(now)),  # type: ignore[arg-type]
            logged_by=owner.user,
            source=source,
            source_ref=source_ref,
            number=number,
            occurred_on=occurred_on,
        )
        return incident, True

    def by_number(self, owner: Owner, number: int, include_deleted: bool = False) -> Incident | None:
        """One incident by its short number ("#12")."""
        live = "" if include_deleted else _LIVE
        row = self.db.one(
            "SELECT * FROM incidents WHERE workspace = ? AND owner = ? AND number = ?" + live,
            (owner.workspace, owner.user, number),
        )
        return _row(row) if row else None

    def for_client(self, owner: Owner, client_id: int, limit: int | None = None) -> list[Incident]:
        # Tuples, not dict rows: a dossier reads every incident of a client (see docs/bench.md).
        sql = f"SELECT {_COLUMNS} FROM incidents WHERE workspace = ? AND owner = ? AND client_id = ?{_LIVE} ORDER BY occurred_at, id"
        params: tuple = (owner.workspace, owner.user, client_id)
        if limit is not None:
            sql = (
                f"SELECT {_COLUMNS} FROM (SELECT * FROM incidents WHERE workspace = ? AND owner = ? AND client_id = ?{_LIVE}"
                " ORDER BY occurred_at DESC, id DESC LIMIT ?) ORDER BY occurred_at, id"
            )
            params = params + (limit,)
        parse = datetime.fromisoformat
        return [
            Incident(
                id_, cid, kind, note, parse(occurred), parse(logged), by, source, ref, number or 0,
                date.fromisoformat(on) if on else None,
            )
            for id_, cid, kind, note, occurred, logged, by, source, ref, number, on in self.db.rows(sql, params)
        ]

    def earliest_for_client(self, owner: Owner, client_id: int) -> list[Incident]:
        """The client's first incident (or none): what "client since" needs, without reading them all."""
        rows = self.db.query(
            f"SELECT * FROM incidents WHERE workspace = ? AND owner = ? AND client_id = ?{_LIVE} ORDER BY occurred_at, id LIMIT 1",
            (owner.workspace, owner.user, client_id),
        )
        return [_row(r) for r in rows]

    def kinds_for_client(self, owner: Owner, client_id: int) -> list[tuple[str, datetime]]:
        """(kind, occurred_at) of every incident of one client: what a score needs, without the notes."""
        rows = self.db.rows(  # tuples: a dossier of 10 000 incidents reads them all (issue 20)
            "SELECT kind, occurred_at FROM incidents WHERE workspace = ? AND owner = ? AND client_id = ?" + _LIVE,
            (owner.workspace, owner.user, client_id),
        )
        parse = datetime.fromisoformat
        return [(kind, parse(at)) for kind, at in rows]

    def count_for_client(self, owner: Owner, client_id: int) -> int:
        row = self.db.one(
            "SELECT count(*) AS n FROM incidents WHERE workspace = ? AND owner = ? AND client_id = ?" + _LIVE,
            (owner.workspace, owner.user, client_id),
        )
        return row["n"] if row else 0

    def kinds_by_client(self, owner: Owner) -> dict[int, dict[str, list[datetime]]]:
        """Every client's incident times by kind, for scores and lists in one query."""
        out: dict[int, dict[str, list[datetime]]] = {}
        for r in self.db.query(
            "SELECT client_id, kind, occurred_at FROM incidents WHERE workspace = ? AND owner = ?" + _LIVE,
            (owner.workspace, owner.user),
        ):
            out.setdefault(r["client_id"], {}).setdefault(r["kind"], []).append(from_iso(r["occurred_at"]))  # type: ignore[arg-type]
        return out

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def apply_edit(self, owner: Owner, incident_id: int, kind: str, note: str, occurred_at: str,
                   occurred_on: str | None) -> None:
        with self.db.transaction():
            self.db.execute(
                "UPDATE incidents SET kind = ?, note = ?, occurred_at = ?, occurred_on = ?"
                " WHERE id = ? AND workspace = ? AND owner = ?",
                (kind, note, occurred_at, occurred_on, incident_id, owner.workspace, owner.user),
            )

    def mark_deleted(self, owner: Owner, incident_id: int, at: datetime) -> None:
        """The row stays as evidence, off every read here."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE incidents SET deleted_at = ? WHERE id = ? AND workspace = ? AND owner = ? AND deleted_at IS NULL",
                (to_iso(at), incident_id, owner.workspace, owner.user),
            )

    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        with self.db.transaction():
            self.db.execute("UPDATE incidents SET client_id = ? WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (into_id, owner.workspace, owner.user, from_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM incidents WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (owner.workspace, owner.user, client_id))
