"""Small pieces every command module shares: money totals and the default currency."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from bot import fmt
from bot.context import Context


def totals(ctx: Context, amounts: Iterable[tuple[int, str]]) -> str:
    """'€1,200.00 + $300.00': one sum per currency, never converted."""
    sums: dict[str, int] = defaultdict(int)
    for minor, currency in amounts:
        sums[currency] += minor
    parts = [fmt.money(ctx.language, v, c) for c, v in sorted(sums.items()) if v]
    return " + ".join(parts) if parts else fmt.money(ctx.language, 0, ctx_currency(ctx))


def ctx_currency(ctx: Context) -> str:
    """The currency a new client gets when none is given: the one of the user's locale."""
    from babel.numbers import get_territory_currencies

    territory = ctx.t.babel_locale.split("_")[-1]
    found = get_territory_currencies(territory)
    return found[0] if found else "EUR"
