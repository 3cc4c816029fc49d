"""The repositories hand the database Core statements, never SQL text (issue 16, "Queries are still SQL strings").

A query written as text (a string, an f-string, a concatenation, a fragment asked from
`Dialect`) skips what `storage/statements.py` gives: each engine's own words, the literals
the planner needs, one compile per engine. Only the engine layer and what is no query over
the store's tables may still pass text: `db.py` and `dialect.py` themselves, the schema
checks (`migrations.py`, `health.py`: the engines' catalogues) and the store's ping
(`store.py`). A migration on sqlite-utils (a function taking a `sqlite_utils.Database`) is
DDL and stays text.
"""
from __future__ import annotations

import ast
from pathlib import Path

STORAGE = Path(__file__).resolve().parents[2] / "storage"
#: The engine layer, and what reads no table of the store.
ENGINE = {"db", "dialect", "migrations", "health", "store"}
#: Modules whose port is still to come; each must still hold text, so the entry goes when the port lands.
#: Empty since `alerts.py`, the last one, was ported: a new entry here is a step back.
PENDING: set[str] = set()
_CALLS = {"query", "rows", "one", "execute"}
_RECEIVERS = {"db", "self.db", "database", "self.database"}


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call):  # db.dialect.something(): a fragment of SQL text
        return "dialect" in ast.unparse(node.func).split(".")
    return False


def _on_sqlite_utils(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = function.args
    return any(a.annotation is not None and "sqlite_utils" in ast.unparse(a.annotation)
               for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])


def text_queries(source: str) -> list[int]:
    """Lines where a Database is handed SQL text, outside sqlite-utils migrations."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _on_sqlite_utils(node):
            return
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CALLS
                and ast.unparse(node.func.value) in _RECEIVERS and node.args and _is_text(node.args[0])):
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def test_the_check_sees_every_way_of_writing_sql_as_text() -> None:
    source = '''
def migration(db: "sqlite_utils.Database") -> None:
    db.execute("ALTER TABLE t ADD COLUMN c TEXT")  # DDL on sqlite-utils: allowed

class Repo:
    def reads(self, table):
        self.db.one(_GET, {"id": 1})  # a Statement: fine
        self.db.one("SELECT * FROM t WHERE id = ?", (1,))
        self.db.rows(f"SELECT * FROM {table}")
        self.db.query("SELECT * FROM t" + self.db.dialect.for_update())
        self.db.execute(self.db.dialect.lock_sql(), ("k",))
'''
    assert text_queries(source) == [8, 9, 10, 11]


def test_no_repository_hands_the_database_sql_text() -> None:
    found = {
        (path.name, line)
        for path in sorted(STORAGE.glob("*.py"))
        if path.stem not in ENGINE | PENDING
        for line in text_queries(path.read_text(encoding="utf-8"))
    }
    assert found == set(), "file, line: write the query as a Core Statement (storage/statements.py)"


def test_the_pending_list_is_not_stale() -> None:
    ported = {name for name in PENDING if not text_queries((STORAGE / f"{name}.py").read_text(encoding="utf-8"))}
    assert ported == set(), "ported: drop these from PENDING, so they stay ported"
