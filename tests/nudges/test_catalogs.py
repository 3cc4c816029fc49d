"""The nudges catalog is complete in every language, and every DM renders in each."""
from __future__ import annotations

import re

import pytest

from bot.i18n import LANGUAGES, LOCALES_DIR, placeholders
from tests.nudges.conftest import utc


def nudge_ids(language: str) -> dict:
    from babel.messages.pofile import read_po

    with (LOCALES_DIR / language / "LC_MESSAGES" / "nudges.po").open("rb") as fh:
        catalog = read_po(fh)
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_is_complete_with_the_same_placeholders(language: str) -> None:
    english = nudge_ids("en")
    other = nudge_ids(language)
    assert set(other) == set(english)
    for key, message in english.items():
        assert key.startswith("nudge."), key
        theirs = other[key]
        assert not theirs.fuzzy, key
        forms = theirs.string if isinstance(theirs.string, tuple) else (theirs.string,)
        assert all(forms), key
        assert isinstance(theirs.string, tuple) == isinstance(message.string, tuple), key
        wanted = set().union(*(placeholders(f) for f in (message.string if isinstance(message.string, tuple) else (message.string,))))
        # "#. optional placeholders: {you} {You}": how a letter says "you" to this recipient, which
        # only some languages spell out (Vietnamese "Quý công ty" / "chị"); see bot/letters.py.
        optional = {n for c in message.auto_comments if c.startswith("optional placeholders:") for n in re.findall(r"\{(\w+)\}", c)}
        if isinstance(theirs.string, tuple):
            # a plural form may leave a number out ("paid their only invoice late"), never add one
            assert all(placeholders(f) - optional <= wanted for f in forms), (key, forms)
            assert set().union(*(placeholders(f) for f in forms)) - optional == wanted - optional, (key, forms)
        else:
            assert placeholders(forms[0]) - optional == wanted - optional, (key, forms)


def test_plural_forms_follow_the_header() -> None:
    assert len(nudge_ids("vi")["nudge.item.due"].string) == 1
    for language in ("en", "nl", "tr"):
        assert len(nudge_ids(language)["nudge.item.due"].string) == 2


def test_client_letters_use_the_polite_form() -> None:
    nl = nudge_ids("nl")
    for stage in ("friendly", "firm", "final", "escalate"):
        text = " ".join(nl[f"nudge.client.{stage}"].string)
        assert re.search(r"\bu\b|\buw\b", text) and not re.search(r"\bje\b|\bjij\b|\bjouw\b", text), stage
    vi = nudge_ids("vi")
    # "you" follows the recipient (Quý công ty / chị / anh), filled in by bot/letters.py: never a slash left to fix
    assert all("anh/chị" not in vi[f"nudge.client.{s}"].string[0] and "{you}" in vi[f"nudge.client.{s}"].string[0]
               for s in ("friendly", "firm", "final", "escalate"))
    tr = nudge_ids("tr")
    assert all(re.search(r"(misiniz|menizi|nızı|siz)", " ".join(tr[f"nudge.client.{s}"].string))
               for s in ("friendly", "firm", "final", "escalate"))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_stage_renders_in_every_language(language, books, sweep, notifier, click) -> None:
    books.user("UTC", 9, lang=language)
    books.client("Acme")
    books.invoice("INV-1", "2026-09-01")
    books.invoice("INV-2", "2026-10-01", amount="250")
    for at in (utc(2026, 11, 25, 9), utc(2026, 12, 1, 9), utc(2027, 1, 1, 9)):
        await sweep(at)
    texts = notifier.texts
    assert len(texts) >= 2
    word = {"en": "overdue", "nl": "te laat", "vi": "quá hạn", "tr": "gecikme"}[language]
    assert all(word in text for text in texts), texts
    for text in texts:
        assert "{" not in text and "}" not in text, text
    for _, replies in notifier.sent:
        for choice in replies[0].choices:
            reply = click(choice.id)[0] if choice.id.startswith("nudge:text") else None
            if reply is not None:
                assert "{" not in reply.plain()
