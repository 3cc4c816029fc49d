"""Every message id is written out in the code that uses it, so a search from a `.po` id finds its use.

An id built at run time (`f"dialogue.q.{step}"`) cannot be found that way;
each family of ids is a table that lists them (`bot/dialogue/states.py`,
`bot/kinds.py`, `bot/errors.py`, `bot/declare.py` `OPTION_IDS`,
`adapters/discord/names.py`, ...). Two checks: every id in the catalogs
appears as a quoted literal somewhere in `bot/`, `adapters/` or `redflag/`,
and no look-up builds its id with an f-string.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "bot" / "locales" / "en" / "LC_MESSAGES"

#: Ids no code shows, kept for a reason of their own.
UNUSED: dict[str, str] = {
    "usage.client_list": "a usage example tests/test_languages.py runs as written",
}
#: The folders whose code looks ids up: the core, the adapters, and the program's entry point.
FOLDERS = ("bot", "adapters", "redflag")

_LOOKUP_WITH_FSTRING = re.compile(r"""(?:\bt|\.t|\.n|\.has|\bL|messages\([\w.]+\))\(f["']""")


def catalog_ids() -> set[str]:
    ids: set[str] = set()
    for po in sorted(CATALOGS.glob("*.po")):
        with po.open("rb") as f:
            for message in read_po(f):
                if message.id:
                    ids.add(message.id[0] if isinstance(message.id, tuple) else message.id)
    return ids


@lru_cache(maxsize=1)
def sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def not_literal(ids: set[str], texts: dict[str, str]) -> list[str]:
    """The ids that no source names in quotes."""
    quoted = set(re.findall(r"""["']([A-Za-z0-9_.\-]+)["']""", "\n".join(texts.values())))
    return sorted(i for i in ids if i not in quoted)


def test_every_catalog_id_is_written_out_in_the_code() -> None:
    missing = [i for i in not_literal(catalog_ids(), sources()) if i not in UNUSED]
    assert not missing, f"{len(missing)} message ids appear nowhere literally (build them from a table): {missing[:20]}"


def test_the_check_finds_an_id_only_built_at_run_time() -> None:
    """The check itself can fail: an id that only an f-string makes is reported."""
    texts = {"x.py": 'ctx.t(f"dialogue.q.{slug}")\nctx.t("dialogue.title")\nTABLE = {"a": \'dialogue.a.yes\'}\n'}
    assert not_literal({"dialogue.q.abuse", "dialogue.title", "dialogue.a.yes"}, texts) == ["dialogue.q.abuse"]


def test_the_excused_ids_are_still_in_the_catalogs() -> None:
    """An excuse that names nothing any more is dropped, not left to hide a new id."""
    ids = catalog_ids()
    for msgid in UNUSED:
        assert msgid in ids, msgid


@pytest.mark.parametrize("path", sorted(sources()))
def test_no_look_up_builds_its_id(path: str) -> None:
    found = [line.strip() for line in sources()[path].splitlines() if _LOOKUP_WITH_FSTRING.search(line)]
    assert not found, f"{path}: message ids built at run time: {found}"


def test_the_look_up_check_sees_an_fstring_id() -> None:
    assert _LOOKUP_WITH_FSTRING.search('ctx.t(f"kind.{k}")') and _LOOKUP_WITH_FSTRING.search("t.n(f'import.done_{k}', 1)")
    assert not _LOOKUP_WITH_FSTRING.search('ctx.t(NAMES[k])')


def assembled(ids: set[str], text: str) -> list[str]:
    """f-strings that start like a catalog id and fill in the rest (`f"discord.opt.{name}"`), look-up or not."""
    families = "|".join(sorted({re.escape(i.split(".")[0]) for i in ids}))
    pattern = re.compile(rf"""\bf["']((?:{families})\.[A-Za-z0-9_.]*\{{[^"']*)["']""")
    return pattern.findall(text)


def test_no_id_is_assembled_at_run_time() -> None:
    """A table of ids (a declaration's labels, a choice's names) is written out too, not built where it is declared."""
    ids = catalog_ids()
    found = {path: assembled(ids, text) for path, text in sources().items()}
    assert not {p: f for p, f in found.items() if f}


def test_the_assembly_check_sees_a_built_id() -> None:
    ids = {"discord.opt.client", "kind.late.sentence"}
    assert assembled(ids, 'Choice(s, f"kind.{s}.sentence")\nx = f"discord.opt.{n}"\ny = "kind.late.sentence"') == [
        "kind.{s}.sentence", "discord.opt.{n}"]
