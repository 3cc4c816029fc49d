"""Money, numbers and dates for people: formatted for the user's language with Babel.

The one place that formats with Babel (parsing, in `bot/parsing/`, reads with it).
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import BABEL_LOCALES, DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from babel import Locale


@lru_cache(maxsize=None)
def _locale(language: str) -> "Locale":
    """Babel's Locale, parsed once per language (parsing a locale name on every call cost more than the formatting)."""
    from babel import Locale

    return Locale.parse(BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT_LANGUAGE]))


@lru_cache(maxsize=None)
def minor_digits(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit (EUR 2, JPY 0, VND 0)."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


@lru_cache(maxsize=None)
def known_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code.upper() in known_currencies()


def territory_currency(babel_locale: str) -> str | None:
    """The currency in use where a locale is spoken ("nl_NL" -> "EUR"), or None when Babel knows none."""
    from babel.numbers import get_territory_currencies

    found = get_territory_currencies(babel_locale.split("_")[-1])
    return found[0] if found else None


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


def money(language: str, minor: int, currency: str) -> str:
    from babel.numbers import format_currency

    return format_currency(to_decimal(minor, currency), currency, locale=_locale(language))


def number(language: str, value: float, digits: int = 1) -> str:
    from babel.numbers import format_decimal

    return format_decimal(round(value, digits), format="#,##0." + "#" * digits if digits else "#,##0", locale=_locale(language))


def plain_amount(language: str, minor: int, currency: str) -> str:
    """An amount with every minor digit and no currency sign ("1.200,50", "1.200.000")."""
    from babel.numbers import format_decimal

    digits = minor_digits(currency)
    return format_decimal(to_decimal(minor, currency), format="#,##0." + "0" * digits if digits else "#,##0", locale=_locale(language))


def percent(language: str, fraction: float) -> str:
    """A fraction as a percentage, the sign where the locale puts it: 0.42 -> "42%", "%42"."""
    from babel.numbers import format_percent

    return format_percent(fraction, locale=_locale(language))


def compact(language: str, value: float) -> str:
    """A short number for an axis tick: 25000000 -> "25M"."""
    from babel.numbers import format_compact_decimal

    return format_compact_decimal(value, locale=_locale(language), fraction_digits=1)


def weekday(language: str, index: int) -> str:
    """The full name of a weekday, Monday = 0."""
    from babel.dates import get_day_names

    return str(get_day_names("wide", locale=_locale(language))[index])


def formal_day(language: str, d: date) -> str:
    """The date as a letter writes it: "30 januari 2027", "ngày 30 tháng 1 năm 2027", "30 Ocak 2027"."""
    from babel.dates import format_date

    if language == "vi":
        return f"ngày {d.day} tháng {d.month} năm {d.year}"
    return format_date(d, format="long", locale=_locale(language))


def day(language: str, d: date) -> str:
    return _medium_date(language, d)


@lru_cache(maxsize=8192)
def _medium_date(language: str, d: date) -> str:
    # Cached (issue 20): an export of 10 000 incidents formats the same few hundred days over and over.
    from babel.dates import format_date

    return format_date(d, format="medium", locale=_locale(language))


@lru_cache(maxsize=4096)
def _short_time(language: str, hour: int, minute: int) -> str:
    from babel.dates import format_time

    return format_time(time(hour, minute), "short", locale=_locale(language))


@lru_cache(maxsize=16)
def _moment_pattern(language: str) -> str:
    from babel.dates import get_datetime_format

    if language == "vi":  # Babel puts the time first ("04:45 5 thg 12, 2026"); Vietnamese writes the day first
        return "{1} lúc {0}"
    return str(get_datetime_format("medium", locale=_locale(language)))


def moment(language: str, tz: ZoneInfo, dt: datetime) -> str:
    """A UTC datetime as the user's local wall-clock time: medium date, short time (no seconds)."""
    local = dt.astimezone(tz)
    return _moment_pattern(language).replace("{1}", _medium_date(language, local.date())).replace(
        "{0}", _short_time(language, local.hour, local.minute)
    )


def local_iso(tz: ZoneInfo, dt: datetime) -> str:
    return dt.astimezone(tz).isoformat(timespec="seconds")
