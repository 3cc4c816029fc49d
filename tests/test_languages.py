"""Redflag in Dutch, Vietnamese and Turkish: locale choice, formatting, parsing, kinds, the console.

Everything goes through the real core on a real SQLite file; the console
test runs the installed `redflag` program as a user would.
"""
from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot import fmt
from bot.errors import UserError
from bot.i18n import LANGUAGES, console_language, language_from_locale, messages
from bot.kinds import KINDS
from bot.parser import parse_amount, parse_kind
from storage.records import Owner
from redflag_testkit import text_of

#: The `redflag` program installed beside the interpreter running the tests (whatever its environment is called).
REDFLAG = shutil.which("redflag", path=str(Path(sys.executable).parent)) or str(Path(sys.executable).with_name("redflag"))
NBSP = "\u00a0"


# -- which language --------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("nl-BE", "nl"),  # Slack / Discord style
        ("nl", "nl"),
        ("nl_NL.UTF-8", "nl"),  # POSIX style
        ("vi_VN.UTF-8", "vi"),
        ("vi", "vi"),
        ("tr", "tr"),
        ("tr-TR", "tr"),
        ("en-GB", "en"),
        ("EN_us", "en"),
        ("de_DE.UTF-8@euro", None),
        ("pt-BR", None),  # nothing close is shipped: the caller falls back to English
        ("C.UTF-8", None),
        ("", None),
        (None, None),
    ],
)
def test_locale_maps_to_nearest_shipped_language(locale: str | None, language: str | None) -> None:
    assert language_from_locale(locale) == language


def test_unshipped_locale_falls_back_to_english() -> None:
    assert messages(language_from_locale("pt-BR")).language == "en"


def test_console_language_follows_posix_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert console_language() is None
    monkeypatch.setenv("LANG", "tr_TR.UTF-8")
    assert console_language() == "tr"
    monkeypatch.setenv("LC_MESSAGES", "vi_VN.UTF-8")
    assert console_language() == "vi"
    monkeypatch.setenv("LC_ALL", "nl_BE.UTF-8")
    assert console_language() == "nl"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("nl-BE", "staat nu bij je klanten"),
        ("vi", "vào danh sách khách hàng"),
        ("tr", "müşterilerinize eklendi"),
        ("pt-BR", "to your clients"),
        (None, "to your clients"),
    ],
)
def test_platform_locale_picks_the_reply_language(say, locale: str | None, expected: str) -> None:
    assert expected in text_of(say("/client add Acme", locale=locale))


def test_settings_lang_overrides_platform_locale(say, store) -> None:
    say("/client add Acme", locale="nl-NL")
    replies = say("/redflag settings lang=vi", locale="nl-NL")
    shown = text_of(replies)
    assert "Cài đặt của bạn" in shown and "Đã lưu." in shown and "Tiếng Việt" in shown
    # Stored, and every later reply is Vietnamese although the platform still says Dutch.
    assert "Bạn chưa có khách hàng nào" not in text_of(say("/client list", locale="nl-NL"))
    assert "Khách hàng của bạn (1)" in text_of(say("/client list", locale="nl-NL"))
    assert "Đã thêm *Beta*" in "\n".join(r.text for r in say("/client add Beta", locale="nl-NL"))
    # Switching again works, and a wrong language is refused in the user's current language.
    assert "Your settings" in text_of(say("/redflag settings lang=en", locale="nl-NL"))
    assert "is not a language I speak" in text_of(say("/redflag settings lang=xx", locale="nl-NL"))


def test_settings_lang_accepts_a_locale_form(say) -> None:
    assert "Ayarlarınız" in text_of(say("/redflag settings lang=tr-TR", locale="en-US"))
    assert "müşterilerinize eklendi" in text_of(say("/client add Acme", locale="en-US"))


# -- money and dates ---------------------------------------------------------------
def test_money_is_formatted_for_each_language() -> None:
    # Babel puts a no-break space between amount and symbol where the language has one.
    assert fmt.money("nl", 120050, "EUR") == f"€{NBSP}1.200,50"
    assert fmt.money("vi", 1200000, "VND") == f"1.200.000{NBSP}₫"
    assert fmt.money("tr", 120050, "TRY") == "₺1.200,50"
    assert fmt.money("en", 120050, "EUR") == "€1,200.50"
    assert fmt.money("en", 120050, "USD") == "$1,200.50"


def test_dates_are_written_for_each_language() -> None:
    d = date(2026, 12, 1)
    assert fmt.day("en", d) == "Dec 1, 2026"
    assert fmt.day("nl", d) == "1 dec 2026"
    assert "12" in fmt.day("vi", d) and "2026" in fmt.day("vi", d)
    assert fmt.day("tr", d) == "1 Ara 2026"


def test_invoice_reply_uses_the_users_number_format(say) -> None:
    say("/client add Acme currency=EUR", locale="nl")
    say("/invoice add Acme 1.200,50 ref=F-1 due=30d", locale="nl")
    shown = text_of(say("/invoice list", locale="nl"))
    assert f"€{NBSP}1.200,50" in shown and "1 factuur" in shown and "vervalt over 30 dagen" in shown


def test_vietnamese_dong_amounts(say) -> None:
    say("/client add Acme currency=VND", locale="vi")
    say("/invoice add Acme 12.000.000 ref=HD-1 issued=-20d due=-3d", locale="vi")
    shown = text_of(say("/invoice list", locale="vi"))
    assert f"12.000.000{NBSP}₫" in shown and "quá hạn 3 ngày" in shown and "1 hóa đơn" in shown


def test_turkish_plural_keeps_the_singular_noun(say) -> None:
    say("/client add Acme currency=TRY", locale="tr")
    say("/invoice add Acme ₺1.200,50 ref=F-1 due=30d", locale="tr")
    say("/invoice add Acme 300 ref=F-2 due=1d", locale="tr")
    shown = text_of(say("/invoice list", locale="tr"))
    assert "2 fatura" in shown and "₺1.200,50" in shown
    assert "vadesine 30 gün var" in shown and "vadesine 1 gün var" in shown


@pytest.mark.parametrize(
    ("lang", "key", "one", "two"),
    [
        ("nl", "invoice.list_title", "1 factuur", "2 facturen"),
        ("nl", "value.days", "1 dag", "2 dagen"),
        ("vi", "invoice.list_title", "1 hóa đơn", "2 hóa đơn"),
        ("tr", "invoice.list_title", "1 fatura", "2 fatura"),
        ("tr", "value.days", "1 gün", "5 gün"),
    ],
)
def test_plural_forms(lang: str, key: str, one: str, two: str) -> None:
    t = messages(lang)
    assert t.n(key, 1) == one
    assert t.n(key, int(two.split()[0])) == two


# -- reading numbers the user's way ----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "minor", "currency"),
    [
        ("1.200,50", "nl", 120050, None),
        ("1200,50", "nl", 120050, None),
        ("1.200", "nl", 120000, None),  # a Dutch thousands dot
        ("€1.200,50", "nl", 120050, "EUR"),
        ("1,5", "nl", 150, None),  # a lone Dutch decimal comma
        ("12,5", "tr", 1250, None),
        ("1,200.50", "en", 120050, None),
        ("₺1.200,50", "tr", 120050, "TRY"),
        ("1.200,50", "tr", 120050, None),
    ],
)
def test_amounts_read_the_decimal_comma(text: str, lang: str, minor: int, currency: str | None) -> None:
    assert parse_amount(text, lang) == (minor, currency)


def test_vietnamese_dong_has_no_decimals() -> None:
    assert parse_amount("1.200.000", "vi", "VND") == (1200000, None)
    assert parse_amount("1.200.000₫", "vi") == (1200000, "VND")
    with pytest.raises(UserError) as err:
        parse_amount("1200,50", "vi", "VND")
    assert err.value.key == "error.amount_precision"


def test_bad_amount_is_explained_in_dutch(say) -> None:
    say("/client add Acme", locale="nl")
    shown = text_of(say("/invoice add Acme 12,,5", locale="nl"))
    assert "“12,,5” kan ik niet lezen als bedrag" in shown
    assert "Zo schrijf je het: 1200, 1.200,50, € 1.200,50, 1200 EUR of 1,5k" in shown  # issue 12: Dutch-format examples


# -- incident kinds in every language ---------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translated_kind_alias_is_accepted(lang: str) -> None:
    t = messages(lang)
    for slug in KINDS:
        assert parse_kind(t(f"kind.{slug}.word")) == slug
        assert parse_kind(slug) == slug  # the slug works in every language


def test_incident_with_dutch_alias_through_the_core(say, store) -> None:
    say("/client add Acme", locale="nl")
    shown = text_of(say("/incident Acme te-laat-betaald Factuur van september pas na drie herinneringen betaald", locale="nl"))
    assert "Vastgelegd: Te late betaling bij" in shown
    owner = Owner("W1", "U1")
    client = store.clients.by_name(owner, "Acme")
    stored = store.incidents.for_client(owner, client.id)
    assert [(i.kind, i.note) for i in stored] == [("late-payment", "Factuur van september pas na drie herinneringen betaald")]
    listing = text_of(say("/incident list Acme", locale="nl"))
    assert "1 incident — Acme" in listing and "Te late betaling" in listing


@pytest.mark.parametrize(
    ("lang", "alias", "slug", "label"),
    [
        ("vi", "tre-han-thanh-toan", "late-payment", "Thanh toán trễ"),
        ("tr", "gec-odeme", "late-payment", "Geç ödeme"),
        ("tr", "kapsam-kaymasi", "scope-creep", "Kapsam kayması"),
        ("nl", "meerwerk", "scope-creep", "Meerwerk buiten de opdracht"),
    ],
)
def test_incident_alias_logged_as_the_slug(say, lang: str, alias: str, slug: str, label: str) -> None:
    say("/client add Acme", locale=lang)
    assert label in text_of(say(f"/incident Acme {alias} nota", locale=lang))
    # Another language's alias is understood too, and shown in the user's language.
    assert label in text_of(say(f"/incident Acme {slug} nota 2", locale=lang))
    assert messages(lang).n("incident.list_title", 2, name="Acme") in text_of(say("/incident list Acme", locale=lang))


def test_unknown_kind_suggests_in_dutch(say) -> None:
    say("/client add Acme", locale="nl")
    shown = text_of(say("/incident Acme te-laat-betaal", locale="nl"))
    assert "“te-laat-betaal” is geen soort incident. Bedoel je “te-laat-betaald”?" in shown


# -- the console speaks the terminal's language ---------------------------------------------
def _console_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "REDFLAG_"))}
    env.update(REDFLAG_DB=str(tmp_path / "redflag.db"), REDFLAG_EXPORT_DIR=str(tmp_path / "exports"), TZ="Europe/Amsterdam", NO_COLOR="1")
    env.update(extra)
    return env


def test_console_speaks_dutch_from_lang(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(REDFLAG)],
        input="/redflag help\n/client add Acme\n/client list\n",
        capture_output=True,
        text=True,
        env=_console_env(tmp_path, LANG="nl_NL.UTF-8"),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "• /client add <naam> [terms=<dagen>]" in out  # help, with the grammar untouched
    assert "Soorten incidenten: te-laat-betaald, afdingen, meerwerk" in out
    assert "Acme staat nu bij je klanten." in out
    assert "Betalingstermijn" in out and "30 dagen" in out
    assert "Je klant (1)" in out
    assert "Add one" not in out and "Your client" not in out and "Added" not in out


def test_console_welcome_is_dutch_on_a_terminal(tmp_path: Path) -> None:
    """On a real terminal the very first line the user sees is already Dutch."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [str(REDFLAG)], stdin=slave, stdout=slave, stderr=slave, env=_console_env(tmp_path, LANG="nl_NL.UTF-8", TERM="dumb"), cwd=tmp_path, close_fds=True
    )
    os.close(slave)
    os.write(master, b"/client list\nquit\n")
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                break
            try:
                data = os.read(master, 4096)
            except OSError:  # the terminal closes when the program ends
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        code = proc.wait(timeout=30)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert code == 0, out
    lines = [line for line in out.replace("\r", "").splitlines() if line.strip() and not line.startswith(("/client", "quit"))]
    assert lines[0].strip() == "Redflag — typ /redflag help voor de commando's, quit om te stoppen.", out
    assert "Je hebt nog geen klanten." in out
    assert "Tot ziens." in out


def test_console_settings_override_lang(tmp_path: Path) -> None:
    env = _console_env(tmp_path, LANG="nl_NL.UTF-8")
    first = subprocess.run([str(REDFLAG)], input="/redflag settings lang=tr\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert "Ayarlarınız" in first.stdout, first.stderr
    later = subprocess.run([str(REDFLAG)], input="/client list\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert "Henüz hiç müşteriniz yok." in later.stdout, later.stderr


# -- the examples we show are valid commands ---------------------------------------------
USAGE_WALK = (
    "usage.client_add",
    "usage.client_list",
    "usage.client_show",
    "usage.incident",
    "usage.incident_list",
    "usage.invoice_add",
    "usage.invoice_paid",
    "usage.invoice_list",
    "usage.invoice_snooze",
    "usage.invoice_due",
    "usage.client_pause",
    "usage.client_resume",
    "usage.invoice_writeoff",
    "usage.help",
    "usage.settings",
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_usage_example_works_as_written(say, clock, lang: str) -> None:
    """Translated examples keep the grammar: typed as shown, each one succeeds, in order."""
    from datetime import datetime, timezone

    clock.set(datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc))
    t = messages(lang)
    how_to = t("error.how_to_write", usage="").strip()
    for key in USAGE_WALK:
        example = t(key)
        shown = text_of(say(example, user=f"U-{lang}", locale=lang))
        assert how_to not in shown, f"{lang} {key}: {example!r} was refused:\n{shown}"
