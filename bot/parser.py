"""The command grammar shared by Slack and the console (Discord passes typed values instead).

Tokens are split on white space; `"double"`, `'single'` and “curly” quotes
group words, with a backslash escaping a quote inside. `key=value` options
are recognised only for the keys a command declares, so a note may contain
"=" freely. Free text (an incident note) is taken from the raw input by
position, so it is stored exactly as typed.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.fmt import is_currency
from bot.kinds import KINDS, WORDS
from bot.parsing.amounts import parse_amount  # noqa: F401  (re-exported for the command modules)
from bot.parsing.dates import parse_date
from bot.parsing.fold import casefold, loose_key
from bot.parsing.names import find_client  # noqa: F401  (re-exported for the command modules)

if TYPE_CHECKING:
    from bot.context import Context
    from bot.declare import Args, Declared, Sub

MAX_NAME = 120
MAX_NOTE = 4000
MAX_REF = 60
_QUOTES = {'"': '"', "'": "'", "“": "”", "„": "”", "”": "”", "«": "»", "‘": "’"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Token:
    """A word of a command's text, with its span so "the rest" can be taken verbatim."""
    value: str
    start: int  # span in the raw text, for taking "the rest" verbatim
    end: int
    quoted: bool = False


def tokenize(text: str, limit: int | None = None) -> list[Token]:
    """Split into tokens; with `limit`, stop after that many (the rest is free text, never parsed)."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if limit is not None and len(tokens) >= limit:
            break
        if text[i].isspace():
            i += 1
            continue
        start = i
        buf: list[str] = []
        quoted = False
        while i < n and not text[i].isspace():
            ch = text[i]
            # An apostrophe inside a word ("client's") is a letter, not a quote.
            if ch in _QUOTES and (i == start or text[i - 1] == "="):
                close = _QUOTES[ch]
                i += 1
                closed = False
                while i < n:
                    c = text[i]
                    if c == "\\" and i + 1 < n and text[i + 1] in (close, "\\", ch):
                        buf.append(text[i + 1])
                        i += 2
                        continue
                    if c == close:
                        closed = True
                        i += 1
                        break
                    buf.append(c)
                    i += 1
                if not closed:
                    raise UserError("error.unclosed_quote", usage=None, quote=ch)
                # Only a token that *starts* with a quote is literal text; `ref="INV 1"` stays an option.
                quoted = text[start] in _QUOTES
                continue
            buf.append(ch)
            i += 1
        tokens.append(Token("".join(buf), start, i, quoted))
    return tokens


def quote(value: str) -> str:
    """One safe token for any text: what Discord's typed options become."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Parsed:
    """A command's positional words and its key=value options, split apart."""
    args: list[Token]
    options: dict[str, str]


def split_options(
    tokens: list[Token], keys: set[str], usage: str, dates: set[str] = frozenset(), language: str = "en"
) -> Parsed:
    """Separate `key=value` tokens (for known keys) from positional arguments.

    For the keys in `dates`, the words after the value that still make a date
    belong to it: `due=next friday`, `on=15 Ekim 2026`, `until=31 dec`.
    """
    args: list[Token] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if not tok.quoted and "=" in tok.value:
            key, _, value = tok.value.partition("=")
            key_l = key.lower()
            if key_l in keys:
                if key_l in options:
                    raise UserError("error.option_twice", usage=usage, option=key_l)
                if key_l in dates:
                    value, i = _longest_date(value, tokens, i, language)
                options[key_l] = value
                continue
            if key and re.fullmatch(r"[A-Za-z_]+", key):
                raise UserError("error.unknown_option", usage=usage, option=key, known=", ".join(sorted(keys)) or "-")
        args.append(tok)
    return Parsed(args, options)


def _longest_date(value: str, tokens: list[Token], i: int, language: str) -> tuple[str, int]:
    """The value plus the most following plain words (up to four) that together still read as a date."""
    plain = 0
    while i + plain < len(tokens) and plain < 4 and not tokens[i + plain].quoted and "=" not in tokens[i + plain].value:
        plain += 1
    for n in range(plain, 0, -1):
        longer = " ".join([value, *(t.value for t in tokens[i : i + n])])
        if _still_a_date(longer, language):
            return longer, i + n
    return value, i


def _still_a_date(text: str, language: str) -> bool:
    from datetime import date

    from bot.parsing.ask import Ambiguous

    try:
        parse_date(text, date(2000, 1, 1), "usage.date", language)
    except Ambiguous:
        return True
    except UserError as err:
        return err.key == "error.impossible_date"
    return True


def clean_text(value: str, field: str, max_len: int, usage: str) -> str:
    """Keep text exactly as typed, but refuse control characters and runaway lengths.

    Line endings are the one thing normalised: CRLF and CR (Windows, some
    modals) become LF, so a pasted message is never refused for its newlines.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(value):
        raise UserError("error.control_chars", usage=usage, field=field)
    if len(value) > max_len:
        raise UserError("error.too_long", usage=usage, field=field, max=max_len, length=len(value))
    return value


def clean_name(value: str, usage: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise UserError("error.name_missing", usage=usage)
    return clean_text(name, "name", MAX_NAME, usage)


# -- amounts -------------------------------------------------------------------
# Read per locale in bot/parsing/amounts.py (imported above).


def parse_currency(text: str, usage: str) -> str:
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise UserError("error.unknown_currency", usage=usage, currency=text)
    return code


# -- dates ---------------------------------------------------------------------
# Read per language in bot/parsing/dates.py (imported above).


def parse_int(text: str, field: str, low: int, high: int, usage: str) -> int:
    if not re.fullmatch(r"\d{1,6}", text.strip()):
        raise UserError("error.bad_number", usage=usage, field=field, value=text, low=low, high=high)
    value = int(text)
    if not low <= value <= high:
        raise UserError("error.bad_number", usage=usage, field=field, value=text, low=low, high=high)
    return value


# -- kinds ---------------------------------------------------------------------
def kind_aliases() -> dict[str, str]:
    """Every typed form of every kind, in every shipped language: alias -> slug."""
    return dict(_kind_aliases())


@lru_cache(maxsize=1)
def _kind_aliases() -> dict[str, str]:
    # Built once: the catalogs are loaded once per process (bot.i18n caches them), and
    # rebuilding this table cost more than the incident insert itself (see docs/bench.md).
    # Keys are accent-free and case-folded, so `geç-ödeme`, `gec-odeme` and `GEÇ-ÖDEME` all match.
    from bot.i18n import LANGUAGES, messages

    out: dict[str, str] = {}
    for slug in KINDS:
        out[slug] = slug
        for lang in LANGUAGES:
            t = messages(lang)
            word = t(WORDS[slug])
            out.setdefault(word.casefold(), slug)
            out.setdefault(loose_key(word, lang), slug)
    return out


def kind_words(language: str) -> str:
    """The kinds as the user types them in their language (any language's word, or the slug, works too)."""
    from bot.i18n import messages

    t = messages(language)
    return ", ".join(t(WORDS[slug]) for slug in KINDS)


def parse_kind(text: str, language: str = "en") -> str:
    word = text.strip().replace("_", "-")
    aliases = _kind_aliases()
    for key in (word.casefold(), casefold(word, language), loose_key(word, language)):
        if key in aliases:
            return aliases[key]
    kinds = kind_words(language)
    close = difflib.get_close_matches(loose_key(word, language), list(aliases), n=1, cutoff=0.6)
    if close:
        suggestion = _shown_kind(aliases[close[0]], close[0], language)
        raise UserError("error.unknown_kind_suggest", usage="usage.incident", kind=text, suggestion=suggestion, kinds=kinds)
    raise UserError("error.unknown_kind", usage="usage.incident", kind=text, kinds=kinds)


def _shown_kind(slug: str, key: str, language: str) -> str:
    """A suggestion spelled properly (`phát-sinh`, not the accent-free key it matched)."""
    from bot.i18n import LANGUAGES, messages

    for lang in (language, *LANGUAGES):
        word = messages(lang)(WORDS[slug])
        if key in (word.casefold(), loose_key(word, lang)):
            return word
    return slug


# -- clients -------------------------------------------------------------------
# Matched per language in bot/parsing/names.py (imported above).


# -- declared commands (bot/declare.py) ----------------------------------------------
def pick_sub(ctx: "Context", declared: "Declared", text: str) -> "tuple[Sub, str]":
    """The subcommand the text names, and the text after it."""
    if declared.route is not None:
        name, rest = declared.route(ctx, text)
        return declared.sub(name), rest  # type: ignore[return-value]
    if not declared.grouped:
        return declared.subs[0], text
    tokens = tokenize(text)
    if not tokens:
        if declared.default is None:
            named = declared.missing or tuple(s.name for s in declared.subs)
            raise UserError("error.subcommand_missing", usage=declared.usage, choices=", ".join(named))
        return declared.sub(declared.default), ""  # type: ignore[return-value]
    head = tokens[0]
    sub = None if head.quoted else declared.sub(head.value.lower())
    if sub is None:
        if declared.fallback is not None:
            return declared.sub(declared.fallback), text  # type: ignore[return-value]
        raise UserError("error.unknown_subcommand", usage=declared.usage, sub=head.value,
                        choices=", ".join(s.name for s in declared.subs))
    return sub, text[head.end:].strip()


def parse_args(sub: "Sub", text: str, language: str = "en") -> "Args":
    """Text into the values the handler reads: positional words in order (the last may take the rest), `key=` options."""
    from bot.declare import Args

    if sub.grammar is not None:
        return Args(sub, sub.grammar(text, language))
    tokens = tokenize(text)
    keyed = {o.text_key: o for o in sub.keyed}
    values: dict[str, object] = {}
    words = tokens
    if keyed:
        parsed = split_options(tokens, set(keyed), sub.usage, dates={k for k, o in keyed.items() if o.spans}, language=language)
        words = parsed.args
        values.update({keyed[k].name: v for k, v in parsed.options.items()})
    i = 0
    for opt in sub.positional:
        if i >= len(words):
            break
        if opt.rest:
            values[opt.name] = " ".join(t.value for t in words[i:])
            i = len(words)
            break
        values[opt.name] = words[i].value
        i += 1
    if i < len(words):
        raise UserError(sub.extra_words, usage=sub.extra_usage or sub.usage, words=" ".join(t.value for t in words[i:]))
    return Args(sub, values)


def write_args(sub: "Sub", values: "dict[str, object]") -> str:
    """Values written back in the text grammar (positional first, `key=` options, the rest last)."""
    parts: list[str] = []
    given = {k: v for k, v in values.items() if v is not None and v != "" and v is not False}
    last = ""
    for opt in sub.positional:
        if opt.name in given:
            if opt.type == "flag":
                parts.append(opt.text_key)  # a word (`overdue`), not a value
            elif opt.rest and sub.grammar is not None:
                last = str(given[opt.name])  # taken raw, as typed
            else:
                parts.append(quote(str(given[opt.name])))
    for opt in sub.keyed:
        if opt.name in given:
            parts.append(f"{opt.text_key}={quote(str(given[opt.name]))}")
    return " ".join(parts + ([last] if last else []))
