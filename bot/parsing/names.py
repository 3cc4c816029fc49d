"""Client names as people type them: any case (Turkish I/ı included), with or without accents.

Matching goes from strict to loose and stops at the first level that finds
anyone: the exact name; the same letters in another case (`kebapçı iskender`,
`KEBAPÇI iSKENDER`); the same name without accents or edge punctuation
(`nha hang pho ha noi`, `Pixel Bakery.`). One match is taken; several are
asked about (`bot.parsing.ask`); none gets a "did you mean".
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Sequence

from bot.errors import UserError
from bot.parsing.ask import choose
from bot.parsing.fold import case_key, loose_key

if TYPE_CHECKING:
    from bot.context import Context
    from storage.records import Client


def matches(clients: Sequence["Client"], name: str, language: str) -> list["Client"]:
    """The clients `name` means, at the strictest level that finds any (sorted, for stable questions)."""
    name = " ".join(name.split())
    levels = (
        lambda c: c.name == name,
        lambda c: case_key(c.name, language) == case_key(name, language),
        lambda c: loose_key(c.name, language) == loose_key(name, language),
    )
    for level in levels:
        found = [c for c in clients if level(c)]
        if found:
            return sorted(found, key=lambda c: (c.name, c.id))
    return []


def find_client(ctx: "Context", name: str, usage: str = "usage.client_show") -> "Client":
    """The user's client by name; several loose matches are a question, none a 'did you mean'."""
    name = " ".join(name.split())
    if not name:
        raise UserError("error.client_missing", usage=usage)
    client = ctx.store.clients.by_name(ctx.owner, name)
    if client is not None and client.name == name:
        return client  # the common case, one indexed query
    clients = ctx.store.clients.list(ctx.owner)
    found = matches(clients, name, ctx.language)
    if found:
        return choose("ask.client", found, [c.name for c in found], name=name)
    if not clients:
        raise UserError("error.no_clients_yet", usage="usage.client_add", name=name)
    keyed = {loose_key(c.name, ctx.language): c.name for c in clients}
    key = loose_key(name, ctx.language)
    close = difflib.get_close_matches(key, list(keyed), n=1, cutoff=0.6)
    if not close and key:
        close = [k for k in keyed if k.startswith(key) or key in k][:1]
    if close:
        raise UserError("error.unknown_client_suggest", usage=usage, name=name, suggestion=keyed[close[0]])
    raise UserError("error.unknown_client", usage=usage, name=name)


def similar_client(clients: Sequence["Client"], name: str, language: str) -> "Client | None":
    """An existing client whose name differs from `name` only by case, accents, spacing or edge punctuation."""
    key = loose_key(name, language)
    return next((c for c in clients if loose_key(c.name, language) == key), None) if key else None


def suggest(names: Sequence[str], typed: str, language: str = "en", limit: int = 25) -> list[str]:
    """Names for autocomplete: those starting with what was typed first, then those containing it."""
    key = loose_key(typed, language)
    if not key:
        return list(names)[:limit]
    keyed = [(loose_key(n, language), n) for n in names]
    first = [n for k, n in keyed if k.startswith(key)]
    inner = [n for k, n in keyed if key in k and not k.startswith(key)]
    return (first + inner)[:limit]
