"""Amounts as people write them: `1.200,50`, `€ 1.200,50`, `1500 TL`, `1.500.000đ`, `15tr`, `1.2k`.

The number is read with Babel's strict parser in the user's locale, and in
the other convention (decimal comma vs decimal point) as a second opinion:

* the locale's own full form (`1.200,50` in Dutch, `KWD1.500` in English) is taken;
* a form only the other convention can read (`1.200,50` typed in English) is taken too:
  the grouping says which mark is which;
* when both conventions give a sensible amount (`1.200` in English: €1,200.00 or €1.20;
  `1,500` for a three-decimal currency) the user is asked (`bot.parsing.ask`);
* a grouping that is not a grouping (`1200.505`, `0.001` for euros, `12,34,56`) is never read
  as thousands: it is refused with the currency's own number of decimals.

Currencies come from ISO codes in any case, the symbols Babel prints in the
shipped locales, and the everyday local names (euro, TL, đ, VNĐ, đồng...).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from bot.errors import UserError
from bot.fmt import is_currency, minor_digits
from bot.i18n import BABEL_LOCALES, LANGUAGES
from bot.parsing.ask import choose
from bot.parsing.fold import casefold

MAX_MINOR = 10**15

#: Everyday names and symbols, beyond ISO codes and Babel's own symbols (keys case-folded).
_NAMES: dict[str, str] = {
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "₺": "TRY", "tl": "TRY", "try": "TRY", "lira": "TRY",
    "₫": "VND", "đ": "VND", "vnđ": "VND", "vnd": "VND", "đồng": "VND", "dong": "VND",
    "$": "USD", "us$": "USD", "usd": "USD",
    "£": "GBP", "gbp": "GBP",
    "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW", "₴": "UAH", "₦": "NGN", "₱": "PHP",
}

#: Shorthand for thousands and millions, in every shipped language (keys case-folded).
_MULTIPLIERS: dict[str, int] = {
    "k": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "bn": 10**9,
    "duizend": 10**3, "miljoen": 10**6,
    "nghìn": 10**3, "nghin": 10**3, "ngàn": 10**3, "ngan": 10**3, "tr": 10**6, "triệu": 10**6, "trieu": 10**6,
    "tỷ": 10**9, "tỉ": 10**9, "ty": 10**9,
    "bin": 10**3, "milyon": 10**6, "milyar": 10**9,
    "thousand": 10**3, "million": 10**6,
}

_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


@lru_cache(maxsize=1)
def currency_names() -> dict[str, str]:
    """Every written form of a currency the bot accepts -> ISO code (built once, on first use)."""
    from bot.fmt import _locale

    seen: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        for code, raw in _locale(lang).currency_symbols.items():
            symbol = casefold(raw)
            if symbol != code.casefold():
                seen.setdefault(symbol, set()).add(code)
    out = {s: next(iter(codes)) for s, codes in seen.items() if len(codes) == 1}
    out.update(_NAMES)
    return out


def _currency_of(word: str) -> str | None:
    key = casefold(word.strip())
    if not key:
        return None
    found = currency_names().get(key)
    if found:
        return found
    if re.fullmatch(r"[a-z]{3}", key) and is_currency(key.upper()):
        return key.upper()
    return None


def _spaces(text: str) -> str:
    """Every kind of space (no-break, narrow no-break, thin) as a plain one, collapsed."""
    return " ".join("".join(" " if unicodedata.category(c) == "Zs" else c for c in text).split())


def parse_amount(text: str, language: str = "en", currency: str | None = None) -> tuple[int, str | None]:
    """-> (minor units, the currency the text names or None). `currency` is the one assumed otherwise."""
    raw = _spaces(text)
    bad = UserError("error.bad_amount", usage="usage.amount", amount=text)
    first = re.search(r"[0-9]", raw)
    if first is None:
        raise bad
    last = max(i for i, c in enumerate(raw) if c.isdigit())
    head, body, tail = raw[: first.start()].strip(), raw[first.start() : last + 1], raw[last + 1 :].strip()
    negative = head.endswith("-") or head.startswith("-")
    head = head.strip("-").strip()
    found = _take_prefix(head, text)
    multiplier, tail_currency = _take_suffix(tail, text)
    if found and tail_currency and found != tail_currency:
        raise UserError("error.currency_conflict", usage="usage.amount", first=found, second=tail_currency)
    found = found or tail_currency
    if negative:
        raise UserError("error.amount_not_positive", usage="usage.amount", amount=text)
    body = _ungroup_spaces(body, bad)
    if not _NUMBER.fullmatch(body):
        raise bad
    code = found or currency
    digits = minor_digits(code) if code else 2
    value = _read_number(body, language, digits, multiplier, code, text)
    minor = int(value.scaleb(digits))
    if minor <= 0:
        raise UserError("error.amount_not_positive", usage="usage.amount", amount=text)
    if minor > MAX_MINOR:
        raise UserError("error.amount_too_large", usage="usage.amount", amount=text)
    return minor, found


def _take_prefix(head: str, original: str) -> str | None:
    if not head:
        return None
    code = _currency_of(head)
    if code is None:
        if re.fullmatch(r"[^\W\d_]{3}", head):
            raise UserError("error.unknown_currency", usage="usage.amount", currency=head)
        raise UserError("error.bad_amount", usage="usage.amount", amount=original)
    return code


def _take_suffix(tail: str, original: str) -> tuple[int, str | None]:
    """'triệu đồng' -> (10**6, 'VND'); 'TL' -> (1, 'TRY'); 'k' -> (1000, None)."""
    if not tail:
        return 1, None
    words = tail.split()
    for cut in range(len(words), -1, -1):  # a multiplier first: 'k' is shorthand, not a symbol
        unit, rest = " ".join(words[:cut]), " ".join(words[cut:])
        multiplier = _MULTIPLIERS.get(casefold(unit)) if unit else 1
        if multiplier is None:
            continue
        if not rest:
            return multiplier, None
        code = _currency_of(rest)
        if code:
            return multiplier, code
    # Letters glued together: '15tr', '2bin', '1.500.000đ' were split above only at spaces.
    m = re.fullmatch(r"([^\W\d_]+)\s*(.*)", tail)
    if m and m.group(2) and casefold(m.group(1)) in _MULTIPLIERS and _currency_of(m.group(2)):
        return _MULTIPLIERS[casefold(m.group(1))], _currency_of(m.group(2))
    if re.fullmatch(r"[^\W\d_]{3}", tail):
        raise UserError("error.unknown_currency", usage="usage.amount", currency=tail)
    raise UserError("error.bad_amount", usage="usage.amount", amount=original)


def _ungroup_spaces(body: str, bad: UserError) -> str:
    """'1 200 000' (space-grouped thousands) -> '1200000'; other inner spaces are refused."""
    if " " not in body:
        return body
    whole, sep, frac = re.match(r"([0-9 ]+)([.,]?)(.*)", body).groups()  # type: ignore[union-attr]
    if not re.fullmatch(r"[0-9]{1,3}( [0-9]{3})+", whole.strip()) or " " in frac:
        raise bad
    return whole.replace(" ", "") + sep + frac


def _strict(number: str, locale: str) -> Decimal | None:
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        return parse_decimal(number, locale=locale, strict=True)
    except (NumberFormatError, ValueError):
        return None


def _decimals(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent)  # type: ignore[operator]


def _other_locale(language: str) -> str:
    from babel.numbers import get_decimal_symbol

    return "nl_NL" if get_decimal_symbol(BABEL_LOCALES.get(language, "en_US")) == "." else "en_US"


def _read_number(body: str, language: str, digits: int, multiplier: int, code: str | None, original: str) -> Decimal:
    own = _strict(body, BABEL_LOCALES.get(language, "en_US"))
    other = _strict(body, _other_locale(language))
    if own is not None and multiplier == 1 and _decimals(own) == digits:
        return own  # the locale's own full form, exactly as the bot prints it
    readings: list[Decimal] = []
    if own is not None and _decimals((own * multiplier).normalize()) <= digits:
        readings.append((own * multiplier).normalize())
    if other is not None and _decimals(other * multiplier) <= digits:
        value = (other * multiplier).normalize()
        if value not in readings:
            readings.append(value)
    if not readings:
        if own is not None or other is not None:
            raise UserError("error.amount_precision", usage="usage.amount", amount=original, digits=digits, currency=code or "")
        raise UserError("error.bad_amount", usage="usage.amount", amount=original)
    # Only the other convention reads it, though the locale's own reading parsed (99.999 for dollars
    # in English): that is a guess unless the user confirms it.
    confirm = len(readings) == 1 and own is not None and readings[0] != own * multiplier
    readings.sort(reverse=True)  # "€1,200.00 or €1.20?"
    labels = [_label(language, v, code, digits) for v in readings]
    return choose("ask.amount", readings, labels, amount=original, confirm=confirm)


def _label(language: str, value: Decimal, code: str | None, digits: int) -> str:
    from bot import fmt

    if code:
        return fmt.money(language, int(value.scaleb(digits)), code)
    return fmt.number(language, float(value), digits)
