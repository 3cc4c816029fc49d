"""The command grammar, table-driven: what parses, and how bad input is refused."""
from __future__ import annotations

from datetime import date

import pytest

from bot.errors import UserError
from bot.parser import parse_amount, parse_date, parse_kind, quote, split_options, tokenize

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "text, values",
    [
        ('add Acme', ["add", "Acme"]),
        ('add "Acme Corp" terms=14', ["add", "Acme Corp", "terms=14"]),
        ("add 'Acme Corp'", ["add", "Acme Corp"]),
        ("add “Acme Corp”", ["add", "Acme Corp"]),
        ('add "Say \\"hi\\"" x', ["add", 'Say "hi"', "x"]),
        ("show client's", ["show", "client's"]),
        ('ref="INV 1"', ["ref=INV 1"]),
        ("  spaced   out  ", ["spaced", "out"]),
        ("", []),
    ],
)
def test_tokenize(text: str, values: list[str]) -> None:
    assert [t.value for t in tokenize(text)] == values


def test_unclosed_quote_is_an_error() -> None:
    with pytest.raises(UserError) as err:
        tokenize('add "Acme Corp')
    assert err.value.key == "error.unclosed_quote"


@pytest.mark.parametrize("value", ["Acme", 'He said "no"', "back\\slash", "😀 عربي", "a=b", ""])
def test_quote_round_trips(value: str) -> None:
    assert [t.value for t in tokenize(quote(value))] == [value]


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("1200", "en", (120000, None)),
        ("1200.50", "en", (120050, None)),
        ("1.200,50", "en", (120050, None)),
        ("1,200.50", "nl", (120050, None)),
        ("1200,50", "nl", (120050, None)),
        ("1.200", "nl", (120000, None)),
        ("1,200", "en", (120000, None)),
        ("1.200.000", "vi", (120000000, None)),
        ("€1200", "en", (120000, "EUR")),
        ("1200€", "nl", (120000, "EUR")),
        ("$99.99", "en", (9999, "USD")),
        ("₺1.200,50", "tr", (120050, "TRY")),
        ("EUR 15", "en", (1500, "EUR")),
        ("0.01", "en", (1, None)),
    ],
)
def test_amounts(text: str, language: str, expected: tuple[int, str | None]) -> None:
    assert parse_amount(text, language) == expected


def test_amount_precision_follows_currency() -> None:
    assert parse_amount("1.200.000", "vi", "VND") == (1200000, None)
    assert parse_amount("₫50000", "vi") == (50000, "VND")
    assert parse_amount("500", "en", "JPY") == (500, None)


@pytest.mark.parametrize(
    "text, key",
    [
        ("12,34,56", "error.bad_amount"),
        ("0", "error.amount_not_positive"),
        ("-5", "error.amount_not_positive"),
        ("abc", "error.bad_amount"),
        ("12.3456", "error.amount_precision"),
        ("1.2.3,4,5", "error.bad_amount"),
        ("XYZ 12", "error.unknown_currency"),
        ("1e5", "error.bad_amount"),
        ("", "error.bad_amount"),
        ("99999999999999999", "error.amount_too_large"),
        ("1,", "error.bad_amount"),
    ],
)
def test_bad_amounts(text: str, key: str) -> None:
    with pytest.raises(UserError) as err:
        parse_amount(text, "en", "EUR")
    assert err.value.key == key


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("30d", date(2026, 12, 25)),
        ("-3d", date(2026, 11, 22)),
        ("+1d", date(2026, 11, 26)),
        ("2w", date(2026, 12, 9)),
        ("2028-02-29", date(2028, 2, 29)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, key",
    [("2026-02-30", "error.impossible_date"), ("2026-13-01", "error.impossible_date"), ("30x", "error.bad_date")],
)
def test_bad_dates(text: str, key: str) -> None:
    with pytest.raises(UserError) as err:
        parse_date(text, TODAY)
    assert err.value.key == key


@pytest.mark.parametrize("text, slug", [("scope-creep", "scope-creep"), ("Scope_Creep", "scope-creep"), ("ABUSE", "abuse"), ("late-payment", "late-payment")])
def test_kinds(text: str, slug: str) -> None:
    assert parse_kind(text) == slug


def test_close_misspelling_of_a_kind_is_suggested() -> None:
    with pytest.raises(UserError) as err:
        parse_kind("scopecreep")
    assert err.value.key == "error.unknown_kind_suggest"
    assert err.value.values["suggestion"] == "scope-creep"


def test_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(UserError) as err:
        parse_kind("zzzzzz")
    assert err.value.key == "error.unknown_kind"
    assert "hate-work" in str(err.value.values["kinds"])


def test_options_are_only_known_keys() -> None:
    parsed = split_options(tokenize('Acme terms=14 "x=y" email="a b"'), {"terms", "email"}, "usage.client_add")
    assert parsed.options == {"terms": "14", "email": "a b"}
    assert [a.value for a in parsed.args] == ["Acme", "x=y"]
    with pytest.raises(UserError) as err:
        split_options(tokenize("Acme colour=red"), {"terms"}, "usage.client_add")
    assert err.value.key == "error.unknown_option"
    with pytest.raises(UserError) as err:
        split_options(tokenize("Acme terms=1 terms=2"), {"terms"}, "usage.client_add")
    assert err.value.key == "error.option_twice"
