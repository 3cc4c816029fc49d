"""Issue 14, items 7-8: `redflag restore` and the start-up checks, through the real `redflag` process."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.store import COMPONENTS

REDFLAG = str(Path(sys.executable).with_name("redflag"))


def _env(db: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    environ.update(REDFLAG_DB=str(db), LANG="C.UTF-8", LC_ALL="", TZ="UTC")
    return environ


def redflag(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([REDFLAG, *args], input=stdin, capture_output=True, text=True, env=_env(db), cwd=db.parent, timeout=60)


def _clients(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM clients ORDER BY name")]
    finally:
        conn.close()


def _backup_with(tmp_path: Path, *names: str) -> Path:
    source = tmp_path / "source" / "redflag.db"
    source.parent.mkdir()
    redflag(source, stdin="".join(f"/client add {n}\n" for n in names))
    out = tmp_path / "backup.db"
    assert redflag(source, "backup", str(out)).returncode == 0
    return out


# -- restore -------------------------------------------------------------------


def test_restore_refuses_while_redflag_runs_then_restores_and_keeps_the_old_file(tmp_path: Path) -> None:
    backup = _backup_with(tmp_path, "FromBackup")
    db = tmp_path / "live" / "redflag.db"
    db.parent.mkdir()
    assert redflag(db, stdin="/client add LiveOnly\n").returncode == 0

    running = subprocess.Popen([REDFLAG], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(db), cwd=db.parent)
    try:
        running.stdin.write("/client add WhileRunning\n")
        running.stdin.flush()
        # The console has answered once it printed the confirmation: it has the database open.
        assert "WhileRunning" in running.stdout.readline() + running.stdout.readline() + running.stdout.readline()
        refused = redflag(db, "restore", str(backup))
        assert refused.returncode == 2
        assert "open in another process" in refused.stderr and "Traceback" not in refused.stderr
        assert "FromBackup" not in _clients(db)
    finally:
        running.stdin.close()
        running.wait(timeout=30)

    done = redflag(db, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    kept = db.with_name("redflag.db.before-restore")
    assert str(kept.resolve()) in done.stdout
    assert _clients(db) == ["FromBackup"]
    assert _clients(kept) == ["LiveOnly", "WhileRunning"]  # nothing lost: the old file is kept whole
    assert not db.with_name("redflag.db-wal").exists()
    after = redflag(db, stdin="/client list\n")
    assert after.returncode == 0 and "FromBackup" in after.stdout and "malformed" not in after.stderr


def test_restore_folds_a_crashed_processes_wal_into_the_kept_file(tmp_path: Path) -> None:
    backup = _backup_with(tmp_path, "FromBackup")
    db = tmp_path / "redflag.db"
    assert redflag(db, stdin="/client add Before\n").returncode == 0
    # A process writes and dies without closing: its commits are only in redflag.db-wal.
    crash = (
        "import os, sqlite3; c = sqlite3.connect(os.environ['REDFLAG_DB'], isolation_level=None);"
        "c.execute('PRAGMA journal_mode=WAL'); c.execute(\"UPDATE clients SET name = 'InWalOnly'\"); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", crash], env=_env(db), check=True)
    assert db.with_name("redflag.db-wal").stat().st_size > 0
    done = redflag(db, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert _clients(db) == ["FromBackup"]
    assert _clients(db.with_name("redflag.db.before-restore")) == ["InWalOnly"]
    assert not db.with_name("redflag.db-wal").exists()


def test_restore_checks_the_backup_first(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    assert redflag(db, stdin="/client add Live\n").returncode == 0
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    newer = _backup_with(tmp_path, "Future")
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE schema_versions SET version = 99 WHERE component = 'clients'")
    conn.commit()
    conn.close()
    for backup, words in ((garbage, "not an SQLite database"), (newer, "schema version 99"), (tmp_path / "nope.db", "no backup")):
        result = redflag(db, "restore", str(backup))
        assert result.returncode == 2 and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert _clients(db) == ["Live"]
    assert not db.with_name("redflag.db.before-restore").exists()


def test_backup_docs_point_to_restore() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "backup.md").read_text(encoding="utf-8")
    assert "redflag restore" in docs


# -- start-up checks -------------------------------------------------------------


def test_a_newer_schema_refuses_to_start_naming_both_versions(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    assert redflag(db, stdin="/client add Acme\n").returncode == 0
    known = dict((c, len(m)) for c, m in COMPONENTS)["clients"]
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_versions SET version = 42 WHERE component = 'clients'")
    conn.commit()
    conn.close()
    result = redflag(db, stdin="/client list\n")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0
    assert "version 42" in result.stderr and f"up to {known}" in result.stderr
    assert "Acme" not in result.stdout


def test_a_damaged_or_foreign_file_gives_one_line_pointing_to_restore(tmp_path: Path) -> None:
    not_db = tmp_path / "a" / "redflag.db"
    not_db.parent.mkdir()
    not_db.write_text("hello, I am a text file\n" * 200)
    truncated = tmp_path / "b" / "redflag.db"
    truncated.parent.mkdir()
    assert redflag(truncated, stdin="".join(f'/client add "Client {i}"\n/incident "Client {i}" haggling {"x" * 400}\n' for i in range(60))).returncode == 0
    size = truncated.stat().st_size
    with open(truncated, "rb+") as fh:
        fh.truncate(size // 2)
    for db in (not_db, truncated):
        result = redflag(db, stdin="/client list\n")
        assert result.returncode == 3, result.stderr
        assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
        assert "redflag restore" in result.stderr
