"""Dates as people write them, in every shipped language (the test clock's today: Wednesday 2026-11-25)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.errors import UserError
from bot.parser import parse_date
from bot.parsing.ask import Ambiguous, picking
from redflag_testkit import text_of
from storage.records import Owner

TODAY = date(2026, 11, 25)  # a Wednesday
OWNER = Owner("W1", "U1")

FORMS = [
    # ISO and offsets, in every language
    *[(lang, "2026-12-31", date(2026, 12, 31)) for lang in ("en", "nl", "vi", "tr")],
    *[(lang, "30d", date(2026, 12, 25)) for lang in ("en", "nl", "vi", "tr")],
    *[(lang, "-3d", date(2026, 11, 22)) for lang in ("en", "nl", "vi", "tr")],
    *[(lang, "2w", date(2026, 12, 9)) for lang in ("en", "nl", "vi", "tr")],
    # the locale's numeric form
    ("nl", "31-12-2026", date(2026, 12, 31)), ("nl", "31/12/2026", date(2026, 12, 31)), ("nl", "31.12.2026", date(2026, 12, 31)),
    ("vi", "31/12/2026", date(2026, 12, 31)), ("vi", "31-12-2026", date(2026, 12, 31)),
    ("tr", "31.12.2026", date(2026, 12, 31)), ("tr", "31/12/2026", date(2026, 12, 31)),
    ("nl", "03/04/2026", date(2026, 4, 3)), ("vi", "03/04/2026", date(2026, 4, 3)), ("tr", "03.04.2026", date(2026, 4, 3)),
    ("en", "12/31/2026", date(2026, 12, 31)), ("en", "31/12/2026", date(2026, 12, 31)),
    ("nl", "31-12", date(2026, 12, 31)), ("tr", "1.3.27", date(2027, 3, 1)),
    # month names and abbreviations
    ("en", "Oct 15", date(2026, 10, 15)), ("en", "October 15, 2026", date(2026, 10, 15)), ("en", "15 Oct 2026", date(2026, 10, 15)),
    ("en", "15th October", date(2026, 10, 15)),
    ("nl", "15 okt", date(2026, 10, 15)), ("nl", "15 oktober 2026", date(2026, 10, 15)), ("nl", "1 mrt 2027", date(2027, 3, 1)),
    ("vi", "15 tháng 10", date(2026, 10, 15)), ("vi", "ngày 15 tháng 10 năm 2026", date(2026, 10, 15)), ("vi", "15 thg 10 2026", date(2026, 10, 15)),
    ("tr", "15 Ekim 2026", date(2026, 10, 15)), ("tr", "15 ekim", date(2026, 10, 15)), ("tr", "3 Şubat 2027", date(2027, 2, 3)), ("tr", "3 subat 2027", date(2027, 2, 3)),
    # words
    ("en", "today", TODAY), ("en", "tomorrow", date(2026, 11, 26)), ("en", "yesterday", date(2026, 11, 24)),
    ("nl", "vandaag", TODAY), ("nl", "morgen", date(2026, 11, 26)), ("nl", "gisteren", date(2026, 11, 24)),
    ("vi", "hôm nay", TODAY), ("vi", "ngày mai", date(2026, 11, 26)), ("vi", "hôm qua", date(2026, 11, 24)), ("vi", "hom qua", date(2026, 11, 24)),
    ("tr", "bugün", TODAY), ("tr", "yarın", date(2026, 11, 26)), ("tr", "YARIN", date(2026, 11, 26)), ("tr", "dün", date(2026, 11, 24)),
    # weekdays with next / last
    ("en", "next friday", date(2026, 11, 27)), ("en", "last friday", date(2026, 11, 20)), ("en", "Friday", date(2026, 11, 27)),
    ("nl", "volgende vrijdag", date(2026, 11, 27)), ("nl", "vorige vrijdag", date(2026, 11, 20)),
    ("vi", "thứ sáu tới", date(2026, 11, 27)), ("vi", "thứ sáu tuần trước", date(2026, 11, 20)),
    ("tr", "gelecek cuma", date(2026, 11, 27)), ("tr", "geçen cuma", date(2026, 11, 20)),
    # in N days / N days ago
    ("en", "in 3 days", date(2026, 11, 28)), ("en", "3 days ago", date(2026, 11, 22)), ("en", "in 2 weeks", date(2026, 12, 9)),
    ("nl", "over 3 dagen", date(2026, 11, 28)), ("nl", "3 dagen geleden", date(2026, 11, 22)),
    ("vi", "3 ngày nữa", date(2026, 11, 28)), ("vi", "3 ngày trước", date(2026, 11, 22)),
    ("tr", "3 gün sonra", date(2026, 11, 28)), ("tr", "3 gün önce", date(2026, 11, 22)),
    # local unit words and letters
    ("nl", "30 dagen", date(2026, 12, 25)), ("tr", "30 gün", date(2026, 12, 25)), ("tr", "30g", date(2026, 12, 25)),
    ("vi", "30 ngày", date(2026, 12, 25)), ("nl", "2 weken", date(2026, 12, 9)), ("tr", "2 hafta", date(2026, 12, 9)),
    ("vi", "2 tuần", date(2026, 12, 9)), ("en", "2 weeks", date(2026, 12, 9)),
]


@pytest.mark.parametrize(("lang", "text", "expected"), FORMS)
def test_accepted(lang: str, text: str, expected: date) -> None:
    assert parse_date(text, TODAY, "usage.date", lang) == expected


@pytest.mark.parametrize(
    ("lang", "text", "key"),
    [
        ("en", "2026-02-30", "error.impossible_date"), ("nl", "30-02-2026", "error.impossible_date"),
        ("tr", "30 Şubat 2026", "error.impossible_date"), ("vi", "31/04/2026", "error.impossible_date"),
        ("en", "someday", "error.bad_date"), ("nl", "30x", "error.bad_date"), ("tr", "", "error.bad_date"),
    ],
)
def test_refused(lang: str, text: str, key: str) -> None:
    with pytest.raises(UserError) as err:
        parse_date(text, TODAY, "usage.date", lang)
    assert err.value.key == key


def test_us_numeric_date_that_reads_both_ways_is_asked() -> None:
    with pytest.raises(Ambiguous) as err:
        parse_date("03/04/2026", TODAY, "usage.date", "en", "en-US")
    assert err.value.labels == ("Mar 4, 2026", "Apr 3, 2026")
    with picking([1]):
        assert parse_date("03/04/2026", TODAY, "usage.date", "en", "en-US") == date(2026, 4, 3)
    assert parse_date("03/04/2026", TODAY, "usage.date", "en", "en-GB") == date(2026, 4, 3)  # day-first


def test_ambiguous_due_date_asks_and_stores_nothing_until_picked(say, click, store) -> None:
    say("/client add Acme", locale="en-US")
    replies = say("/invoice add Acme 100 due=03/04/2027", locale="en-US")
    assert "Which date do you mean by “03/04/2027”?" in text_of(replies)
    assert store.invoices.list(OWNER) == []
    click(replies[0].choices[0].id)
    [invoice] = store.invoices.list(OWNER)
    assert invoice.due_on == date(2027, 3, 4)


def test_two_questions_in_one_command_are_asked_one_after_the_other(say, click, store) -> None:
    say("/client add Acme currency=EUR", locale="en-US")
    first = say("/invoice add Acme 1.200 due=03/04/2027", locale="en-US")
    assert "Which amount" in text_of(first)
    second = click(first[0].choices[0].id)
    assert "Which date" in text_of(second) and store.invoices.list(OWNER) == []
    click(second[0].choices[1].id)
    [invoice] = store.invoices.list(OWNER)
    assert (invoice.amount_minor, invoice.due_on) == (120000, date(2027, 4, 3))


def test_startup_imports_no_date_library() -> None:
    import subprocess
    import sys

    code = "import sys, bot.parser, bot.commands; print('babel.dates' in sys.modules, 'dateparser' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout.split()
    assert out == ["False", "False"]


@pytest.mark.parametrize(("lang", "span", "until"), [("en", "7", date(2026, 12, 2)), ("en", "2w", date(2026, 12, 9)),
                                                      ("nl", "10 dagen", date(2026, 12, 5)), ("tr", "2 hafta", date(2026, 12, 9)),
                                                      ("tr", "30g", date(2026, 12, 25)), ("vi", "3 ngày", date(2026, 11, 28))])
def test_snooze_takes_local_spans(say, store, lang: str, span: str, until: date) -> None:
    say("/client add Acme", locale=lang)
    say("/invoice add Acme 100 ref=INV-1", locale=lang)
    assert not say(f"/invoice snooze INV-1 {span}", locale=lang)[0].is_error
    [invoice] = store.invoices.list(OWNER)
    assert invoice.snoozed_until == until


@pytest.mark.parametrize(("lang", "words", "due"), [("en", "next friday", date(2026, 11, 27)), ("tr", "15 Ekim 2027", date(2027, 10, 15)),
                                                     ("nl", "30 dagen", date(2026, 12, 25))])
def test_due_takes_several_words(say, store, lang: str, words: str, due: date) -> None:
    say("/client add Acme", locale=lang)
    say("/invoice add Acme 100 ref=INV-1", locale=lang)
    assert not say(f"/invoice due INV-1 {words}", locale=lang)[0].is_error
    [invoice] = store.invoices.list(OWNER)
    assert invoice.due_on == due


@pytest.mark.parametrize(
    ("lang", "line", "due"),
    [
        ("en", "/invoice add Acme 100 due=next friday ref=X", date(2026, 11, 27)),
        ("en", "/invoice add Acme due=next friday 100", date(2026, 11, 27)),
        ("tr", "/invoice add Acme due=15 Ekim 2027 100", date(2027, 10, 15)),
        ("vi", "/invoice add Acme 1.200.000 due=31 tháng 12", date(2026, 12, 31)),
        ("nl", "/invoice add Acme due=over 3 dagen 100", date(2026, 11, 28)),
        ("en", '/invoice add Acme 100 due="in 2 weeks"', date(2026, 12, 9)),
    ],
)
def test_date_options_take_several_words(say, store, lang: str, line: str, due: date) -> None:
    say("/client add Acme", locale=lang)
    replies = say(line, locale=lang)
    assert not replies[0].is_error, text_of(replies)
    [invoice] = store.invoices.list(OWNER)
    assert invoice.due_on == due


def test_a_date_option_stops_before_the_amount(say, store) -> None:
    say("/client add Acme", locale="nl")
    assert not say("/invoice add Acme due=15 okt 1200", locale="nl")[0].is_error
    [invoice] = store.invoices.list(OWNER)
    assert (invoice.due_on, invoice.amount_minor) == (date(2026, 10, 15), 120000)
