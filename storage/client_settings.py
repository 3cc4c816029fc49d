"""Per-client settings users expect beside terms and currency: the late fee of the final letter.

A fee is either a rate (`percent`) or a fixed amount in the client's invoice
currency (`fee_minor` + `fee_currency`); no row means the workspace default.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database
from storage.query import of, statements
from storage.records import Owner
from storage.rows import mapper


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
    """A client's late fee as agreed: a percent, or a fixed amount in one currency, or none."""
    percent: float | None = None
    fixed_minor: int | None = None
    currency: str | None = None


_fee = mapper(LateFee, columns={"percent": "late_fee_percent", "fixed_minor": "late_fee_minor",
                                 "currency": "late_fee_currency"})


_q = statements("storage.sql.client_settings")


class ClientSettings:
    def __init__(self, db: Database) -> None:
        self.db = db

    def late_fee(self, owner: Owner, client_id: int) -> LateFee | None:
        row = self.db.one(_q.GET, of(owner, client_id=client_id))
        if not row or (row["late_fee_percent"] is None and row["late_fee_minor"] is None):
            return None
        return _fee(row)

    def set_late_fee(self, owner: Owner, client_id: int, fee: LateFee | None) -> None:
        """Store the fee (inside the caller's transaction when there is one); None clears it."""
        fee = fee or LateFee()
        with self.db.transaction():
            self.db.execute(_q.SET, of(owner, client_id=client_id, late_fee_percent=fee.percent,
                                        late_fee_minor=fee.fixed_minor, late_fee_currency=fee.currency))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        """The client is gone (merged into another, or deleted): its settings go with it."""
        with self.db.transaction():
            self.db.execute(_q.FORGET, of(owner, client_id=client_id))
