"""The scripts: filled in for every verdict and every language, with no holes left."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot import fmt, letters
from bot.dialogue import scripts
from bot.dialogue.verdict import decide
from bot.i18n import LANGUAGES, messages
from dlg_helpers import text_of, walk
from test_dialogue_verdict import CASES, evidence

TODAY = date(2026, 11, 25)
OWED = (("EUR", 120000), ("USD", 30050))
HOLE = re.compile(r"[{}]|\[[^\]]*\]|<[^>]*>|\bTODO\b|XXX")
NAME = "Müller & Söhne"


def all_cases():
    for lang in LANGUAGES:
        for case in CASES:
            yield pytest.param(lang, case, id=f"{lang}-{case[0]}")


@pytest.mark.parametrize("lang,case", list(all_cases()))
def test_script_is_filled_in(lang, case) -> None:
    _, ev_kw, answers, kind, *_ = case
    ev = evidence(client_name=NAME, owed=OWED, **ev_kw)
    verdict = decide(ev, answers)
    t = messages(lang)
    head = letters.Letterhead(letters.Recipient(NAME), letters.Sender("Anna de Vries"))
    script = scripts.compose(t, verdict, ev, TODAY, head)
    text = script.message
    you = letters.values(t, head.recipient)

    assert text.startswith(letters.greeting(t, head.recipient)) and text.endswith("Anna de Vries")
    assert not HOLE.search(text), text
    for line in script.checklist:
        assert not HOLE.search(line.replace('"' + NAME + '"', "")), line
    # money still owed, per currency, formatted for the language
    assert fmt.money(lang, 120000, "EUR") in text and fmt.money(lang, 30050, "USD") in text
    # notice: the period and the end date, only when there is notice
    if kind == "fire_notice":
        assert str(verdict.notice_days) in text
        assert letters.formal_date(lang, TODAY + timedelta(days=verdict.notice_days)) in text
    else:
        assert letters.formal_date(lang, TODAY + timedelta(days=30)) not in text
    # refund and referral lines exactly when the verdict says so
    assert (t("dialogue.script.refund", **you) in text) is verdict.refund
    referral = t("dialogue.script.referral_agency" if verdict.case == "capacity" else "dialogue.script.referral", **you)
    assert (referral in text) is verdict.referral
    # the one reason, from the script of this case
    assert t(f"dialogue.script.{verdict.case}", name=NAME, **you) in text
    if kind in ("fire_notice", "fire_now"):
        assert any("/client export" in line for line in script.checklist)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scripts_of_every_case_differ(lang) -> None:
    t = messages(lang)
    bodies = {t(f"dialogue.script.{case}", name=NAME) for case in scripts_cases()}
    assert len(bodies) == len(scripts_cases())


def scripts_cases() -> tuple[str, ...]:
    from bot.dialogue.verdict import CASES as SCRIPT_CASES

    return SCRIPT_CASES


def test_no_money_owed_means_no_owed_line() -> None:
    ev = evidence(owed=())
    verdict = decide(ev, {"evidence": "go", "abuse": "often", "abuse.confirm": "yes", "ground.unfinished": "no"})
    text = scripts.compose(messages("en"), verdict, ev, TODAY).message
    assert "outstanding" not in text and "refund" not in text
    assert text.startswith("Dear Acme team,") and text.endswith("Regards,")


@pytest.mark.parametrize("locale,title,chosen", [
    ("en-US", "Verdict: part ways with Acme, with notice", "Once"),
    ("nl-NL", "Oordeel: afscheid nemen van Acme, met opzegtermijn", "Eén keer"),
    ("vi-VN", "Kết luận: ngừng hợp tác với Acme, có báo trước", "Một lần"),
    ("tr-TR", "Karar: Acme ile bildirim süresi tanıyarak yolları ayırmak", "Bir kez"),
])
def test_whole_dialogue_in_each_language(say, click, store, locale, title, chosen) -> None:
    say("/client add Acme currency=EUR", locale=locale)
    say("/invoice add Acme 800 EUR issued=2026-09-01 due=2026-10-01 ref=X1", locale=locale)
    seen: list[str] = []
    replies = say("/fire Acme", locale=locale)
    seen.append(text_of(replies))
    replies, visited = walk(store, click, replies, {"abuse": "once"}, until="unethical")
    back = click([c for c in replies[0].choices if c.id.endswith(":back")][0].id)
    assert f"{chosen} ✓" in [c.label for c in back[0].choices]
    replies, visited = walk(store, click, back, {"abuse": "once", "style-mismatch": "often", "ground.unfinished": "yes"})
    seen.append(text_of(replies))
    out = "\n".join(seen)
    assert title in out
    assert fmt.money(locale[:2], 80000, "EUR") in out
    assert not re.search(r"[{}]", out), out
    assert "dialogue." not in out  # no raw message id leaked
