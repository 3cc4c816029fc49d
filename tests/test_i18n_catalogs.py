"""Every catalog of every domain is complete, consistent and translated (named apart from tests/nudges/test_catalogs.py: pytest needs unique basenames here).

The English catalog of a domain is the reference: each other language must
have exactly its message ids, the same `{placeholders}`, the same command
grammar (`/client add`, `terms=`), non-empty and non-fuzzy text, the right
number of plural forms for the language, and text that is actually
translated (not the English copied over). Code may only use message ids
that exist in English. Domains are discovered from the files, so a new
domain is checked the moment its English catalog lands.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from bot.i18n import LANGUAGES, LOCALES_DIR, load_catalog
from bot.kinds import KINDS
from catalog_checker import OTHERS, REFERENCE, ROOT, Message, domains, english_problems, grammar, po_path, problems, read_catalog

# -- the catalogs we ship --------------------------------------------------------
DOMAINS = domains()


def shipped(lang: str) -> Iterator[tuple[str, str, Message]]:
    """`(domain, id, message)` of every catalog `lang` ships (a missing file is `problems`' to report)."""
    for domain in DOMAINS:
        path = po_path(LOCALES_DIR, lang, domain)
        if path.exists():
            for key, msg in read_catalog(path).messages.items():
                yield domain, key, msg


def english_ids() -> set[str]:
    return {key for _, key, _ in shipped(REFERENCE)}


def test_domains_are_found() -> None:
    assert "core" in DOMAINS


@pytest.mark.parametrize("domain", DOMAINS)
def test_english_catalog_is_sound(domain: str) -> None:
    assert english_problems(LOCALES_DIR, domain) == []


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize("domain", DOMAINS)
def test_catalog_complete_and_consistent(domain: str, lang: str) -> None:
    found = problems(LOCALES_DIR, domain, lang)
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_domains_do_not_share_ids(lang: str) -> None:
    """The runtime merges all domains of a language; the same id twice would be ambiguous."""
    seen: dict[str, str] = {}
    clashes = []
    for domain, key, _ in shipped(lang):
        if key in seen:
            clashes.append(f"{key} in {seen[key]} and {domain}")
        seen[key] = domain
    assert clashes == []
    load_catalog.cache_clear()
    assert load_catalog(lang).entries  # the runtime loader reads it too


# -- incident kinds ---------------------------------------------------------------
def test_every_kind_has_label_and_alias_in_every_language() -> None:
    english = english_ids()
    for slug in KINDS:
        assert f"kind.{slug}" in english and f"kind.{slug}.word" in english, slug


def test_kind_aliases_are_unique_typable_and_parse() -> None:
    """Each language's typed alias is one lowercase word, used by exactly one (language, kind)."""
    from bot.i18n import messages
    from bot.parser import parse_kind

    users: dict[str, list[tuple[str, str]]] = {}
    for lang in LANGUAGES:
        t = messages(lang)
        for slug in KINDS:
            word = t(f"kind.{slug}.word")
            assert re.fullmatch(r"[^\W_]+(?:-[^\W_]+)*", word) and word == word.lower(), f"{lang} alias {word!r} must be one lowercase word"
            assert word.casefold() not in KINDS or word.casefold() == slug, f"{lang} alias {word!r} of {slug} is another kind's slug"
            users.setdefault(word.casefold(), []).append((lang, slug))
            assert parse_kind(word) == slug
            assert parse_kind(word.upper()) == slug  # typed in capitals still works
            if lang != REFERENCE:
                assert t(f"kind.{slug}") != messages(REFERENCE)(f"kind.{slug}"), f"{lang} label of {slug} is untranslated"
    shared = {word: who for word, who in users.items() if len(who) > 1}
    assert shared == {}, f"aliases used more than once: {shared}"


# -- ids used by the code exist in English ---------------------------------------------
_LITERAL_CALLS = re.compile(
    r"""(?:\bt|\.n|\bUserError)\(\s*(f?)(["'])((?:\\.|(?!\2).)*)\2|\busage=(f?)(["'])((?:\\.|(?!\5).)*)\5""",
)
CODE_DIRS = ("bot", "adapters", "storage", "redflag")


def code_ids(root: Path = ROOT) -> list[tuple[str, str, bool]]:
    """(where, id or f-string, is-f-string) for every catalog look-up written as a literal."""
    out = []
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for m in _LITERAL_CALLS.finditer(text):
                is_f, literal = (m.group(1), m.group(3)) if m.group(2) else (m.group(4), m.group(6))
                line = text.count("\n", 0, m.start()) + 1
                out.append((f"{path.relative_to(root)}:{line}", literal, bool(is_f)))
    return out


def test_code_scan_finds_lookups(tmp_path: Path) -> None:
    found = {literal for _, literal, _ in code_ids()}
    assert {"client.added", "error.unknown_client", "usage.amount", "value.days"} <= found
    # The code writes its ids out now (tests/test_message_ids.py); the scan still reads an f-string one.
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "x.py").write_text('t(f"kind.{slug}.word")\n', encoding="utf-8")
    assert ("bot/x.py:1", "kind.{slug}.word", True) in code_ids(tmp_path)


def test_every_id_used_in_code_is_in_english() -> None:
    english = english_ids()
    missing = []
    for where, literal, is_f in code_ids():
        if is_f:
            prefix = literal.split("{", 1)[0]
            if prefix and not any(k.startswith(prefix) for k in english):
                missing.append(f"{where}: no English id starts with {prefix!r} (from f{literal!r})")
        elif literal not in english:
            missing.append(f"{where}: {literal!r}")
    assert missing == [], "\n".join(missing)
    for lang in LANGUAGES:  # ids built from data: every language name and kind
        assert f"language.{lang}" in english


def test_every_id_looking_literal_in_code_is_in_english() -> None:
    """Ids passed around before the look-up (`key = "…"`, `Reason("…")`, `L("…")`) exist too."""
    english = english_ids()
    areas = "|".join(sorted({k.split(".", 1)[0] for k in english}))
    literal = re.compile(rf"""(["'])((?:{areas})\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\1""")
    missing = []
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for m in literal.finditer(text):
                key = m.group(2)
                if key not in english and not re.search(r"\.(md|csv|png|pdf|py|json|txt|db|sqlite)$", key):
                    missing.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {key!r}")
    assert missing == [], "\n".join(missing)


# -- the checker itself catches each kind of mistake --------------------------------------
EN_PO = r'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "demo.hello"
msgstr "Hello {name}, run /client add \"Acme\" terms=30 to start."

msgid "demo.bye"
msgstr "See you tomorrow."

msgid "demo.count"
msgid_plural "demo.count"
msgstr[0] "{n} invoice for {name}"
msgstr[1] "{n} invoices for {name}"
'''


def _write(root: Path, lang: str, body: str) -> None:
    path = po_path(root, lang, "demo")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


def _nl(hello: str = 'Hallo {name}, begin met /client add \\"Acme\\" terms=30.', bye: str = "Tot morgen.",
        count: tuple[str, ...] = ("{n} factuur voor {name}", "{n} facturen voor {name}"), flags: str = "",
        header: str = "nplurals=2; plural=(n != 1);") -> str:
    forms = "\n".join(f'msgstr[{i}] "{f}"' for i, f in enumerate(count))
    return (
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {header}\\n"\n\n'
        f'msgid "demo.hello"\nmsgstr "{hello}"\n\n{flags}msgid "demo.bye"\nmsgstr "{bye}"\n\n'
        f'msgid "demo.count"\nmsgid_plural "demo.count"\n{forms}\n'
    )


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        (dict(), None),
        (dict(bye=""), "demo.bye has an empty translation"),
        (dict(flags="#, fuzzy\n"), "demo.bye is fuzzy"),
        (dict(bye="See you tomorrow."), "demo.bye is untranslated"),
        (dict(hello="Hallo {naam}, begin met /client add \\\"Acme\\\" terms=30."), "demo.hello placeholders"),
        (dict(hello="Hallo {name}, begin met /klant toevoegen \\\"Acme\\\" termijn=30."), "demo.hello command grammar"),
        (dict(count=("{n} factuur voor {name}",)), "demo.count has 1 plural forms, nl needs 2"),
        (dict(count=("{n} factuur", "{n} facturen")), "demo.count placeholders"),
        (dict(hello="Hallo {name, begin"), "not a valid format string"),
        (dict(header="nplurals=1; plural=0;", count=("{n} factuur voor {name}",)), "Plural-Forms is"),
    ],
)
def test_checker_catches(tmp_path: Path, broken: dict, complaint: str | None) -> None:
    _write(tmp_path, "en", EN_PO)
    _write(tmp_path, "nl", _nl(**broken))
    found = problems(tmp_path, "demo", "nl")
    if complaint is None:
        assert found == []
    else:
        assert any(complaint in p for p in found), found


def test_checker_catches_missing_and_extra_ids_and_files(tmp_path: Path) -> None:
    _write(tmp_path, "en", EN_PO + '\nmsgid "demo.new"\nmsgstr "Brand new message"\n')
    _write(tmp_path, "nl", _nl() + '\nmsgid "demo.old"\nmsgstr "Oud bericht"\n')
    found = problems(tmp_path, "demo", "nl")
    assert "nl/demo: missing demo.new" in found
    assert any("demo.old is not in the English catalog" in p for p in found)
    assert "missing" in problems(tmp_path, "demo", "tr")[0]


def test_checker_knows_vietnamese_has_one_form(tmp_path: Path) -> None:
    _write(tmp_path, "en", EN_PO)
    vi = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "demo.hello"\nmsgstr "Chào {name}, hãy bắt đầu bằng /client add \\"Acme\\" terms=30."\n\n'
        'msgid "demo.bye"\nmsgstr "Hẹn gặp lại ngày mai."\n\n'
        'msgid "demo.count"\nmsgid_plural "demo.count"\nmsgstr[0] "{n} hóa đơn của {name}"\n'
    )
    _write(tmp_path, "vi", vi)
    assert problems(tmp_path, "demo", "vi") == []
    _write(tmp_path, "vi", vi.replace('msgstr[0] "{n} hóa đơn của {name}"', 'msgstr[0] "{n} hóa đơn"\nmsgstr[1] "{n} hóa đơn"'))
    assert any("more translations than num_plurals" in p for p in problems(tmp_path, "demo", "vi"))


# -- register: how each language addresses the reader ------------------------------------
#: Texts the user copies and sends to a client: a business letter, not the bot talking.
CLIENT_FACING = re.compile(r"^(dialogue\.script\.(?!title\.)|nudge\.client\.|letter\.(greeting|you)\.)")
#: Words that would be the wrong register. Dutch letters to clients use "u"; Vietnamese
#: letters use "Quý khách" or "anh/chị", never the app's "bạn"; Turkish always uses "siz".
WRONG_REGISTER = {
    "nl": (CLIENT_FACING, re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.I)),
    "vi": (CLIENT_FACING, re.compile(r"(?<!\w)(bạn|mày|cậu)(?!\w)", re.I)),
    "tr": (re.compile(r""), re.compile(r"\b(sen|seni|sana|senin|sende|senden|seninle)\b", re.I)),
}


@pytest.mark.parametrize("lang", sorted(WRONG_REGISTER))
def test_register(lang: str) -> None:
    which, wrong = WRONG_REGISTER[lang]
    found = []
    for domain, key, msg in shipped(lang):
        if which.search(key):
            for form in msg.forms:
                hit = wrong.search(form)
                if hit:
                    found.append(f"{lang}/{domain} {key}: “{hit.group(0)}” in {form[:80]!r}")
    assert found == [], "\n".join(found)


#: How the bot addresses the user in its own messages, the same on every surface: Dutch
#: "je" (as Dutch apps do), Vietnamese "bạn". The polite forms belong to client letters.
USER_REGISTER = {
    "nl": re.compile(r"\b(u|uw)\b", re.I),
    "vi": re.compile(r"(?<!\w)(anh/chị|quý khách)(?!\w)", re.I),
}


@pytest.mark.parametrize("lang", sorted(USER_REGISTER))
def test_bot_speaks_to_the_user_in_one_register(lang: str) -> None:
    found = []
    for domain, key, msg in shipped(lang):
        if CLIENT_FACING.search(key):
            continue
        for form in msg.forms:
            hit = USER_REGISTER[lang].search(form)
            if hit:
                found.append(f"{lang}/{domain} {key}: “{hit.group(0)}” in {form[:90]!r}")
    assert found == [], "\n".join(found)
