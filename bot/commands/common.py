"""Small pieces every command module shares: sub-command dispatch and money totals."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable

from bot import fmt
from bot.context import Context
from bot.errors import UserError
from bot.parser import Token, tokenize
from bot.replies import Reply

SubHandler = Callable[[Context, str, list[Token]], list[Reply]]


def dispatch(ctx: Context, text: str, table: dict[str, SubHandler], usage: str, default: str | None = None) -> list[Reply]:
    """Route '<sub> rest…' to its handler, passing the raw rest and its tokens."""
    tokens = tokenize(text)
    if not tokens:
        if default is None:
            raise UserError("error.subcommand_missing", usage=usage, choices=", ".join(table))
        return table[default](ctx, "", [])
    head = tokens[0]
    sub = head.value.lower()
    if head.quoted or sub not in table:
        raise UserError("error.unknown_subcommand", usage=usage, sub=head.value, choices=", ".join(table))
    rest = text[head.end:].strip()
    return table[sub](ctx, rest, tokenize(rest))


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
