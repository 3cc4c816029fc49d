"""Two processes opening a new SQLite file at the same moment (two workers, a sweep beside the bot).

Both must come up: the second waits for the first's migrations instead of adding
the same column again or failing to switch the file to WAL.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OPEN = (
    "import sys, time\n"
    "from storage.store import Store\n"
    "start = float(sys.argv[2])\n"
    "while time.time() < start: pass\n"  # both start their migrations together
    "Store(sys.argv[1]).database.close()\n"
)


def test_two_processes_open_a_new_file_together(tmp_path: Path) -> None:
    import time

    for attempt in range(6):
        db = tmp_path / f"redflag{attempt}.db"
        start = str(time.time() + 1.0)
        procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(db), start], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        versions = subprocess.run([sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
                                   "print(c.execute('PRAGMA journal_mode').fetchone()[0])", str(db)],
                                  capture_output=True, text=True, check=True)
        assert versions.stdout.strip() == "wal"
