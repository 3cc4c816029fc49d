"""Clients: one row per client per owner; names are unique case-insensitively."""
from __future__ import annotations

from datetime import date, datetime

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso, utcnow
from storage.query import of, statements
from storage.records import Client, Owner
from storage.rows import blank_none, insert_or_find, mapper


def name_key(name: str) -> str:
    """The comparison form of a name: case-folded, inner spaces collapsed."""
    return " ".join(name.split()).casefold()


def _v1(db: "sqlite_utils.Database") -> None:
    db["clients"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "name": str,
            "name_key": str,
            "terms_days": int,
            "currency": str,
            "email": str,
            "paused": int,
            "paused_until": str,
            "created_at": str,
        },
        pk="id",
        not_null={"workspace", "owner", "name", "name_key", "terms_days", "currency", "paused", "created_at"},
        defaults={"paused": 0},
        if_not_exists=True,
    )
    db["clients"].create_index(["workspace", "owner", "name_key"], unique=True, if_not_exists=True)


def _v2(db: "sqlite_utils.Database") -> None:
    # The person letters are addressed to ("Trần Thị Mai" at "Minh Anh Co"); none means the company itself.
    if "contact" not in db["clients"].columns_dict:
        db["clients"].add_column("contact", str)


def _v3(db: "sqlite_utils.Database") -> None:
    """A client remembers the request that added it: a replayed `/client add` answers as the first did."""
    if "request_id" not in db["clients"].columns_dict:
        db.execute("ALTER TABLE clients ADD COLUMN request_id TEXT")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS clients_request ON clients (workspace, owner, request_id)")


MIGRATIONS = [_v1, _v2, _v3]


_row = mapper(Client, contact=blank_none)

_q = statements("storage.sql.clients")


class DuplicateClient(Exception):
    def __init__(self, existing: Client) -> None:
        super().__init__(existing.name)
        self.existing = existing


class Clients:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        owner: Owner,
        name: str,
        terms_days: int,
        currency: str,
        email: str | None,
        created_at: datetime | None = None,
        contact: str | None = None,
        request_id: str | None = None,
    ) -> Client:
        """Add a client; the same `request_id` again returns the client it added."""
        key = name_key(name)
        with self.db.transaction():
            client_id, _ = insert_or_find(self.db, "clients", owner, {
                "workspace": owner.workspace, "owner": owner.user, "name": name, "name_key": key,
                "terms_days": terms_days, "currency": currency, "email": email, "paused": 0,
                "created_at": to_iso(created_at or utcnow()), "contact": contact, "request_id": request_id,
            })
            if client_id is None:  # not this request's client: another one has the name
                existing = self.by_name(owner, name)
                assert existing is not None
                raise DuplicateClient(existing)
        found = self.get(owner, client_id)
        assert found is not None
        return found

    def get(self, owner: Owner, client_id: int) -> Client | None:
        row = self.db.one(_q.GET, of(owner, id=client_id))
        return _row(row) if row else None

    def by_name(self, owner: Owner, name: str) -> Client | None:
        row = self.db.one(_q.BY_NAME, of(owner, name_key=name_key(name)))
        return _row(row) if row else None

    def list(self, owner: Owner) -> list[Client]:
        return [_row(r) for r in self.db.query(_q.LIST, of(owner))]

    def names(self, owner: Owner, prefix: str = "", limit: int = 25) -> list[str]:
        """Names starting with (or containing) `prefix`, for autocomplete and pickers."""
        like = "%" + prefix.casefold().replace("%", "").replace("_", "") + "%"
        return [r[0] for r in self.db.rows(_q.NAMES, of(owner, like=like, limit=limit))]

    def set_paused(self, owner: Owner, client_id: int, paused: bool, until: date | None) -> Client:
        with self.db.transaction():
            self.db.execute(_q.SET_PAUSED, of(owner, id=client_id, paused=int(paused),
                                               until=until.isoformat() if until else None))
        found = self.get(owner, client_id)
        assert found is not None
        return found

    def set_contact(self, owner: Owner, client_id: int, contact: str | None) -> Client:
        """Who letters to this client are addressed to (None: the company, formally)."""
        with self.db.transaction():
            self.db.execute(_q.SET_CONTACT, of(owner, id=client_id, contact=contact or None))
        found = self.get(owner, client_id)
        assert found is not None
        return found

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def apply_edit(self, owner: Owner, client_id: int, name: str, terms_days: int, currency: str) -> None:
        """Rename, or change terms and currency."""
        with self.db.transaction():
            self.db.execute(_q.EDIT, of(owner, id=client_id, name=name, name_key=name_key(name), terms_days=terms_days,
                                         currency=currency))

    def remove(self, owner: Owner, client_id: int) -> None:
        """The row itself (a merge or a deletion has moved or removed what pointed to it)."""
        with self.db.transaction():
            self.db.execute(_q.REMOVE, of(owner, id=client_id))
