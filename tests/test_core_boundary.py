"""The core (`bot/`) imports no surface: nothing from `adapters/`, no platform SDK, not the program.

Data goes adapter → core → store → core → adapter; a core module that
imported an adapter (even lazily, inside a function) would turn that
around. The program's entry point (`redflag/cli.py`) is the one place that
knows both.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "bot"
FORBIDDEN = ("adapters", "redflag", "slack_bolt", "slack_sdk", "discord")


def _forbidden(module: str) -> bool:
    return module.split(".")[0] in FORBIDDEN


def imports_of(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a source imports, at any depth (lazy imports too), with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def test_the_checker_sees_every_kind_of_import() -> None:
    source = (
        "import discord\n"
        "from adapters.slack import app\n"
        "def f():\n    import slack_sdk.errors\n    from redflag.cli import main\n"
        "importlib.import_module('adapters.discord.service')\n"
        "from bot import core\nimport json\n"
    )
    names = [name for _, name in imports_of(ast.parse(source)) if _forbidden(name)]
    assert names == ["discord", "adapters.slack", "slack_sdk.errors", "redflag.cli", "adapters.discord.service"]


def test_the_core_imports_no_adapter_and_no_platform_sdk() -> None:
    sources = sorted(CORE.rglob("*.py"))
    assert len(sources) > 50  # the walk found the core
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sources
        for line, name in imports_of(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if _forbidden(name)
    ]
    assert offending == []
