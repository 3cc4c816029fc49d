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
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from babel.messages.pofile import PoFileError, read_po

from bot.i18n import LANGUAGES, LOCALES_DIR, load_catalog
from bot.kinds import KINDS

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = "en"
OTHERS = tuple(lang for lang in LANGUAGES if lang != REFERENCE)
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "vi": "nplurals=1; plural=0;",
    "tr": "nplurals=2; plural=(n != 1);",
}


@dataclass(frozen=True)
class Message:
    forms: tuple[str, ...]
    plural: bool
    fuzzy: bool
    #: Placeholders a language may use or leave out, declared on the English entry with an
    #: extracted comment `#. optional placeholders: {you} {You}` (Vietnamese says "you" to a
    #: company as "Quý công ty" and to a woman as "chị"; English, Dutch and Turkish need no slot).
    optional: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PoFile:
    path: Path
    headers: dict[str, str]
    messages: dict[str, Message]


def read_catalog(path: Path) -> PoFile:
    with path.open("rb") as fh:
        catalog = read_po(fh, abort_invalid=True)
    messages: dict[str, Message] = {}
    for m in catalog:
        if not m.id:
            continue
        plural = isinstance(m.id, (tuple, list))
        key = m.id[0] if plural else m.id
        forms = tuple(m.string) if isinstance(m.string, (tuple, list)) else (m.string,)
        optional = frozenset(
            name
            for comment in m.auto_comments
            if comment.startswith("optional placeholders:")
            for name in re.findall(r"\{(\w+)\}", comment)
        )
        messages[key] = Message(forms=forms, plural=plural, fuzzy=m.fuzzy, optional=optional)
    # The header as written (Babel rewrites Plural-Forms from its own locale data when it knows the locale).
    raw = path.read_text(encoding="utf-8")
    headers = dict(re.findall(r'^"([A-Za-z-]+):\s*(.*?)\\n"$', raw, flags=re.M))
    return PoFile(path, headers, messages)


def domains(locales: Path = LOCALES_DIR) -> list[str]:
    """Every domain any language ships (a domain without English is itself a problem)."""
    return sorted({p.stem for p in locales.glob("*/LC_MESSAGES/*.po")})


def po_path(locales: Path, lang: str, domain: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{domain}.po"


# -- the rules -----------------------------------------------------------------
def fields(text: str) -> set[str]:
    """Placeholder fields, with any conversion or format spec (so `{n:>3}` differs from `{n}`)."""
    out = set()
    for _, name, spec, conv in string.Formatter().parse(text):
        if name is not None:
            out.add(name + ("!" + conv if conv else "") + (":" + spec if spec else ""))
    return out


_SUB = re.compile(r"(?<![\w/.])/([a-z][a-z-]*)(?: ([a-z|]+))?")
_KEY = re.compile(r"(?<![\w-])([a-z_]+)=")


def subcommand_words(english: dict[str, Message]) -> set[str]:
    """Words that follow a command in English (`/client add|list`): they are grammar, not prose."""
    words: set[str] = set()
    for msg in english.values():
        for form in msg.forms:
            for _, sub in _SUB.findall(form):
                if "|" in sub:
                    words.update(w for w in sub.split("|") if w)
    for key, msg in english.items():
        if key.startswith("usage."):
            for form in msg.forms:
                for _, sub in _SUB.findall(form):
                    words.update(w for w in sub.split("|") if w)
    return words


def grammar(text: str, subwords: set[str]) -> set[str]:
    """The command names (with a known subcommand) and option keys a text mentions."""
    found = set()
    for cmd, sub in _SUB.findall(text):
        first = sub.split("|")[0] if sub else ""
        found.add(f"/{cmd} {first}".strip() if first in subwords else f"/{cmd}")
        if "|" in sub:
            found.update(f"/{cmd} {w}" for w in sub.split("|") if w)
    found.update(k + "=" for k in _KEY.findall(text))
    return found


#: Words that are the same in the languages we ship (brand, file formats, loanwords in
#: everyday freelance use) or that are typed grammar the parser accepts in any language.
SAME_EVERYWHERE = {"redflag", "markdown", "csv", "pdf", "png", "slack", "discord", "acme", "corp", "overdue", "quit"}
#: Loanwords a native freelancer writes unchanged in one language.
SAME_IN = {"nl": {"dossier", "incident", "incidenten", "deadline", "freelancer", "logo", "status", "open", "oké"}, "vi": {"email", "logo"}, "tr": {"logo"}}
_NOT_PROSE = [
    re.compile(r"\{[^{}]*\}"),  # placeholders
    re.compile(r"https?://\S+|\S+@\S+"),  # links, e-mail addresses
    re.compile(r"(?<![\w/.])/[a-z][a-z-]*(?: [a-z|]+)?"),  # commands with their subcommand
    re.compile(r"(?<![\w-])[a-z_]+=\S*"),  # options
    re.compile(r"\b[A-Z][A-Za-z]+/[A-Za-z_/]+\b"),  # IANA zones
    re.compile(r"\b[A-Z]{2,}\b"),  # codes: EUR, ISO, IANA
    re.compile(r"\"[^\"]*\""),  # quoted sample names
]


def prose_words(text: str, lang: str) -> set[str]:
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    words = {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)}
    return words - SAME_EVERYWHERE - SAME_IN.get(lang, set())


def plural_count(headers: dict[str, str]) -> int | None:
    m = re.search(r"nplurals\s*=\s*(\d+)", headers.get("Plural-Forms", ""))
    return int(m.group(1)) if m else None


def problems(locales: Path, domain: str, lang: str) -> list[str]:
    """Everything wrong with one language's catalog of one domain, measured against English."""
    ref_path, path = po_path(locales, REFERENCE, domain), po_path(locales, lang, domain)
    if not ref_path.exists():
        return [f"{domain}: {lang} ships {path.name} but there is no English {ref_path.name}"]
    if not path.exists():
        return [f"{domain}: {lang} catalog {path} is missing"]
    where = f"{lang}/{domain}"
    try:
        ref, cat = read_catalog(ref_path), read_catalog(path)
    except PoFileError as exc:  # e.g. more plural forms than the header allows
        return [f"{where}: unreadable catalog: {exc}"]
    out: list[str] = []
    if "charset=utf-8" not in cat.headers.get("Content-Type", "").lower().replace(" ", ""):
        out.append(f"{where}: header lacks Content-Type charset=UTF-8")
    if cat.headers.get("Plural-Forms", "").strip() != PLURAL_FORMS[lang]:
        out.append(f"{where}: Plural-Forms is {cat.headers.get('Plural-Forms')!r}, expected {PLURAL_FORMS[lang]!r}")
    nplurals = plural_count({"Plural-Forms": PLURAL_FORMS[lang]})
    subwords = subcommand_words(ref.messages)
    for key in sorted(set(ref.messages) - set(cat.messages)):
        out.append(f"{where}: missing {key}")
    for key in sorted(set(cat.messages) - set(ref.messages)):
        out.append(f"{where}: {key} is not in the English catalog (stale or misspelt id)")
    for key in sorted(set(ref.messages) & set(cat.messages)):
        en, msg = ref.messages[key], cat.messages[key]
        if msg.fuzzy:
            out.append(f"{where}: {key} is fuzzy")
        if en.plural != msg.plural:
            out.append(f"{where}: {key} is {'plural' if en.plural else 'singular'} in English but not here")
            continue
        given = len(msg.forms)
        while msg.plural and given > 1 and not msg.forms[given - 1]:
            given -= 1  # Babel pads missing plural forms with empty strings
        if msg.plural and given != nplurals:
            out.append(f"{where}: {key} has {given} plural forms, {lang} needs {nplurals}")
            continue
        if any(not f.strip() for f in msg.forms):
            out.append(f"{where}: {key} has an empty translation")
            continue
        try:
            en_fields = set().union(*(fields(f) for f in en.forms))
            got = [fields(f) for f in msg.forms]
        except ValueError as exc:  # an unbalanced brace
            out.append(f"{where}: {key} is not a valid format string: {exc}")
            continue
        if en.optional:
            en_fields -= en.optional
            got = [g - en.optional for g in got]
        if msg.plural:
            # Each form may drop a field English has ("one invoice"), but never add one, and
            # together the forms must use them all (Vietnamese has a single form for everything).
            if any(g - en_fields for g in got) or set().union(*got) != en_fields:
                out.append(f"{where}: {key} placeholders {sorted(set().union(*got))} differ from English {sorted(en_fields)}")
        elif got[0] != en_fields:
            out.append(f"{where}: {key} placeholders {sorted(got[0])} differ from English {sorted(en_fields)}")
        en_grammar = set().union(*(grammar(f, subwords) for f in en.forms))
        got_grammar = set().union(*(grammar(f, subwords) for f in msg.forms))
        if en_grammar != got_grammar:
            out.append(f"{where}: {key} command grammar {sorted(got_grammar)} differs from English {sorted(en_grammar)}")
        if msg.forms == en.forms[: len(msg.forms)] and any(prose_words(f, lang) for f in msg.forms):
            out.append(f"{where}: {key} is untranslated (same as English): {msg.forms[0]!r}")
    return out


def english_problems(locales: Path, domain: str) -> list[str]:
    path = po_path(locales, REFERENCE, domain)
    if not path.exists():
        return []
    cat = read_catalog(path)
    out = []
    if cat.headers.get("Plural-Forms", "").strip() != PLURAL_FORMS[REFERENCE]:
        out.append(f"en/{domain}: Plural-Forms is {cat.headers.get('Plural-Forms')!r}")
    for key, msg in cat.messages.items():
        if msg.fuzzy or any(not f.strip() for f in msg.forms):
            out.append(f"en/{domain}: {key} is empty or fuzzy")
        if msg.plural and len(msg.forms) != 2:
            out.append(f"en/{domain}: {key} needs 2 plural forms")
        try:
            [fields(f) for f in msg.forms]
        except ValueError as exc:
            out.append(f"en/{domain}: {key} is not a valid format string: {exc}")
    return out


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
