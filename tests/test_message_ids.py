"""Every message id is written out in the code that uses it, so a search from a `.po` id finds its use.

An id built at run time (`f"dialogue.q.{step}"`) cannot be found that way;
each family of ids is a table that lists them (`bot/dialogue/states.py`,
`bot/kinds.py`, `bot/errors.py`, ...). Two checks: every id in the catalogs
appears as a quoted literal somewhere in `bot/` or `adapters/`, and no
look-up builds its id with an f-string.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "bot" / "locales" / "en" / "LC_MESSAGES"

#: Families whose look-ups are being rewritten in parallel work of issue 15 (their code is not
#: this change's to edit); each entry says where the ids are still built at run time.
NOT_YET_LITERAL: dict[str, str] = {
    "discord.cmd.": "adapters/discord/commands.py builds the command tree's names (issue 15 item 3)",
    "discord.opt.": "adapters/discord/commands.py builds the option names (issue 15 item 3)",
    "discord.sort.": "adapters/discord/commands.py (issue 15 item 3)",
    "alert.day.": "adapters/discord/commands.py, the digest day choices (issue 15 item 3)",
    "delivery.": "bot/commands/invoice.py reads platform error codes (issue 15 item 7)",
    "report.db.": "bot/cli.py, the entry point moving out of the core (issue 15 item 9)",
    "report.backup.": "bot/cli.py (issue 15 item 9)",
    "report.restore.": "bot/cli.py (issue 15 item 9)",
}
#: Ids no code shows, kept for a reason of their own.
UNUSED: dict[str, str] = {
    "usage.client_list": "a usage example tests/test_languages.py runs as written",
}
#: Look-ups that still build their id, by file (the same parallel work as above).
FSTRING_LOOKUPS_LEFT: dict[str, str] = {
    "bot/cli.py": "report.db/backup/restore (item 9)",
    "bot/commands/invoice.py": "delivery.<code> (item 7)",
    "bot/core.py": "usage.<command>, from the command declarations (item 3)",
    "adapters/discord/commands.py": "the command tree (item 3)",
}

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
        for folder in ("bot", "adapters")
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def not_literal(ids: set[str], texts: dict[str, str]) -> list[str]:
    """The ids that no source names in quotes."""
    quoted = set(re.findall(r"""["']([A-Za-z0-9_.\-]+)["']""", "\n".join(texts.values())))
    return sorted(i for i in ids if i not in quoted)


def _excused(msgid: str) -> bool:
    return msgid in UNUSED or any(msgid.startswith(prefix) for prefix in NOT_YET_LITERAL)


def test_every_catalog_id_is_written_out_in_the_code() -> None:
    missing = [i for i in not_literal(catalog_ids(), sources()) if not _excused(i)]
    assert not missing, f"{len(missing)} message ids appear nowhere literally (build them from a table): {missing[:20]}"


def test_the_check_finds_an_id_only_built_at_run_time() -> None:
    """The check itself can fail: an id that only an f-string makes is reported."""
    texts = {"x.py": 'ctx.t(f"dialogue.q.{slug}")\nctx.t("dialogue.title")\nTABLE = {"a": \'dialogue.a.yes\'}\n'}
    assert not_literal({"dialogue.q.abuse", "dialogue.title", "dialogue.a.yes"}, texts) == ["dialogue.q.abuse"]


def test_the_excused_ids_are_still_in_the_catalogs() -> None:
    """An excuse that names nothing any more is dropped, not left to hide a new id."""
    ids = catalog_ids()
    for prefix in NOT_YET_LITERAL:
        assert any(i.startswith(prefix) for i in ids), prefix
    for msgid in UNUSED:
        assert msgid in ids, msgid


@pytest.mark.parametrize("path", sorted(set(sources()) - set(FSTRING_LOOKUPS_LEFT)))
def test_no_look_up_builds_its_id(path: str) -> None:
    found = [line.strip() for line in sources()[path].splitlines() if _LOOKUP_WITH_FSTRING.search(line)]
    assert not found, f"{path}: message ids built at run time: {found}"


def test_the_look_up_check_sees_an_fstring_id() -> None:
    assert _LOOKUP_WITH_FSTRING.search('ctx.t(f"kind.{k}")') and _LOOKUP_WITH_FSTRING.search("t.n(f'import.done_{k}', 1)")
    assert not _LOOKUP_WITH_FSTRING.search('ctx.t(NAMES[k])')
