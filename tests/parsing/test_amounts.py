"""Amounts as people write them, in every shipped language: accepted, refused, or asked about."""
from __future__ import annotations


import pytest
from hypothesis import given, settings, strategies as st

from bot import fmt
from bot.errors import UserError
from bot.i18n import LANGUAGES, messages
from bot.parser import parse_amount
from bot.parsing.ask import Ambiguous, picking
from redflag_testkit import text_of
from storage.records import Owner

OWNER = Owner("W1", "U1")


@pytest.mark.parametrize(
    ("text", "lang", "currency", "expected"),
    [
        # what the bot prints itself, per locale (symbol before/after, no-break spaces)
        ("€1,200.50", "en", "EUR", (120050, "EUR")),
        ("€\u00a01.200,50", "nl", "EUR", (120050, "EUR")),
        ("€ 1.200,50", "nl", "EUR", (120050, "EUR")),
        ("1.200,50\u00a0€", "vi", "EUR", (120050, "EUR")),
        ("1.500.000 ₫", "vi", "VND", (1500000, "VND")),
        ("₫1.500.000", "tr", "VND", (1500000, "VND")),
        ("€1.200,50", "tr", "EUR", (120050, "EUR")),
        ("KWD1.500", "en", None, (1500, "KWD")),
        ("KWD 1,500", "nl", None, (1500, "KWD")),
        # ISO codes in any case, local names and symbols
        ("1200 eur", "en", None, (120000, "EUR")),
        ("EUR 15", "en", None, (1500, "EUR")),
        ("5 euro", "nl", None, (500, "EUR")),
        ("1500 TL", "tr", None, (150000, "TRY")),
        ("1500 tl", "tr", None, (150000, "TRY")),
        ("₺1.200,50", "tr", None, (120050, "TRY")),
        ("1.500.000đ", "vi", None, (1500000, "VND")),
        ("1.500.000 VNĐ", "vi", None, (1500000, "VND")),
        ("1.500.000 vnd", "vi", None, (1500000, "VND")),
        ("$99.99", "en", None, (9999, "USD")),
        ("99.99 USD", "en", None, (9999, "USD")),
        ("£12", "en", None, (1200, "GBP")),
        ("12 GBP", "nl", None, (1200, "GBP")),
        # shorthand
        ("15tr", "vi", "VND", (15000000, None)),
        ("1,5 triệu", "vi", "VND", (1500000, None)),
        ("1,5 triệu đồng", "vi", None, (1500000, "VND")),
        ("500k", "vi", "VND", (500000, None)),
        ("2 bin", "tr", "TRY", (200000, None)),
        ("2 bin TL", "tr", None, (200000, "TRY")),
        ("1.2k", "en", "EUR", (120000, None)),
        ("1,5k", "nl", "EUR", (150000, None)),
        # plain numbers in each locale
        ("1200", "en", "EUR", (120000, None)),
        ("1,200", "en", "EUR", (120000, None)),
        ("1.200", "nl", "EUR", (120000, None)),
        ("1.200", "tr", "TRY", (120000, None)),
        ("1.200.000", "vi", "VND", (1200000, None)),
        ("1 200,50", "nl", "EUR", (120050, None)),
        ("1,50", "en", "EUR", (150, None)),  # only a decimal comma reads it
        ("1.200,50", "en", "EUR", (120050, None)),  # the grouping says which mark is which
        ("1,200.50", "tr", "TRY", (120050, None)),
        # three-decimal currencies keep them
        ("1200.505", "en", "KWD", (1200505, None)),
        ("1200,505", "nl", "BHD", (1200505, None)),
        ("0.001", "en", "OMR", (1, None)),
    ],
)
def test_accepted(text: str, lang: str, currency: str | None, expected: tuple[int, str | None]) -> None:
    assert parse_amount(text, lang, currency) == expected


@pytest.mark.parametrize(
    ("text", "lang", "currency", "key"),
    [
        ("1200.505", "en", "EUR", "error.amount_precision"),
        ("1200,505", "en", "EUR", "error.amount_precision"),
        ("1200,505", "nl", "EUR", "error.amount_precision"),
        ("0.001", "en", "EUR", "error.amount_precision"),
        ("0,001", "tr", "TRY", "error.amount_precision"),
        ("12,34,56", "en", "EUR", "error.bad_amount"),
        ("12.34.56", "nl", "EUR", "error.bad_amount"),
        ("1200,50", "vi", "VND", "error.amount_precision"),
        ("€-5", "en", "EUR", "error.amount_not_positive"),
        ("XYZ 12", "en", "EUR", "error.unknown_currency"),
        ("12 banana", "en", "EUR", "error.bad_amount"),
        ("€12 USD", "en", None, "error.currency_conflict"),
        ("1 20 0", "en", "EUR", "error.bad_amount"),
    ],
)
def test_refused(text: str, lang: str, currency: str, key: str) -> None:
    with pytest.raises(UserError) as err:
        parse_amount(text, lang, currency)
    assert err.value.key == key and not isinstance(err.value, Ambiguous)


@pytest.mark.parametrize(
    ("text", "lang", "currency", "labels", "picked"),
    [
        ("1.200", "en", "EUR", ("€1,200.00", "€1.20"), (120000, 120)),
        ("1,200", "nl", "EUR", ("€\u00a01.200,00", "€\u00a01,20"), (120000, 120)),
        ("1,500", "en", "KWD", ("KWD1,500.000", "KWD1.500"), (1500000, 1500)),
        ("1.500", "tr", "JOD", ("JOD1.500,000", "JOD1,500"), (1500000, 1500)),
        ("99.999", "en", "USD", ("$99,999.00",), (9999900,)),  # never silently $99,999.00
    ],
)
def test_ambiguous_amounts_are_asked(text: str, lang: str, currency: str, labels: tuple[str, ...], picked: tuple[int, ...]) -> None:
    with pytest.raises(Ambiguous) as err:
        parse_amount(text, lang, currency)
    assert err.value.labels == labels
    for index, minor in enumerate(picked):
        with picking([index]):
            assert parse_amount(text, lang, currency) == (minor, None)


CURRENCIES = ("EUR", "USD", "GBP", "TRY", "VND", "KWD", "JPY", "BHD", "CHF")


@settings(max_examples=300, deadline=None)
@given(lang=st.sampled_from(LANGUAGES), currency=st.sampled_from(CURRENCIES), minor=st.integers(1, 10**13))
def test_what_the_bot_prints_reads_back(lang: str, currency: str, minor: int) -> None:
    printed = fmt.money(lang, minor, currency)
    assert parse_amount(printed, lang, None) == (minor, currency)
    # and without the currency sign, the number alone, for a client in that currency
    assert parse_amount(printed, lang, currency)[0] == minor


# -- through the core: the question, and nothing stored until the answer --------------------
def test_ambiguous_invoice_is_asked_and_stored_only_after_the_pick(say, click, store) -> None:
    say("/client add Zed currency=EUR")
    replies = say("/invoice add Zed 1.200")
    shown = text_of(replies)
    assert "Which amount do you mean by “1.200”?" in shown and "Nothing is stored until you choose." in shown
    labels = [c.label for c in replies[0].choices]
    assert labels == ["€1,200.00", "€1.20", "Cancel"]
    assert store.invoices.list(OWNER) == []
    answer = click(replies[0].choices[1].id)
    assert answer[0].replaces
    [invoice] = store.invoices.list(OWNER)
    assert (invoice.amount_minor, invoice.currency) == (120, "EUR")


def test_cancel_stores_nothing(say, click, store) -> None:
    say("/client add Zed currency=USD")
    replies = say("/invoice add Zed 99.999")
    assert [c.label for c in replies[0].choices] == ["$99,999.00", "Cancel"]
    assert "Nothing was stored" in text_of(click(replies[0].choices[-1].id))
    assert store.invoices.list(OWNER) == []


@pytest.mark.parametrize(
    ("lang", "text", "minor", "currency"),
    [
        ("nl", "/invoice add Zed € 1.200,50", 120050, "EUR"),
        ("vi", "/invoice add Zed 1.500.000 ₫", 1500000, "VND"),
        ("vi", "/invoice add Zed 15tr VND", 15000000, "VND"),
        ("tr", "/invoice add Zed 1500 TL", 150000, "TRY"),
        ("en", "/invoice add Zed 1.2k USD", 120000, "USD"),
    ],
)
def test_invoice_add_reads_local_amounts(say, store, lang: str, text: str, minor: int, currency: str) -> None:
    say("/client add Zed", locale=lang)
    say(text, locale=lang)
    [invoice] = store.invoices.list(OWNER)
    assert (invoice.amount_minor, invoice.currency) == (minor, currency)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_silent_corruption_is_refused_in_every_language(say, store, lang: str) -> None:
    say("/client add Zed currency=EUR", locale=lang)
    for amount in ("1200.505", "1200,505", "0.001", "12,34,56"):
        replies = say(f"/invoice add Zed {amount}", locale=lang)
        assert replies[0].is_error, amount
        how = messages(lang)("error.how_to_write", usage=messages(lang)("usage.amount"))
        assert how in text_of(replies)
    assert store.invoices.list(OWNER) == []


def test_form_with_an_ambiguous_amount_stays_open(say, submit, store) -> None:
    say("/client add Zed currency=EUR")
    replies = submit("invoice", {"client": "Zed", "amount": "1.200"})
    assert replies[0].form_errors and "€1,200.00 or €1.20" in replies[0].form_errors[0][1]
    assert store.invoices.list(OWNER) == []


def test_a_question_about_a_long_command_says_what_to_write_instead(say, store) -> None:
    store.clients.add(OWNER, "Lê", 30, "EUR", None)
    store.clients.add(OWNER, "Lệ", 30, "EUR", None)
    replies = say("/incident le abuse " + "x" * 300)
    assert replies[0].is_error and not replies[0].choices
    assert "“le” could mean Lê or Lệ" in text_of(replies)
    assert store.incidents.for_client(OWNER, 1) == [] and store.incidents.for_client(OWNER, 2) == []


def test_console_asks_with_numbered_choices(tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "LC_", "LANG"))}
    env.update({"REDFLAG_DB": str(tmp_path / "r.db"), "LANG": "en_US.UTF-8", "TZ": "UTC", "NO_COLOR": "1"})
    lines = "/client add Zed currency=EUR\n/invoice add Zed 1.200\n2\n/invoice list\n"
    done = subprocess.run([str(Path(sys.executable).with_name("redflag"))], input=lines, capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1) €1,200.00" in done.stdout and "2) €1.20" in done.stdout
    assert "Amount  €1.20" in done.stdout and "Outstanding  €1.20" in done.stdout
