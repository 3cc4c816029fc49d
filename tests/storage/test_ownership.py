"""Each table has one owner: only the storage module that creates a table writes it, and the core writes none.

The owner of a table is read from the migrations (`db["x"].create(` or `CREATE TABLE … x`), so a new
table needs no list here; the one table created by another component's migrations for history's sake
is named below. A write is any INSERT, UPDATE or DELETE naming a table, a Core `insert(t)` / `update(t)` /
`delete(t)` on a table of `storage/schema.py` (named by a module-level alias such as `_t = schema.clients`,
resolved on the imported module), or a `LeasedRows` built on it. A repository's Core statements live in
`storage/sql/<repository>.py` and count as the repository's.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

from sqlalchemy import Table

ROOT = Path(__file__).resolve().parents[2]
STORAGE = ROOT / "storage"

#: Created by the `nudges` migrations (existing databases recorded them there), written by follow-ups.
MOVED = {"nudge_followup_leases": "followups"}

_CREATES = re.compile(r'db\["([a-z_]+)"\]\.create\(|CREATE TABLE IF NOT EXISTS ([a-z_]+)')
_WRITES = re.compile(r"(?:INSERT(?: OR [A-Z]+)? INTO|UPDATE(?: OR [A-Z]+)?|DELETE FROM) ([a-z_]+)\b")
_LEASED = re.compile(r'LeasedRows\(db, "[a-z]+", "([a-z_]+)"')
_CORE_WRITES = re.compile(r"\b(?:insert|update|delete)\(((?:schema\.)?\w+)\)")


def _owners() -> dict[str, str]:
    owners: dict[str, str] = {}
    for path in sorted(STORAGE.glob("*.py")):
        for match in _CREATES.finditer(path.read_text(encoding="utf-8")):
            table = match.group(1) or match.group(2)
            owners.setdefault(table, path.stem)
    owners.update(MOVED)
    return owners


def _core_writes(path: Path, text: str) -> set[str]:
    """Tables a module's Core statements write; a name that is no table of the module (a helper's
    parameter, as in `storage/rows.py`) writes for its caller."""
    names = _CORE_WRITES.findall(text)
    if not names:
        return set()
    module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
    found = set()
    for name in names:
        target = module
        for part in name.split("."):
            target = getattr(target, part, None)
        if isinstance(target, Table):
            found.add(target.name)
    return found


def _writes(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(_WRITES.findall(text)) | set(_LEASED.findall(text)) | _core_writes(path, text)


def _modules() -> list[Path]:
    """The repositories and their statements' modules (`storage/sql/x.py` speaks for `storage/x.py`)."""
    repositories = [p for p in STORAGE.glob("*.py") if p.stem != "compiled_sqlite"]  # generated from storage/sql/
    return sorted(repositories) + sorted(p for p in (STORAGE / "sql").glob("*.py") if p.stem != "__init__")


def test_core_writes_are_seen() -> None:
    """The Core statements count: users' write its two tables through `insert(…)` and `update(…)`."""
    sql = STORAGE / "sql"
    assert {"users", "workspaces"} <= _core_writes(sql / "users.py", (sql / "users.py").read_text())
    assert _core_writes(sql / "incidents.py", (sql / "incidents.py").read_text()) == {"incidents"}


def test_the_owners_are_found() -> None:
    owners = _owners()
    assert owners["invoices"] == "invoices" and owners["payments"] == "invoices"
    assert owners["workspaces"] == "users" and owners["nudge_messages"] == "nudges"
    assert owners["schema_versions"] == "db"


def test_every_storage_module_writes_only_its_own_tables() -> None:
    owners = _owners()
    wrong = {
        (path.stem, table, owners.get(table))
        for path in _modules()
        for table in _writes(path)
        if owners.get(table) != path.stem
    }
    assert wrong == set(), "module, table, owner"


def test_the_core_and_the_adapters_write_no_table() -> None:
    found = {
        (str(path.relative_to(ROOT)), table)
        for folder in ("bot", "adapters")
        for path in (ROOT / folder).rglob("*.py")
        for table in _writes(path)
    }
    assert found == set()
