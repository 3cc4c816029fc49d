"""Client names and keywords as people type them: case (Turkish I/ı), accents, edge punctuation, order."""
from __future__ import annotations

import pytest

from bot.parsing.fold import case_key, loose_key
from redflag_testkit import text_of
from storage.records import Owner

OWNER = Owner("W1", "U1")


@pytest.mark.parametrize(
    ("a", "b", "lang"),
    [
        ("Kebapçı İskender", "kebapçı iskender", "tr"),
        ("Kebapçı İskender", "KEBAPÇI iSKENDER", "tr"),
        ("ISPARTA", "ısparta", "tr"),
        ("Acme  Corp", "acme corp", "en"),
    ],
)
def test_case_keys_follow_the_language(a: str, b: str, lang: str) -> None:
    assert case_key(a, lang) == case_key(b, lang)


def test_turkish_i_is_not_english_i() -> None:
    assert case_key("ISPARTA", "tr") != case_key("isparta", "tr")
    assert case_key("ISPARTA", "en") == case_key("isparta", "en")


@pytest.mark.parametrize(
    ("stored", "typed", "lang"),
    [
        ("Kebapçı İskender", "kebapçı iskender", "tr"),
        ("Kebapçı İskender", "KEBAPÇI iSKENDER", "tr"),
        ("Kebapçı İskender", "kebapci iskender", "en"),
        ("Nhà hàng Phở Hà Nội", "nha hang pho ha noi", "vi"),
        ("Nhà hàng Phở Hà Nội", "NHÀ HÀNG PHỞ HÀ NỘI", "vi"),
        ("Café de Flore", "cafe de flore", "nl"),
        ("Pixel Bakery", "Pixel Bakery.", "en"),
        ("Pixel Bakery", "  pixel   bakery ", "en"),
        ("Đông Á", "dong a", "vi"),
    ],
)
def test_a_loosely_typed_name_finds_the_one_client(say, store, stored: str, typed: str, lang: str) -> None:
    say(f'/client add "{stored}"', locale=lang)
    say(f'/invoice add "{typed}" 100', locale=lang)
    [invoice] = store.invoices.list(OWNER)
    assert invoice.client_id == store.clients.by_name(OWNER, stored).id


def test_exact_spelling_wins_over_a_loose_match(say, store) -> None:
    say('/client add "Ánh Dương"', locale="vi")
    say('/client add "Anh Duong Media"', locale="vi")
    say('/invoice add "Ánh Dương" 100', locale="vi")
    [invoice] = store.invoices.list(OWNER)
    assert invoice.client_id == store.clients.by_name(OWNER, "Ánh Dương").id


def test_several_loose_matches_are_a_choice_and_nothing_is_stored_until_picked(say, click, store, core) -> None:
    # Two clients that differ only by accents can exist from before this rule; a loose name then asks.
    store.clients.add(OWNER, "Lê", 30, "EUR", None)
    store.clients.add(OWNER, "Lệ", 30, "EUR", None)
    replies = say("/invoice add le 100")
    assert "Several clients match “le”" in text_of(replies)
    assert [c.label for c in replies[0].choices] == ["Lê", "Lệ", "Cancel"]
    assert store.invoices.list(OWNER) == []
    click(replies[0].choices[1].id)
    [invoice] = store.invoices.list(OWNER)
    assert invoice.client_id == store.clients.by_name(OWNER, "Lệ").id


@pytest.mark.parametrize(
    ("existing", "new"),
    [("Pixel Bakery", "Pixel Bakery."), ("Pixel Bakery", "pixel  BAKERY"), ("Café Noir", "Cafe Noir"), ("Kebapçı İskender", "KEBAPCI ISKENDER")],
)
def test_near_duplicates_are_refused(say, store, existing: str, new: str) -> None:
    say(f'/client add "{existing}"')
    shown = text_of(say(f'/client add "{new}"'))
    assert "You already have a client called “" + existing + "”" in shown
    assert [c.name for c in store.clients.list(OWNER)] == [existing]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", '/invoice list overdue "Pixel Bakery"'),
        ("en", '/invoice list "Pixel Bakery" overdue'),
        ("en", "/invoice list Pixel Bakery overdue"),
        ("nl", "/invoice list achterstallig Pixel Bakery"),
        ("vi", "/invoice list Pixel Bakery quá-hạn"),
        ("vi", "/invoice list qua-han Pixel Bakery"),
        ("tr", "/invoice list Pixel Bakery gecikmiş"),
        ("tr", "/invoice list GECİKMİŞ Pixel Bakery"),
        ("tr", "/invoice list gecikmis Pixel Bakery"),
    ],
)
def test_overdue_option_in_any_order_and_spelling(say, store, lang: str, line: str) -> None:
    say('/client add "Pixel Bakery"', locale=lang)
    say("/client add Other", locale=lang)
    say('/invoice add "Pixel Bakery" 100 due=-10d ref=LATE', locale=lang)
    say('/invoice add "Pixel Bakery" 100 due=30d ref=LATER', locale=lang)
    say("/invoice add Other 100 due=-10d ref=ELSE", locale=lang)
    shown = text_of(say(line, locale=lang))
    assert "LATE" in shown and "LATER" not in shown and "ELSE" not in shown


@pytest.mark.parametrize(
    ("lang", "typed", "slug"),
    [
        ("tr", "kapsam-kayması", "scope-creep"),
        ("tr", "kapsam-kaymasi", "scope-creep"),
        ("tr", "KAPSAM-KAYMASI", "scope-creep"),
        ("tr", "geç-ödeme", "late-payment"),
        ("tr", "gec-odeme", "late-payment"),
        ("tr", "işten-bıkkınlık", "hate-work"),
        ("vi", "phát-sinh", "scope-creep"),
        ("vi", "phat-sinh", "scope-creep"),
        ("vi", "trễ-hạn-thanh-toán", "late-payment"),
        ("vi", "lăng-mạ", "abuse"),
        ("nl", "meerwerk", "scope-creep"),
        ("nl", "Te-Laat-Betaald", "late-payment"),
        ("en", "Scope_Creep", "scope-creep"),
    ],
)
def test_kind_words_with_or_without_accents(say, store, lang: str, typed: str, slug: str) -> None:
    say("/client add Acme", locale=lang)
    assert not say(f"/incident Acme {typed} note", locale=lang)[0].is_error
    [incident] = store.incidents.for_client(OWNER, store.clients.by_name(OWNER, "Acme").id)
    assert incident.kind == slug


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("vi", "phát-sinh"), ("tr", "kapsam-kayması"), ("vi", "quá-hạn"), ("tr", "gecikmiş")],
)
def test_keywords_are_shown_with_their_accents(lang: str, shown: str) -> None:
    from bot.i18n import messages
    from bot.parser import kind_words

    t = messages(lang)
    assert shown in kind_words(lang) or shown == t("invoice.word_overdue")


def test_misspelt_kind_suggests_the_proper_spelling(say) -> None:
    say("/client add Acme", locale="vi")
    assert "“phát-sinh”" in text_of(say("/incident Acme phat-sin note", locale="vi"))


def test_loose_key_strips_edge_punctuation_only() -> None:
    assert loose_key("(Acme B.V.)") == "acme b.v"
    assert loose_key("Ben & Jerry's") == "ben & jerry's"
