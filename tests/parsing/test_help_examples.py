"""Help and usage hints show examples in the user's language and locale format, and every example works."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from bot.i18n import LANGUAGES, messages
from bot.parser import parse_amount, parse_date
from redflag_testkit import text_of
from storage.records import Owner

OWNER = Owner("W1", "U1")
CURRENCY = {"en": "EUR", "nl": "EUR", "vi": "VND", "tr": "TRY"}
LOCALE = {"en": "en-US", "nl": "nl-NL", "vi": "vi-VN", "tr": "tr-TR"}


def _items(text: str, lang: str) -> list[str]:
    text = re.sub(r"\s*\([^)]*\)", "", text)
    last = {"en": " or ", "nl": " of ", "vi": " hoặc ", "tr": " veya "}[lang]
    return [p.strip() for p in text.replace(last, ", ").split(", ") if p.strip()]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_amount_example_reads(lang: str) -> None:
    for example in _items(messages(lang)("usage.amount"), lang):
        minor, _ = parse_amount(example, lang, CURRENCY[lang])
        assert minor > 0, example


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_date_example_reads(lang: str) -> None:
    for example in _items(messages(lang)("usage.date"), lang):
        assert isinstance(parse_date(example, date(2026, 11, 25), "usage.date", lang, LOCALE[lang]), date), example


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_example_works_in_its_language(say, store, clock, lang: str) -> None:
    clock.set(datetime(2026, 12, 10, 10, tzinfo=timezone.utc))
    t = messages(lang)
    for key in ("usage.client_add", "usage.invoice_add", "usage.invoice_paid", "usage.invoice_due", "usage.incident",
                "usage.invoice_list", "usage.client_pause", "usage.client_show"):
        replies = say(t(key), locale=LOCALE[lang])
        assert not replies[0].is_error, (key, text_of(replies))
    [invoice] = store.invoices.list(OWNER)
    assert invoice.paid_minor > 0


@pytest.mark.parametrize(
    ("locale", "money", "day"),
    [("nl-NL", "€\u00a01.200,50", "31-12-2026"), ("en-US", "$1,200.50", "12/31/2026"), ("en-GB", "$1,200.50", "31/12/2026"),
     ("vi-VN", "1.200.000\u00a0₫", "31/12/2026"), ("tr-TR", "₺1.200,50", "31.12.2026")],
)
def test_help_shows_examples_in_the_users_format(say, locale: str, money: str, day: str) -> None:
    shown = text_of(say("/redflag help", locale=locale))
    assert money in shown and day in shown


def test_errors_show_the_dutch_way_to_write_it(say) -> None:
    say("/client add Acme", locale="nl")
    shown = text_of(say("/invoice add Acme 1200,505", locale="nl"))
    assert "€ 1.200,50" in shown
    shown = text_of(say("/invoice add Acme 100 due=someday", locale="nl"))
    assert "31-12-2026" in shown
