"""`storage.backup.backup`: a consistent, complete copy while another connection keeps writing."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from storage.backup import BackupRefused, backup
from storage.records import Owner
from storage.store import Store

OWNER = Owner("W1", "U1")


def _live_store(path: Path, clients: int) -> Store:
    store = Store(path)
    for i in range(clients):
        store.clients.add(OWNER, f"Client {i:04d}", 30, "EUR", None)
    return store


def _rows(path: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def test_backup_while_another_connection_writes(tmp_path: Path) -> None:
    live = tmp_path / "redflag.db"
    store = _live_store(live, 50)
    client = store.clients.by_name(OWNER, "Client 0000")
    assert client is not None

    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        # A second connection (the bot) keeps committing incidents through the whole backup.
        other = Store(live)
        try:
            while not stop.is_set():
                incident, _ = other.incidents.add(OWNER, client.id, "scope-creep", f"revision {len(written)}")
                written.append(incident.id)
        finally:
            other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20 and thread.is_alive():  # the writer is demonstrably running before we copy
            thread.join(0.01)
        assert thread.is_alive()
        copies = [backup(live, tmp_path / f"copy-{n}.db") for n in range(3)]
        committed_before_last = len(written)
    finally:
        stop.set()
        thread.join()
    store.close()

    for result in copies:
        copy = Path(result.path)
        conn = sqlite3.connect(copy)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        finally:
            conn.close()
        assert not Path(str(copy) + "-wal").exists()
        assert len(_rows(copy, "clients")) == 50
        assert result.size_bytes == copy.stat().st_size > 0

    # The last copy holds at least every incident committed before it started, each intact.
    last = _rows(Path(copies[-1].path), "incidents")
    assert len(last) >= 20
    live_rows = {r[0]: r for r in _rows(live, "incidents")}
    for row in last:
        assert live_rows[row[0]] == row
    assert committed_before_last >= 20


def test_backup_copy_opens_as_a_store_with_the_same_rows(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    store = _live_store(live, 3)
    client = store.clients.by_name(OWNER, "Client 0001")
    assert client is not None
    store.incidents.add(OWNER, client.id, "haggling", "«Others do it for half» — 😤, \"quoted\"")
    result = backup(live, tmp_path / "restored.db")  # the bot still has the file open
    restored = Store(result.path)
    try:
        assert [c.name for c in restored.clients.list(OWNER)] == ["Client 0000", "Client 0001", "Client 0002"]
        [incident] = restored.incidents.for_client(OWNER, client.id)
        assert incident.note == "«Others do it for half» — 😤, \"quoted\""
    finally:
        restored.close()
        store.close()


def test_backup_into_a_folder_writes_a_dated_file(tmp_path: Path) -> None:
    live = tmp_path / "redflag.db"
    _live_store(live, 1).close()
    folder = tmp_path / "backups"
    folder.mkdir()
    result = backup(live, folder)
    assert Path(result.path).parent == folder
    assert Path(result.path).name.startswith("redflag-") and result.path.endswith(".db")
    assert len(_rows(Path(result.path), "clients")) == 1


def test_backup_replaces_an_older_backup_atomically(tmp_path: Path) -> None:
    live = tmp_path / "redflag.db"
    store = _live_store(live, 1)
    dest = tmp_path / "nightly.db"
    backup(live, dest)
    store.clients.add(OWNER, "Later", 30, "EUR", None)
    backup(live, dest)
    store.close()
    assert len(_rows(dest, "clients")) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_backup_refuses_to_overwrite_the_live_database(tmp_path: Path, suffix: str) -> None:
    live = tmp_path / "redflag.db"
    store = _live_store(live, 2)
    before = _rows(live, "clients")
    with pytest.raises(BackupRefused) as err:
        backup(live, str(live) + suffix)
    assert err.value.reason == "live_database"
    assert _rows(live, "clients") == before
    store.close()


def test_backup_refuses_the_live_database_by_another_name(tmp_path: Path) -> None:
    live = tmp_path / "redflag.db"
    store = _live_store(live, 1)
    (tmp_path / "alias.db").symlink_to(live)
    (tmp_path / "hard.db").hardlink_to(live)
    for other_name in ("alias.db", "hard.db"):
        with pytest.raises(BackupRefused) as err:
            backup(live, tmp_path / other_name)
        assert err.value.reason == "live_database"
    assert len(_rows(live, "clients")) == 1
    store.close()


def test_backup_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(BackupRefused) as err:
        backup(tmp_path / "nope.db", tmp_path / "copy.db")
    assert err.value.reason == "missing_source"
    assert list(tmp_path.iterdir()) == []


def test_backup_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    live = tmp_path / "redflag.db"
    _live_store(live, 1).close()
    with pytest.raises(BackupRefused) as err:
        backup(live, tmp_path / "no" / "such" / "copy.db")
    assert err.value.reason == "no_folder"


def test_backup_of_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not sqlite at all, just words " * 100)
    with pytest.raises(BackupRefused) as err:
        backup(bogus, tmp_path / "copy.db")
    assert err.value.reason == "not_a_database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_redflag_backup_command(tmp_path: Path, monkeypatch, capsys) -> None:
    """`redflag backup <path>` as an operator runs it: the copy, and a plain answer either way."""
    from redflag.cli import main

    live = tmp_path / "redflag.db"
    store = _live_store(live, 2)
    monkeypatch.setenv("REDFLAG_DB", str(live))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Backup written to {tmp_path / 'copy.db'} (")
    assert len(_rows(tmp_path / "copy.db", "clients")) == 2

    assert main(["backup", str(live)]) == 2
    assert "Refusing to write the backup over the live database" in capsys.readouterr().err
    assert len(_rows(live, "clients")) == 2
    store.close()
