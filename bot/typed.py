"""The one door from corrections and imports to the typed-input parsers.

Corrections and imports read amounts and dates exactly as typed commands
do (bot/parsing/): the same locale rules, the same questions when a value
could mean two things.
"""
from __future__ import annotations

from datetime import date

from bot.parser import parse_amount, parse_date


def read_amount(text: str, language: str, currency: str | None) -> tuple[int, str | None]:
    """(minor units, currency named in the text or None), as `/invoice add` reads an amount."""
    return parse_amount(text, language, currency)


def read_date(
    text: str, today: date, usage: str, language: str = "en", locale: str | None = None, past: bool = False
) -> date:
    """A date as `/invoice add` reads one (ISO, the user's numeric form, month names, relative words, …)."""
    return parse_date(text, today, usage, language, locale, past=past)
