"""Each language's glossary (`bot/locales/<lang>/glossary.toml`) holds for every catalog.

One term per concept, and the forms a native editor struck out must not come
back: a catalog text that uses a forbidden form fails here, with the key and
the words around it. The register rules are checked the same way: what the
bot says to the freelancer (Dutch "je", Vietnamese "bạn", Turkish "siz") and
what the freelancer sends to a client (Dutch "u", Vietnamese "Quý công ty" or
"chị", Turkish "Sayın …") each have words they must never use.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, LOCALES_DIR

#: Concepts every glossary must define (the issue's list).
CONCEPTS = {
    "client", "invoice", "incident", "reminder", "overdue", "snooze", "pause", "write-off",
    "late fee", "paper trail", "trouble score", "verdict", "part ways", "command",
}
#: Texts the user sends to a client (the letters), as opposed to the bot talking to the user.
LETTER = re.compile(r"^(dialogue\.script\.(?!title\.)|nudge\.client\.|letter\.(greeting|you)\.)")
#: Not prose: typed grammar and samples (commands, options, placeholders, quoted names, <slots>, [optional parts]).
_NOT_PROSE = [
    re.compile(r"\{[^{}]*\}"),
    re.compile(r"“[^”]*”|\"[^\"]*\""),
    re.compile(r"(?<![\w/.])/[a-z][a-z-]*(?: [a-z|]+)?"),
    re.compile(r"(?<![\w-])[a-z_]+=\S*"),
    re.compile(r"\[[^\]]*\]"),
    re.compile(r"https?://\S+|\S+@\S+"),
    re.compile(r"\b(?:Invoice Ninja|Xero|Moneybird|e-Boekhouden\.nl)\b"),  # product names, never translated
]


def prose(text: str) -> str:
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    return text


@lru_cache(maxsize=None)
def glossary(lang: str) -> dict:
    with (LOCALES_DIR / lang / "glossary.toml").open("rb") as fh:
        return tomllib.load(fh)


def texts(lang: str) -> list[tuple[str, str, str]]:
    """(domain, key, text) for every form of every entry that is prose, not typed grammar."""
    out = []
    for path in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh)
        for m in catalog:
            if not m.id:
                continue
            key = m.id[0] if isinstance(m.id, (tuple, list)) else m.id
            if key.startswith("usage.") or key.endswith(".word") or key == "invoice.word_overdue" or key == "dialogue.usage":
                continue  # what the user types: the parser's words, not the editor's
            forms = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
            out.extend((path.stem, key, form) for form in forms if form)
    return out


def word(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glossary_defines_every_concept(lang: str) -> None:
    data = glossary(lang)
    assert data["language"] == lang
    concepts = {t["concept"] for t in data["term"]}
    assert CONCEPTS <= concepts, CONCEPTS - concepts
    for term in data["term"]:
        assert term.get("use"), term
    assert data["register"]["user"] and data["register"]["letters"]
    # the readable glossary names every term the data file does
    readable = (LOCALES_DIR / lang / "GLOSSARY.md").read_text(encoding="utf-8")
    for term in data["term"]:
        assert term["concept"] in readable and term["use"].split(" ")[0].strip("“”") in readable, term


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_uses_a_forbidden_form(lang: str) -> None:
    rules = []
    for term in glossary(lang)["term"]:
        rules += [(term["concept"], word(p)) for p in term.get("avoid", [])]
        rules += [(term["concept"], re.compile(p, re.IGNORECASE | re.MULTILINE)) for p in term.get("avoid_re", [])]
    found = []
    for domain, key, text in texts(lang):
        body = prose(text)
        for concept, pattern in rules:
            # a pattern that speaks of placeholders is matched against the raw text
            hit = pattern.search(text if "\\{" in pattern.pattern else body)
            if hit:
                found.append(f"{lang}/{domain} {key} [{concept}]: “{hit.group(0)}” in {text[:100]!r}")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_register(lang: str) -> None:
    register = glossary(lang)["register"]
    user = [re.compile(p, re.IGNORECASE) for p in register.get("user_avoid_re", [])]
    letters = [re.compile(p, re.IGNORECASE) for p in register.get("letters_avoid_re", [])]
    found = []
    for domain, key, text in texts(lang):
        for pattern in letters if LETTER.search(key) else user:
            hit = pattern.search(text if "\\{" in pattern.pattern or "\\}" in pattern.pattern else prose(text))
            if hit:
                found.append(f"{lang}/{domain} {key}: “{hit.group(0)}” in {text[:100]!r}")
    assert found == [], "\n".join(found)


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The rules catch what they are for (a test that cannot fail is a defect)."""
    nl = glossary("nl")
    late_fee = next(t for t in nl["term"] if t["concept"] == "late fee")
    assert any(word(p).search(prose("Vanaf nu reken ik een vergoeding van 2%.")) for p in late_fee["avoid"])
    assert not any(word(p).search(prose("Ik breng 2% vertragingsrente in rekening.")) for p in late_fee["avoid"])
    user = [re.compile(p, re.I) for p in nl["register"]["user_avoid_re"]]
    assert any(p.search("Wilt u de factuur bekijken?") for p in user)
    assert not any(p.search(prose("Wil je de factuur bekijken? Typ /client add \"u\".")) for p in user)  # a quoted sample is not prose
    letters = [re.compile(p, re.I) for p in glossary("vi")["register"]["letters_avoid_re"]]
    assert any(p.search("Kính gửi anh/chị {client},") for p in letters)
    tr = glossary("tr")
    either = next(t for t in tr["term"] if t["concept"] == "either-or question")
    assert re.search(either["avoid_re"][0], "geç mi ödüyor, ya da ancak peşine düşünce mi ödüyor?", re.I)
    assert word("gecikme ücreti").search("bir gecikme ücreti uygulanır")
