"""The catalog checker: reads `.po` files and says what is wrong with a language's catalog of a domain.

Used by tests/test_i18n_catalogs.py over the catalogs we ship and over small
broken ones it writes, to show the checker catches each kind of mistake.
English is the reference: each other language must have exactly its message
ids, the same `{placeholders}` and command grammar, non-empty, non-fuzzy and
translated text, and the language's number of plural forms.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from bot.i18n import LANGUAGES, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[1]  # the repository
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
