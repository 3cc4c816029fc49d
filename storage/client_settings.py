"""Per-client settings users expect beside terms and currency: the late fee of the final letter.

A fee is either a rate (`percent`) or a fixed amount in the client's invoice
currency (`fee_minor` + `fee_currency`); no row means the workspace default.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from sqlalchemy import bindparam, delete, select

from storage import schema
from storage.db import Database
from storage.records import Owner
from storage.rows import mapper
from storage.statements import Statement, of, owned, upsert


def _v1(db: "sqlite_utils.Database") -> None:
    db["client_settings"].create(
        {
            "workspace": str,
            "owner": str,
            "client_id": int,
            "late_fee_percent": float,
            "late_fee_minor": int,
            "late_fee_currency": str,
        },
        pk=("workspace", "owner", "client_id"),
        not_null={"workspace", "owner", "client_id"},
        if_not_exists=True,
    )


MIGRATIONS = [_v1]


@dataclass(frozen=True)
class LateFee:
    percent: float | None = None
    fixed_minor: int | None = None
    currency: str | None = None


_fee = mapper(LateFee, columns={"percent": "late_fee_percent", "fixed_minor": "late_fee_minor",
                                 "currency": "late_fee_currency"})


_t = schema.client_settings
_OF_CLIENT = owned(_t) & (_t.c.client_id == bindparam("client_id"))
_FEE_COLUMNS = ("late_fee_percent", "late_fee_minor", "late_fee_currency")


def _set_fee(insert):  # noqa: ANN001, ANN202 - the engine's INSERT (storage.statements.upsert)
    stmt = insert(_t).values({c: bindparam(c) for c in ("workspace", "owner", "client_id", *_FEE_COLUMNS)})
    return stmt.on_conflict_do_update(index_elements=[_t.c.workspace, _t.c.owner, _t.c.client_id],
                                      set_={c: stmt.excluded[c] for c in _FEE_COLUMNS})


_GET = Statement(select(_t).where(_OF_CLIENT))
_SET = upsert(_set_fee)
_FORGET = Statement(delete(_t).where(_OF_CLIENT))


class ClientSettings:
    def __init__(self, db: Database) -> None:
        self.db = db

    def late_fee(self, owner: Owner, client_id: int) -> LateFee | None:
        row = self.db.one(_GET, of(owner, client_id=client_id))
        if not row or (row["late_fee_percent"] is None and row["late_fee_minor"] is None):
            return None
        return _fee(row)

    def set_late_fee(self, owner: Owner, client_id: int, fee: LateFee | None) -> None:
        """Store the fee (inside the caller's transaction when there is one); None clears it."""
        fee = fee or LateFee()
        with self.db.transaction():
            self.db.execute(_SET, of(owner, client_id=client_id, late_fee_percent=fee.percent,
                                     late_fee_minor=fee.fixed_minor, late_fee_currency=fee.currency))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        """The client is gone (merged into another, or deleted): its settings go with it."""
        with self.db.transaction():
            self.db.execute(_FORGET, of(owner, client_id=client_id))
