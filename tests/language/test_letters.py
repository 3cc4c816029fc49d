"""Every letter the user can send, rendered for a company and for a person in every language.

A letter here is what the client reads: each verdict's script, each reminder
stage's text, and the follow-up DM that brings the user back to decide. Each
must greet the recipient the way its language greets a company or that person,
carry the dates in the full formal form and the amounts in the user's locale,
be signed with the user's name and signature, leave no `{placeholder}`, and
hold no English word when it is not English.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import fmt, letters
from bot.dialogue import scripts
from bot.dialogue.evidence import Evidence
from bot.dialogue.verdict import CASES, Reason, Verdict
from bot.i18n import LANGUAGES, LOCALES_DIR, messages
from bot.nudges import policy
from bot.nudges.texts import client_text
from redflag_testkit import address
from storage.records import Owner

TODAY = date(2026, 11, 25)
SIGNER = "Anna de Vries"
SIGNATURE = "Studio De Vries\n+31 6 12345678"
COMPANY = "Minh Anh Co"
#: A contact person per language, and how that language greets them (company: how it greets a firm).
PERSON = {"en": "Ms Jane Doe", "nl": "mevrouw Anna Jansen", "vi": "Trần Thị Mai", "tr": "Ayşe Yılmaz"}
GREETING = {
    "en": ("Dear Minh Anh team,", "Dear Jane,"),
    "nl": ("Geachte heer/mevrouw,", "Beste Anna,"),
    "vi": ("Kính gửi Quý công ty Minh Anh,", "Kính gửi chị Mai,"),
    "tr": ("Sayın Yetkili,", "Sayın Ayşe Yılmaz,"),
}
#: How each language would say "you" to the recipient in the letter body, where it must agree with the greeting.
WRONG_YOU = {"vi": ("anh/chị", "Quý khách")}

#: The verdicts, one per script case, as the dialogue would reach them.
VERDICTS = [
    Verdict("keep", "keep", (Reason("dialogue.reason.calm"),), advice=("walk_through_plan",)),
    Verdict("repair", "repair", (Reason("dialogue.reason.calm"),), renegotiate=("late_fee", "pause_until_paid", "revision_cap")),
    *(Verdict("fire_notice", case, (Reason("dialogue.reason.calm"),), notice_days=30, referral=True, refund=case == "hate_work")
      for case in ("late_payment", "scope_creep", "style_mismatch", "hate_work", "capacity")),
    Verdict("fire_now", "abuse", (Reason("dialogue.reason.abuse"),), refund=True),
    Verdict("fire_now", "unethical", (Reason("dialogue.reason.unethical"),)),
]
OWED = (("EUR", 120000),)


def english_words() -> set[str]:
    """Every word the English letters use (so a Dutch letter that says "invoice" is caught)."""
    words: set[str] = set()
    for domain in ("nudges", "dialogue", "core"):
        text = (LOCALES_DIR / "en" / "LC_MESSAGES" / f"{domain}.po").read_text(encoding="utf-8")
        for key, body in re.findall(r'^msgid "((?:nudge\.client|dialogue\.script|letter)\.[^"]*)"\n((?:msg.*\n|".*\n)+)', text, re.M):
            body = re.sub(r"\{[^}]*\}", " ", body.replace("msgid_plural", "").replace("msgstr", ""))
            words.update(w.casefold() for w in re.findall(r"[A-Za-z]{3,}", body))
    return words


#: Words spelled the same in English and the language (not a slip into English).
SHARED = {"nl": {"open", "plan", "project", "week", "best", "later", "over", "per"}, "vi": set(), "tr": set()}
ENGLISH = english_words()


def english_in(text: str, lang: str, names: tuple[str, ...]) -> set[str]:
    """English words in `text`, after taking out the names, references and the signature (the user's own words)."""
    for name in (*names, *PERSON.values(), SIGNATURE):
        for word in name.split():
            text = re.sub(r"(?<!\w)" + re.escape(word) + r"(?!\w)", " ", text)
    found = {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", text)}  # whole words: Turkish "planımı" is not "plan"
    return (found & ENGLISH) - SHARED[lang]


def check_letter(lang: str, text: str, person: bool, dates: tuple[date, ...], names: tuple[str, ...]) -> None:
    company_greeting, person_greeting = GREETING[lang]
    assert text.startswith(person_greeting if person else company_greeting), text
    assert not re.search(r"[{}]", text), text
    assert text.rstrip().endswith("Studio De Vries\n+31 6 12345678"), text
    assert SIGNER in text
    for d in dates:
        assert letters.formal_date(lang, d) in text, (letters.formal_date(lang, d), text)
        assert fmt.day(lang, d) not in text or fmt.day(lang, d) == letters.formal_date(lang, d), text
    if lang != "en":
        assert english_in(text, lang, names) == set(), (english_in(text, lang, names), text)
    for wrong in WRONG_YOU.get(lang, ()):
        assert wrong.casefold() not in text.casefold(), text


def head(person: bool, lang: str) -> letters.Letterhead:
    contact, gender = letters.parse_contact(PERSON[lang]) if person else (None, None)
    return letters.Letterhead(letters.Recipient(COMPANY, contact, gender), letters.Sender(SIGNER, SIGNATURE))


def evidence() -> Evidence:
    return Evidence(client_id=1, client_name=COMPANY, client_since=TODAY - timedelta(days=200), client_days=200, owed=OWED)


@pytest.mark.parametrize("person", [False, True], ids=["company", "person"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("verdict", VERDICTS, ids=[f"{v.kind}-{v.case}" for v in VERDICTS])
def test_every_verdict_letter(lang: str, person: bool, verdict: Verdict) -> None:
    text = scripts.compose(messages(lang), verdict, evidence(), TODAY, head(person, lang)).message
    dates = (TODAY + timedelta(days=verdict.notice_days),) if verdict.kind == "fire_notice" else ()
    check_letter(lang, text, person, dates, (COMPANY, SIGNER, "De Vries"))
    assert fmt.money(lang, 120000, "EUR") in text


def test_every_script_case_is_rendered() -> None:
    assert {v.case for v in VERDICTS} == set(CASES)


@pytest.fixture
def filed(core, say):
    """A company client and a person client, each with an overdue invoice, and a signed-in user per language."""
    def make(lang: str) -> tuple[object, dict]:
        say(f'/redflag settings lang={lang} name="{SIGNER}" signature="Studio De Vries\\n+31 6 12345678"')
        say(f'/client add "{COMPANY}" currency=EUR')
        say(f'/client add "Person client" currency=EUR contact="{PERSON[lang]}"')
        say(f'/invoice add "{COMPANY}" 1200 EUR issued=2026-08-01 due=2026-09-01 ref=INV-1')
        say('/invoice add "Person client" 1200 EUR issued=2026-08-01 due=2026-09-01 ref=INV-2')
        ctx = core.context(address())
        owner = Owner("W1", "U1")
        clients = {c.name: c for c in ctx.store.clients.list(owner)}
        return ctx, clients
    return make


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stage", policy.STAGES)
def test_every_reminder_letter(filed, lang: str, stage: str) -> None:
    ctx, clients = filed(lang)
    for name, person in ((COMPANY, False), ("Person client", True)):
        client = clients[name]
        invoice = [i for i in ctx.store.invoices.list(ctx.owner, client.id)][0]
        text = client_text(ctx, client, invoice, stage, TODAY)
        dates = (invoice.due_on,) + ((TODAY + timedelta(days=7),) if stage == "final" else ())
        check_letter(lang, text, person, dates, (COMPANY, SIGNER, "De Vries", "INV-1", "INV-2", "EUR"))
        assert fmt.money(lang, 120000, "EUR") in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stage", ["final", "escalate"])
def test_a_letter_mentions_earlier_reminders_only_when_they_went_out(filed, lang: str, stage: str) -> None:
    ctx, clients = filed(lang)
    client = clients[COMPANY]
    invoice = ctx.store.invoices.list(ctx.owner, client.id)[0]
    overdue = policy.days_overdue(invoice.due_on, TODAY)
    t = ctx.t
    values = dict(ref="INV-1")
    never_sent = client_text(ctx, client, invoice, stage, TODAY)
    reminded_first_line = t.n(f"nudge.client.{stage}_reminded", overdue, **values).split("\n")[0].split("INV-1")[0]
    sent_at = datetime(2026, 9, 8, 9, tzinfo=timezone.utc)
    message_id = ctx.store.nudges.open_message(ctx.owner, client.id, date(2026, 9, 8), "console", sent_at)
    assert ctx.store.nudges.claim(ctx.owner, client.id, invoice.id, invoice.due_on, "friendly", 7, message_id, sent_at)
    after = client_text(ctx, client, invoice, stage, TODAY)
    plain = t.n(f"nudge.client.{stage}", overdue, **values).split("\n")[0]
    reminded = t.n(f"nudge.client.{stage}_reminded", overdue, **values).split("\n")[0]
    assert plain != reminded
    assert never_sent.split("\n\n")[1] != after.split("\n\n")[1]
    assert reminded_first_line in after


@pytest.mark.parametrize("lang", LANGUAGES)
def test_follow_up_reads_in_the_users_language(core, say, lang: str) -> None:
    from bot.dialogue.flow import followup_replies

    say(f"/redflag settings lang={lang}")
    say(f'/client add "{COMPANY}"')
    ctx = core.context(address())
    client = ctx.store.clients.list(ctx.owner)[0]

    class Followup:  # the stored follow-up's fields the DM reads
        client_id = client.id
        dialogue_id = 0
        kind = "decide"
        payload = {"verdict": "fire_notice"}

    text = "\n".join(r.plain() for r in followup_replies(ctx, Followup()))
    assert COMPANY in text and not re.search(r"[{}]", text), text
    if lang != "en":
        assert english_in(text, lang, (COMPANY,)) == set(), text


def test_contact_titles_and_given_names() -> None:
    assert letters.parse_contact("chị Trần Thị Mai") == ("Trần Thị Mai", "f")
    assert letters.parse_contact("Trần Văn Nam") == ("Trần Văn Nam", "m")
    assert letters.parse_contact("de heer Jan Jansen") == ("Jan Jansen", "m")
    assert letters.parse_contact("Ayşe Yılmaz") == ("Ayşe Yılmaz", None)
    assert letters.given_name("Trần Thị Mai") == "Mai" and letters.given_name("Anna de Vries") == "Anna"
    assert letters.company_short("Minh Anh Co") == "Minh Anh"
    assert letters.company_short("Công ty TNHH Minh Anh") == "Minh Anh"
    assert letters.company_short("Acme") == "Acme"


def test_formal_dates() -> None:
    d = date(2027, 1, 30)
    assert letters.formal_date("en", d) == "January 30, 2027"
    assert letters.formal_date("nl", d) == "30 januari 2027"
    assert letters.formal_date("vi", d) == "ngày 30 tháng 1 năm 2027"
    assert letters.formal_date("tr", d) == "30 Ocak 2027"




def test_a_title_with_a_surname_keeps_the_title() -> None:
    """ "mevrouw Jansen" is greeted "Geachte mevrouw Jansen,", never "Beste Jansen,". """
    expected = {"en": "Dear Ms. Jansen,", "nl": "Geachte mevrouw Jansen,", "vi": "Kính gửi chị Jansen,", "tr": "Sayın Jansen,"}
    person, gender = letters.parse_contact("mevrouw Jansen")
    for lang, greeting in expected.items():
        assert letters.greeting(messages(lang), letters.Recipient(COMPANY, person, gender)) == greeting
    person, gender = letters.parse_contact("Mr Smith")
    assert letters.greeting(messages("nl"), letters.Recipient(COMPANY, person, gender)) == "Geachte heer Smith,"
