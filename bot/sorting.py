"""`/client list sort=owed|trouble|late|name`: the orders a freelancer reads the list in.

Amounts owed are never converted between currencies: "owed" orders by the
amount in the user's own currency first, then by each other currency in
turn (largest first), so two clients owing euros compare on euros.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.context import Context
    from bot.standings import Standing

SORTS = ("owed", "trouble", "late", "name")


def sort_standings(ctx: "Context", rows: "list[Standing]", order: str) -> "list[Standing]":
    by_name = list(rows)  # the store lists clients by name already
    if order == "name":
        return by_name
    if order == "trouble":
        return sorted(by_name, key=lambda r: -r.score)
    if order == "late":
        return sorted(by_name, key=lambda r: (r.average_days_late is None, -(r.average_days_late or 0)))
    from bot.money import default_currency, per_currency

    own = default_currency(ctx)
    currencies = sorted({c for r in rows for _, c in r.owed}, key=lambda c: (c != own, c))

    def owed_key(row: "Standing") -> tuple[int, ...]:
        per = dict(per_currency((currency, minor) for minor, currency in row.owed))
        return tuple(-per.get(c, 0) for c in currencies)

    return sorted(by_name, key=owed_key)
