"""Issue 14, item 6: exports never overwrite each other, and the console prints absolute paths.

Run through the real `redflag` console process, piped like a script.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def _console(tmp_path: Path, stdin: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    environ.update(REDFLAG_DB=str(tmp_path / "redflag.db"), REDFLAG_EXPORT_DIR="exports", LANG="C.UTF-8", LC_ALL="", TZ="UTC")
    redflag = Path(sys.executable).with_name("redflag")
    result = subprocess.run([str(redflag)], input=stdin, capture_output=True, text=True, env=environ, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_two_clients_with_one_slug_and_two_exports_on_one_day_all_survive(tmp_path: Path) -> None:
    out = _console(
        tmp_path,
        # "Acme & Co" and "Acme Co" are two clients whose names give one file-name slug (acme-co).
        '/client add "Acme & Co"\n/client add "Acme Co"\n'
        '/incident "Acme & Co" haggling first one\n/incident "Acme Co" scope-creep second one\n'
        '/client export "Acme & Co"\n/client export "Acme Co"\n/client export "Acme & Co"\n',
    )
    files = sorted((tmp_path / "exports").iterdir())
    assert len(files) == 6, [f.name for f in files]  # 3 exports x (Markdown + CSV), nothing overwritten
    md = [f.read_text(encoding="utf-8") for f in files if f.suffix == ".md"]
    assert sum("first one" in t for t in md) == 2 and sum("second one" in t for t in md) == 1
    printed = re.findall(r"(/\S+\.(?:md|csv))", out)
    assert len(printed) == 6 and all(Path(p).is_absolute() and Path(p).is_file() for p in printed)
    assert {Path(p) for p in printed} == {f.resolve() for f in files}
