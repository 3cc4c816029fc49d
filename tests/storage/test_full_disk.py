"""Issue 14, item 8: a disk that fills up under the running `redflag` gives one sentence and one log line.

The disk is a real 2 MB tmpfs in a private mount namespace (`unshare -m` as root,
`unshare -rm` otherwise), filled while the console runs; nothing is faked.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.i18n import messages

DRIVER = Path(__file__).with_name("full_disk_driver.py")


def test_a_full_disk_is_one_sentence_for_the_user_and_one_log_line(tmp_path: Path) -> None:
    assert shutil.which("unshare"), "util-linux's unshare is needed for the full-disk test"
    mnt = tmp_path / "disk"
    mnt.mkdir()
    redflag = str(Path(sys.executable).with_name("redflag"))
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    done = subprocess.run([*unshare, sys.executable, str(DRIVER), str(mnt), redflag], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    sentence = messages("en")("error.disk_full")
    assert result["stdout"].count(sentence) == 2  # each refused command says it once
    assert "Traceback" not in result["stderr"] and "Traceback" not in result["stdout"]
    log_lines = [line for line in result["stderr"].splitlines() if line.strip()]
    assert len(log_lines) == 2 and all("disk is full" in line for line in log_lines)  # one line per command
    assert result["clients"] == ["Acme"]  # nothing half-written
