"""The one door from corrections and imports to the typed-input parsers.

Issue 12 is rewriting how amounts and dates are read; everything issue 19
reads goes through these two functions, so pointing them at the new
parsers is a change in this file only.
"""
from __future__ import annotations

from datetime import date

from bot.parser import parse_amount, parse_date


def read_amount(text: str, language: str, currency: str | None) -> tuple[int, str | None]:
    """(minor units, currency named in the text or None), as `/invoice add` reads an amount."""
    return parse_amount(text, language, currency)


def read_date(text: str, today: date, usage: str) -> date:
    """A date as `/invoice add` reads one (ISO, relative, …); raises UserError with `usage`."""
    return parse_date(text, today, usage)
