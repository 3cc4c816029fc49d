"""The operator's documents cover what the code reads and runs.

An operator deploys from README's tables and `docs/deploy.md`; a setting the code reads that neither
names is a knob nobody can find, and a command there that the CLI does not accept fails on deploy day.
So: every environment variable the code reads is in both settings tables, every subcommand of
`redflag` is in README's command table, and every `redflag …` command written in `docs/deploy.md`
is accepted by the real argument parser.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from redflag.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "adapters", "storage", "redflag")
#: A setting is a quoted name the code passes to the environment.
SETTING = re.compile(r"""["']((?:REDFLAG|SLACK|DISCORD)_[A-Z0-9_]+)["']""")


def settings_read() -> set[str]:
    found: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(SETTING.findall(path.read_text(encoding="utf-8")))
    return found


def table_names(text: str) -> set[str]:
    """Variable names in the first cell of a Markdown table's rows."""
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_the_code_reads_settings_at_all() -> None:
    assert {"REDFLAG_DATABASE_URL", "REDFLAG_NUDGE_BATCH", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"} <= settings_read()


@pytest.mark.parametrize("doc", ["README.md", "docs/deploy.md"])
def test_every_setting_the_code_reads_is_documented(doc: str) -> None:
    missing = settings_read() - table_names((ROOT / doc).read_text(encoding="utf-8"))
    assert missing == set(), f"{doc}: add these to the settings table"


def subcommands() -> set[str]:
    """`nudges run`, `db upgrade`, … from the parser itself."""
    def walk(parser, prefix: str) -> set[str]:
        out: set[str] = set()
        for action in parser._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, child in action.choices.items():
                    path = f"{prefix} {name}".strip()
                    below = walk(child, path)
                    out |= below or {path}
        return out

    return walk(_parser(), "")


def test_every_subcommand_is_in_the_readme_command_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1] for line in readme.splitlines() if line.startswith("| `redflag")]
    assert {"nudges run", "db upgrade", "serve"} <= subcommands()
    missing = {cmd for cmd in subcommands() if not any(f"`redflag {cmd}" in row for row in rows)}
    assert missing == set(), "README.md, Command line: add a row for each"


def deploy_commands() -> list[str]:
    text = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    inline = re.findall(r"`([^`\n]*\bredflag [a-z][^`\n]*)`", text)
    blocks = re.findall(r"```\n(.*?)```", text, re.S)
    lines = [line for block in blocks for line in block.splitlines() if " redflag " in f" {line} "]
    return inline + lines


def argv_of(command: str) -> list[str]:
    """The words after the last `redflag`, placeholders filled in, cron fields and env prefixes dropped."""
    command = command.replace("…", "x").replace("<backup>", "backup.db")
    words = shlex.split(re.sub(r"<[^>]+>", "x", command))
    at = len(words) - 1 - words[::-1].index("redflag")
    return words[at + 1:]


def test_deploy_commands_are_read_at_all() -> None:
    commands = deploy_commands()
    assert any("nudges run" in c for c in commands) and any("db upgrade" in c for c in commands)


@pytest.mark.parametrize("command", deploy_commands())
def test_every_command_in_deploy_md_is_accepted_by_the_cli(command: str) -> None:
    argv = argv_of(command)
    try:
        _parser().parse_args(argv)
    except SystemExit as stop:
        pytest.fail(f"docs/deploy.md: `redflag {' '.join(argv)}` is refused by the CLI (exit {stop.code})")
