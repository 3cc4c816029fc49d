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
from storage.query import of, statements


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

_q = statements("storage.sql.incidents")

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
        # One write (the INSERT; the lock is PostgreSQL's, the read after a repeat writes nothing): inside the
        # request's transaction on SQLite, no SAVEPOINT around it (issue 20).
        with self.db.transaction(one_write=True):
            self.db.lock("incident-number", owner.workspace, owner.user)  # READ COMMITTED: one numberer per owner
            occurred, logged = to_iso(occurred_at or now), to_iso(now)
            written = self.db.one(_q.ADD, of(
                owner, client_id=client_id, kind=kind, note=note, occurred_at=occurred, logged_at=logged,
                logged_by=owner.user, source=source, source_ref=source_ref, request_id=request_id,
                occurred_on=occurred_on.isoformat() if occurred_on else None,
            ))
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
            occurred_at=from_iso(occurred),  # type: ignore[arg-type]
            logged_at=from_iso(logged),  # type: ignore[arg-type]
            logged_by=owner.user,
            source=source,
            source_ref=source_ref,
            number=number,
            occurred_on=occurred_on,
        )
        return incident, True

    def by_number(self, owner: Owner, number: int, include_deleted: bool = False) -> Incident | None:
        """One incident by its short number ("#12")."""
        row = self.db.one(_q.BY_NUMBER_ANY if include_deleted else _q.BY_NUMBER, of(owner, number=number))
        return _row(row) if row else None

    def for_client(self, owner: Owner, client_id: int, limit: int | None = None) -> list[Incident]:
        # Tuples, not dict rows: a dossier reads every incident of a client (see docs/bench.md).
        if limit is None:
            rows = self.db.rows(_q.FOR_CLIENT, of(owner, client_id=client_id))
        else:
            rows = self.db.rows(_q.LAST_FOR_CLIENT, of(owner, client_id=client_id, limit=limit))
        return _incidents(rows)

    def earliest_for_client(self, owner: Owner, client_id: int) -> list[Incident]:
        """The client's first incident (or none): what "client since" needs, without reading them all."""
        return [_row(r) for r in self.db.query(_q.EARLIEST, of(owner, client_id=client_id))]

    def recent_for_client(self, owner: Owner, client_id: int, since: datetime) -> list[tuple[int, str, datetime]]:
        """(id, kind, occurred_at) of the client's incidents that happened at `since` or later, oldest first:
        the pattern check's window, without reading (or building) the client's whole history (issue 20)."""
        parse = datetime.fromisoformat
        rows = self.db.rows(_q.RECENT_FOR_CLIENT, of(owner, client_id=client_id, since=to_iso(since)))
        return [(id_, kind, parse(at)) for id_, kind, at in rows]

    def kinds_for_client(self, owner: Owner, client_id: int) -> list[tuple[str, datetime]]:
        """(kind, occurred_at) of every incident of one client: what a score needs, without the notes."""
        # tuples: a dossier of 10 000 incidents reads them all (issue 20)
        rows = self.db.rows(_q.KINDS_FOR_CLIENT, of(owner, client_id=client_id))
        parse = datetime.fromisoformat
        return [(kind, parse(at)) for kind, at in rows]

    def count_for_client(self, owner: Owner, client_id: int) -> int:
        row = self.db.one(_q.COUNT_FOR_CLIENT, of(owner, client_id=client_id))
        return row["n"] if row else 0

    def kinds_by_client(self, owner: Owner) -> dict[int, dict[str, list[datetime]]]:
        """Every client's incident times by kind, for scores and lists in one query."""
        out: dict[int, dict[str, list[datetime]]] = {}
        for client_id, kind, at in self.db.rows(_q.KINDS_BY_CLIENT, of(owner)):
            out.setdefault(client_id, {}).setdefault(kind, []).append(from_iso(at))  # type: ignore[arg-type]
        return out

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def apply_edit(self, owner: Owner, incident_id: int, kind: str, note: str, occurred_at: str,
                   occurred_on: str | None) -> None:
        with self.db.transaction():
            self.db.execute(_q.EDIT, of(owner, id=incident_id, kind=kind, note=note, occurred_at=occurred_at,
                                      occurred_on=occurred_on))

    def mark_deleted(self, owner: Owner, incident_id: int, at: datetime) -> None:
        """The row stays as evidence, off every read here."""
        with self.db.transaction():
            self.db.execute(_q.MARK_DELETED, of(owner, id=incident_id, at=to_iso(at)))

    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        with self.db.transaction():
            self.db.execute(_q.MOVE, of(owner, from_id=from_id, into_id=into_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        with self.db.transaction():
            self.db.execute(_q.FORGET, of(owner, client_id=client_id))


def _incidents(rows: list[tuple]) -> list[Incident]:
    """`Incident`s from tuples in `_q.FOR_CLIENT`'s column order, as `Incident(...)` makes them, ~2.5× cheaper.

    A dossier or an export reads every incident of a client (10 000 in the benchmark, issue 20): the
    frozen `__init__`'s eleven `object.__setattr__`s were most of the read. The instance's dict is
    filled at once instead (no `__post_init__`, no slots: the same instance, equal, same hash and
    repr); an incident logged as it happened has one parsed time for both (`logged_at is occurred_at`).
    """
    parse, day, new, kind_of = datetime.fromisoformat, date.fromisoformat, object.__new__, Incident
    out: list[Incident] = []
    append = out.append
    for id_, cid, kind, note, occurred, logged, by, source, ref, number, on in rows:
        incident = new(kind_of)
        at = parse(occurred)
        incident.__dict__.update(
            id=id_, client_id=cid, kind=kind, note=note, occurred_at=at,
            logged_at=at if logged == occurred else parse(logged), logged_by=by, source=source,
            source_ref=ref, number=number or 0, occurred_on=day(on) if on else None,
        )
        append(incident)
    return out
