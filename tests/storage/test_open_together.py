"""Two processes opening a new SQLite file at the same moment (two workers, a sweep beside the bot).

Both must come up: the second waits for the first's migrations instead of adding
the same column again or failing to switch the file to WAL.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Each process opens the same new files in turn, both starting on each file at the same instant
#: (`start + n * GAP`), so one interpreter start per process covers every attempt.
OPEN = (
    "import sys, time\n"
    "from storage.store import Store\n"
    "start, gap = float(sys.argv[1]), float(sys.argv[2])\n"
    "for n, path in enumerate(sys.argv[3:]):\n"
    "    while time.time() < start + n * gap: pass\n"  # both start their migrations together
    "    Store(path).database.close()\n"
)
ATTEMPTS = 6
#: Longer than one open of a new file takes on a loaded machine, so each attempt starts level.
GAP = 0.6


def test_two_processes_open_a_new_file_together(tmp_path: Path) -> None:
    import sqlite3
    import time

    dbs = [tmp_path / f"redflag{attempt}.db" for attempt in range(ATTEMPTS)]
    # The processes import first; the first file's moment is far enough ahead for both to be ready.
    start = str(time.time() + 4.0)
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, start, str(GAP), *map(str, dbs)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    for db in dbs:
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal", db
        finally:
            conn.close()
