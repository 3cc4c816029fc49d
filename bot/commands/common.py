"""Sub-command dispatch, shared by every command with sub-commands (money sums are in `bot/money.py`)."""
from __future__ import annotations

from typing import Callable

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
