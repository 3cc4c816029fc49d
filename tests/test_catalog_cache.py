"""The catalogs as Babel reads them are kept between starts (issue 20), and never stale.

`bot.i18n.load_catalog` keeps what it parsed under a name made from the
files' bytes; these tests run it over a copy of the shipped catalogs, so they
can change a file, block a folder or damage a kept file.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from bot import i18n

SHIPPED = i18n.LOCALES_DIR


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped catalogs, read by `load_catalog`; the user's cache folder in the test's own folder."""
    copy = tmp_path / "locales"
    shutil.copytree(SHIPPED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(i18n, "LOCALES_DIR", copy)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    i18n.load_catalog.cache_clear()
    yield copy
    i18n.load_catalog.cache_clear()


def _kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalog-*.marshal"))


def _fresh(language: str) -> i18n.Catalog:
    """What Babel reads from the files right now, without any kept file."""
    folder = i18n.LOCALES_DIR / language / "LC_MESSAGES"
    header, messages = i18n._parse([(p, p.read_bytes()) for p in sorted(folder.glob("*.po"))])
    return i18n.Catalog(language, {k: i18n.Entry(f, z) for k, f, z in messages}, i18n._plural_function(header))


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_a_kept_catalog_is_the_one_babel_reads(locales: Path, language: str) -> None:
    first = i18n.load_catalog(language)  # parsed and kept
    assert len(_kept(locales / language / "LC_MESSAGES" / "__pycache__")) == 1
    i18n.load_catalog.cache_clear()
    again = i18n.load_catalog(language)  # from the kept file
    fresh = _fresh(language)
    assert again.entries == first.entries == fresh.entries
    assert len(again.entries) > 100
    assert [again.plural(n) for n in range(0, 30)] == [fresh.plural(n) for n in range(0, 30)]


def test_a_changed_file_is_read_again(locales: Path) -> None:
    assert i18n.load_catalog("nl").text("client.added") is not None
    core = locales / "nl" / "LC_MESSAGES" / "core.po"
    text = core.read_text(encoding="utf-8")
    old = i18n.load_catalog("nl").text("client.added")
    assert old is not None and old.replace('"', '\\"') in text
    core.write_text(text.replace(old.replace('"', '\\"'), "Klant toegevoegd, anders gezegd: {name}", 1), encoding="utf-8")
    i18n.load_catalog.cache_clear()
    assert i18n.load_catalog("nl").text("client.added") == "Klant toegevoegd, anders gezegd: {name}"
    assert len(_kept(locales / "nl" / "LC_MESSAGES" / "__pycache__")) == 1  # the older file went


def test_a_damaged_kept_file_is_read_again(locales: Path) -> None:
    expected = i18n.load_catalog("vi").entries
    (kept,) = _kept(locales / "vi" / "LC_MESSAGES" / "__pycache__")
    kept.write_bytes(kept.read_bytes()[:100])
    i18n.load_catalog.cache_clear()
    assert i18n.load_catalog("vi").entries == expected


def test_catalogs_that_cannot_be_written_beside_are_kept_in_the_users_cache(locales: Path, tmp_path: Path) -> None:
    """An installation this process cannot write (here a file where the folder would be, which even root cannot pass)."""
    (locales / "tr" / "LC_MESSAGES" / "__pycache__").write_text("not a folder")
    expected = _fresh("tr").entries
    assert i18n.load_catalog("tr").entries == expected
    assert len(_kept(tmp_path / "user-cache" / "redflag" / "catalogs" / "tr")) == 1
    i18n.load_catalog.cache_clear()
    assert i18n.load_catalog("tr").entries == expected


def test_a_duplicate_id_is_still_refused(locales: Path) -> None:
    en = locales / "en" / "LC_MESSAGES"
    (en / "zz.po").write_text('msgid ""\nmsgstr ""\n\nmsgid "client.added"\nmsgstr "again"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate message id 'client.added'"):
        i18n.load_catalog("en")


def test_a_kept_catalog_does_not_import_babels_reader(locales: Path) -> None:
    """The second start of a process reads the kept file: Babel's `.po` reader is not imported."""
    i18n.load_catalog("en")
    code = (
        "import sys; from pathlib import Path; from bot import i18n; i18n.LOCALES_DIR = Path(sys.argv[1]); "
        "i18n.messages('en')('client.added', name='x'); print('babel.messages' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(locales)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
