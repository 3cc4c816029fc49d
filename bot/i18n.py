"""The translation catalog: every user-visible string is looked up here.

Catalogs are gettext `.po` files read with Babel, one file per *domain*
(`core`, `dialogue`, `nudges`, ...) under `bot/locales/<lang>/LC_MESSAGES/`,
so each feature keeps its wording beside its siblings without one huge file.
Message ids are stable symbolic keys (`client.added`); the English catalog
holds the English text. Placeholders use `{name}` and are filled with
`str.format_map`. Plural forms follow each catalog's `Plural-Forms` header.

What Babel read from a language's files is kept, marshalled, under a name made
from their bytes (`__pycache__` beside them, or the user's cache folder when
that is read-only), as Python keeps bytecode: parsing the `.po` files is
~25 ms per language and importing Babel's reader ~25 ms more, on every
start-up (issue 20). A changed file has another digest and is read again.
"""
from __future__ import annotations

import gettext
import hashlib
import io
import marshal
import os
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

LOCALES_DIR = Path(__file__).with_name("locales")
LANGUAGES: tuple[str, ...] = ("en", "nl", "vi", "tr")
DEFAULT_LANGUAGE = "en"
#: The Babel locale used to format money and dates for each shipped language.
BABEL_LOCALES: dict[str, str] = {"en": "en_US", "nl": "nl_NL", "vi": "vi_VN", "tr": "tr_TR"}
#: Each shipped language's name, as the settings show it.
LANGUAGE_NAMES: dict[str, str] = {"en": "language.en", "nl": "language.nl", "vi": "language.vi", "tr": "language.tr"}


@dataclass(frozen=True)
class Entry:
    """One catalog message: its forms, and whether its translator marked it fuzzy (the catalog tests refuse those)."""
    forms: tuple[str, ...]  # one string, or one per plural form
    fuzzy: bool = False


@dataclass(frozen=True)
class Catalog:
    """One language's messages and its plural rule, loaded once per process."""
    language: str
    entries: dict[str, Entry]
    plural: Callable[[int], int]

    def text(self, key: str) -> str | None:
        entry = self.entries.get(key)
        if entry is None or not entry.forms or not entry.forms[0]:
            return None
        return entry.forms[0]

    def plural_text(self, key: str, n: int) -> str | None:
        entry = self.entries.get(key)
        if entry is None or not any(entry.forms):
            return None
        index = self.plural(n)
        if index >= len(entry.forms) or not entry.forms[index]:
            index = 0 if n == 1 or len(entry.forms) == 1 else len(entry.forms) - 1
        return entry.forms[index] or None


def _plural_function(header: str | None) -> Callable[[int], int]:
    if header and "plural=" in header:
        expr = header.split("plural=", 1)[1].strip().rstrip(";")
        return gettext.c2py(expr)
    return lambda n: 0 if n == 1 else 1


#: What a cached catalog holds: the first `Plural-Forms` header, then (id, forms, fuzzy) per message.
_Parsed = tuple[str | None, list[tuple[str, tuple[str, ...], bool]]]
#: Part of every cache file's name: changed when `_parse` keeps something else, so old files are not read.
CACHE_FORMAT = b"redflag-catalog-1"


@lru_cache(maxsize=None)
def load_catalog(language: str) -> Catalog:
    """Merge every domain's `.po` file of one language (read once per process, parsed once per change)."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    sources = [(path, path.read_bytes()) for path in sorted(folder.glob("*.po"))]
    digest = hashlib.blake2b(CACHE_FORMAT + marshal.version.to_bytes(2, "big"), digest_size=16)
    for path, data in sources:
        digest.update(b"\0%s\0%d\0" % (path.name.encode(), len(data)))
        digest.update(data)
    name = f"catalog-{digest.hexdigest()}.marshal"
    places = _cache_folders(folder, language)
    parsed = _cached(places, name)
    if parsed is None:
        parsed = _parse(sources)
        _keep(places, name, parsed)
    header, messages_ = parsed
    entries = {key: Entry(forms=forms, fuzzy=fuzzy) for key, forms, fuzzy in messages_}
    return Catalog(language=language, entries=entries, plural=_plural_function(header))


def _parse(sources: list[tuple[Path, bytes]]) -> _Parsed:
    """Babel's reading of the files, in order; a duplicate id across domains is an error."""
    from babel.messages.pofile import read_po

    header: str | None = None
    seen: set[str] = set()
    out: list[tuple[str, tuple[str, ...], bool]] = []
    for index, (path, data) in enumerate(sources):
        catalog = read_po(io.BytesIO(data), locale=None, abort_invalid=True)
        if index == 0:
            header = catalog.mime_headers and dict(catalog.mime_headers).get("Plural-Forms") or None
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            forms = tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)
            if key in seen:
                raise ValueError(f"duplicate message id {key!r} in {path}")
            seen.add(key)
            out.append((key, forms, bool(message.fuzzy)))
    return header, out


def _cache_folders(folder: Path, language: str) -> list[Path]:
    """Beside the catalogs first; the user's cache folder for an installation this process cannot write."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return [folder / "__pycache__", Path(base) / "redflag" / "catalogs" / language]


def _cached(places: list[Path], name: str) -> _Parsed | None:
    for place in places:
        try:
            data = (place / name).read_bytes()
        except OSError:
            continue
        try:
            header, messages_ = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            continue  # a damaged file: read the catalogs again
        return header, messages_
    return None


def _keep(places: list[Path], name: str, parsed: _Parsed) -> None:
    """Written whole or not at all (a temporary file renamed); the older files of that folder go."""
    data = marshal.dumps(parsed)
    for place in places:
        try:
            place.mkdir(parents=True, exist_ok=True)
            temporary = place / f".{name}.{os.getpid()}.tmp"
            temporary.write_bytes(data)
            os.replace(temporary, place / name)
        except OSError:
            continue
        for old in place.glob("catalog-*.marshal"):
            if old.name != name:
                try:
                    old.unlink()
                except OSError:
                    pass
        return


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:  # a missing placeholder must never crash a reply
        return "{" + key + "}"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Messages:
    """Look-ups for one language, falling back to English, then failing loudly."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._catalog = load_catalog(self.language)
        self._fallback = load_catalog(DEFAULT_LANGUAGE)

    @property
    def babel_locale(self) -> str:
        return BABEL_LOCALES[self.language]

    def __call__(self, key: str, **values: object) -> str:
        text = self._catalog.text(key) or self._fallback.text(key)
        if text is None:
            raise KeyError(f"message id {key!r} is not in the catalog")
        return text.format_map(_SafeDict(values)) if values else text

    def n(self, key: str, count: int, **values: object) -> str:
        """Plural-aware look-up; `{n}` is filled with `count`."""
        text = self._catalog.plural_text(key, count) or self._fallback.plural_text(key, count)
        if text is None:
            raise KeyError(f"message id {key!r} is not in the catalog")
        return text.format_map(_SafeDict(values, n=count))

    def has(self, key: str) -> bool:
        return self._fallback.text(key) is not None


@lru_cache(maxsize=None)
def messages(language: str | None) -> Messages:
    return Messages(language or DEFAULT_LANGUAGE)


def language_from_locale(locale: str | None) -> str | None:
    """Map a platform or POSIX locale ("nl-BE", "vi_VN.UTF-8", "pt-BR") to a shipped language, or None."""
    if not locale:
        return None
    base = locale.replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    return base if base in LANGUAGES else None


def console_language() -> str | None:
    """The language a terminal user asked for through the usual POSIX variables."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return language_from_locale(value)
    return None
