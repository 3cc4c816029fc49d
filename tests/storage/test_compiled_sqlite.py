"""`storage/compiled_sqlite.py` and `storage/query.py`: SQLite's statements ready-made, SQLAlchemy never imported.

Start-up to serving (issue 20) paid SQLAlchemy's import and every module-level Core expression; a
serving SQLite store now runs the text generated from those same expressions. These tests keep
the generated file honest and the import away.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from storage import compiled_sqlite
from storage.query import Named, statements
from storage.sql import generate
from storage.statements import Statement, compile_for

REPO = Path(__file__).resolve().parents[2]
STORAGE = REPO / "storage"


def _handles() -> list[tuple[str, str, str]]:
    """(repository file, definitions module, NAME) for every `_q.NAME` a repository runs."""
    found = []
    for path in sorted(STORAGE.glob("*.py")):
        tree = ast.parse(path.read_text())
        modules = {}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and getattr(node.value.func, "id", None) == "statements"):
                modules[node.targets[0].id] = node.value.args[0].value  # type: ignore[attr-defined]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                found.append((path.name, modules[node.value.id], node.attr))
    return found


def test_the_generated_file_is_what_the_definitions_make() -> None:
    """Stale text would run an old statement on SQLite only: regenerate with `python -m storage.sql.generate`."""
    assert generate.TARGET.read_text() == generate.render()


def test_every_statement_a_repository_names_is_defined_and_ready_made() -> None:
    handles = _handles()
    assert len(handles) > 100  # the scan sees the repositories' statements
    for repository, module, name in handles:
        key = f"{module}:{name}"
        assert isinstance(Named(module, name).definition(), Statement), f"{repository}: {key}"
        assert key in compiled_sqlite.STATEMENTS, f"{repository}: {key} is not in storage/compiled_sqlite.py"


def test_a_named_statement_on_sqlite_is_the_ready_made_text_and_on_postgresql_compiled() -> None:
    handle = statements("storage.sql.incidents").ADD
    ready = handle.compiled("sqlite")
    assert ready.sql == compiled_sqlite.STATEMENTS["storage.sql.incidents:ADD"][0]
    assert ready.sql == compile_for(handle.element("sqlite"), "sqlite").sql
    assert handle.compiled("postgresql").sql == compile_for(handle.element("postgresql"), "postgresql").sql
    assert "%s" in handle.sql("postgresql") and "?" in handle.sql("sqlite")


def test_a_name_that_is_not_a_statement_fails_at_first_use() -> None:
    with pytest.raises(AttributeError):
        statements("storage.sql.incidents").NO_SUCH_STATEMENT.compiled("sqlite")


SERVING = """
import sys
from bot.core import Core
from bot.events import Address, Command
from storage.store import Store

core = Core(Store(sys.argv[1]))
me = Address("console", "W1", "U1")
for text in [("client", 'add "Globex"'), ("incident", '"Globex" late-payment paid 20 days late'),
             ("invoice", 'add "Globex" 1200 EUR ref=INV-1'), ("client", 'show "Globex"'), ("client", "list"),
             ("invoice", "list"), ("client", "report")]:
    for reply in core.handle(Command(me, *text), later=True):
        assert not reply.is_error, (text, reply.plain())
core.store.close()
print(sorted(m for m in sys.modules if m.split(".")[0] == "sqlalchemy")[:5])
"""


def test_a_sqlite_store_serving_commands_never_imports_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "serve.db"
    subprocess.run([sys.executable, "-c", "import sys; from storage.store import Store; Store(sys.argv[1]).close()",
                    str(path)], cwd=REPO, check=True)  # made (and migrated) by an earlier start
    out = subprocess.run([sys.executable, "-c", SERVING, str(path)], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("clients", [1, 3, 128, 130])
def test_a_sweeps_batch_is_read_in_lists_named_ahead_of_time(store, clients: int) -> None:  # type: ignore[no-untyped-def]
    """`Invoices.candidates_of` reads any batch, padded up to a named size or split past the widest, client by
    client: the same invoices, in the same order, as reading each client on its own."""
    from datetime import date

    from storage.invoices import CANDIDATE_SIZES
    from storage.records import Owner

    owner = Owner("W1", "U1")
    ids = []
    for n in range(clients):
        client = store.clients.add(owner, f"Client {n}", 30, "EUR", None)
        for k in range(2):
            store.invoices.add(owner, client.id, f"R{n}-{k}", 100_00, "EUR", date(2026, 1, 1), date(2026, 2, 1 + k))
        ids.append(client.id)
    horizon = date(2026, 12, 1)
    batch = list(reversed(ids))  # any order in: index order out
    found = store.invoices.candidates_of(batch, horizon)
    one_by_one = [c for client_id in sorted(ids) for c in store.invoices.candidates_of([client_id], horizon)]
    assert found == one_by_one and len(found) == 2 * clients
    assert [c.client_id for c in found] == sorted(c.client_id for c in found)
    assert max(CANDIDATE_SIZES) < 130  # the last case takes two statements
