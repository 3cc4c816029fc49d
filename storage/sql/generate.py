"""`python -m storage.sql.generate`: write `storage/compiled_sqlite.py` from the definitions in `storage/sql/`.

Run it after changing a statement or a table; `tests/storage/test_compiled_sqlite.py` fails while the
file differs from what this makes.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

TARGET = Path(__file__).resolve().parent.parent / "compiled_sqlite.py"
SKIP = {"generate"}

HEADER = '''"""SQLite's text of every statement in `storage/sql/`, and the columns of every table: made, not written.

Made by `python -m storage.sql.generate` from the Core expressions and `storage/schema.py`, so a
serving SQLite store runs them without importing SQLAlchemy (`storage/query.py`). Do not edit:
`tests/storage/test_compiled_sqlite.py` fails while this differs from what the generator makes.
"""
# fmt: off
'''


def definitions() -> list[str]:
    import storage.sql

    return sorted(f"storage.sql.{m.name}" for m in pkgutil.iter_modules(storage.sql.__path__) if m.name not in SKIP)


def statements() -> dict[str, tuple[str, tuple[str, ...], dict[str, Any]]]:
    """key ("storage.sql.incidents:ADD") -> SQLite's (SQL, parameter names in order, fixed values)."""
    from storage.statements import Statement, compile_parts

    out = {}
    for module_name in definitions():
        module = importlib.import_module(module_name)
        for name, value in sorted(vars(module).items()):
            if isinstance(value, Statement) and not name.startswith("_"):
                out[f"{module_name}:{name}"] = compile_parts(value.element("sqlite"), "sqlite")
    return out


def tables() -> dict[str, tuple[str, ...]]:
    """Each table of `storage/schema.py` -> its columns in order (what `storage/rows.py` writes and reads)."""
    from storage import schema

    return {name: tuple(c.name for c in table.columns) for name, table in sorted(schema.metadata.tables.items())}


def render() -> str:
    lines = [HEADER, "STATEMENTS = {"]
    for key, (sql, names, fixed) in statements().items():
        lines.append(f"    {key!r}: (")
        lines.append(f"        {sql!r},")
        lines.append(f"        {names!r},")
        lines.append(f"        {dict(sorted(fixed.items()))!r},")
        lines.append("    ),")
    lines.append("}")
    lines.append("")
    lines.append("TABLES = {")
    for name, columns in tables().items():
        lines.append(f"    {name!r}: {columns!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    text = render()
    if TARGET.exists() and TARGET.read_text() == text:
        print(f"{TARGET.name}: up to date")
        return 0
    TARGET.write_text(text)
    print(f"{TARGET.name}: written ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
