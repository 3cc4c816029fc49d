"""Money per currency: sums that are never converted, and their one line of text.

Amounts are integer minor units with an ISO 4217 code. Every place that adds
money up (what a client owes, what they paid, the report's revenue, the
alerts' shares) sums it here, one total per currency.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from bot import fmt

if TYPE_CHECKING:
    from bot.context import Context


def per_currency(amounts: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Sum (currency, minor) pairs per currency, never across; sorted by code; zero sums left out."""
    sums: dict[str, int] = {}
    for currency, minor in amounts:
        sums[currency] = sums.get(currency, 0) + minor
    return tuple(sorted((code, minor) for code, minor in sums.items() if minor))


def text(language: str, amounts: Iterable[tuple[str, int]]) -> str:
    """'€1,200.00 + $300.00' from (currency, minor) pairs as they are, zero amounts left out ('' for none)."""
    return " + ".join(fmt.money(language, minor, code) for code, minor in amounts if minor)


def totals(ctx: "Context", amounts: Iterable[tuple[int, str]]) -> str:
    """'€1,200.00 + $300.00' from (minor, currency) pairs: one sum per currency, never converted."""
    return text(ctx.language, per_currency((c, m) for m, c in amounts)) or fmt.money(ctx.language, 0, default_currency(ctx))


def default_currency(ctx: "Context") -> str:
    """The currency a new client gets when none is given: the one of the user's locale."""
    return fmt.territory_currency(ctx.t.babel_locale) or "EUR"
