"""`storage/checkpoints.py`: a serving store's WAL checkpoints run on their own thread, and the WAL stays bounded.

Real SQLite files; the writes are the store's own (`incidents.add`) in its
transactions, as `/incident` makes them.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from storage import checkpoints
from storage.records import Owner
from storage.store import Store

ME = Owner("W1", "U1")


def _autocheckpoint(store: Store) -> int:
    return store.database.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]


def _wal(path: Path) -> int:
    return os.path.getsize(f"{path}-wal") if os.path.exists(f"{path}-wal") else 0


def _write(store: Store, client_id: int, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        store.incidents.add(ME, client_id, "scope-creep", "x" * 400 + str(n), request_id=f"r{n}")


def _until(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "redflag-checkpoint"]


def test_a_store_that_does_not_serve_keeps_sqlites_own_checkpoints(tmp_path: Path) -> None:
    store = Store(tmp_path / "plain.db")
    try:
        assert _autocheckpoint(store) == checkpoints.AUTOMATIC_PAGES and not _threads()
    finally:
        store.close()


def test_a_serving_store_checkpoints_on_its_own_thread_and_starts_the_wal_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoints, "INTERVAL", 0.01)
    monkeypatch.setattr(checkpoints, "RESTART_BYTES", 256 * 1024)
    path = tmp_path / "serve.db"
    store = Store(path)
    try:
        client = store.clients.add(ME, "Acme", 30, "EUR", None)
        store.serving()
        assert _autocheckpoint(store) == 0  # a commit on the request path never checkpoints now
        assert _threads() == ["redflag-checkpoint"]
        cp = store.database._checkpointer
        assert cp is not None
        written = 0
        largest = 0
        deadline = time.monotonic() + 20
        while (cp.restarts < 3 or written < 4000) and time.monotonic() < deadline:
            _write(store, client.id, 20, written)  # a busy server's pace: thousands of commits a second
            written += 20
            largest = max(largest, _wal(path))
            time.sleep(0.002)
        # Thousands of commits of a row and four index entries went through the WAL (each a page or
        # more); the file was started over and cut back, never grown to hold them all.
        assert largest < 4 * 1024 * 1024 < written * 5 * 4096
        assert cp.checkpoints > 0 and cp.restarts >= 3
        other = sqlite3.connect(path)
        try:
            assert other.execute("SELECT count(*) FROM incidents").fetchone()[0] == written
        finally:
            other.close()
    finally:
        store.close()
    assert not _threads()
    reopened = sqlite3.connect(path)
    try:
        assert reopened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert reopened.execute("SELECT count(*) FROM incidents").fetchone()[0] == written
    finally:
        reopened.close()


def test_a_quiet_moment_starts_the_wal_over_on_the_thread_not_in_the_next_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past RESTART_BYTES, a look that finds no commit since the last one copies the rest, starts the file over
    with the thread's own write and cuts it back: the store's next commit has nothing left to do (issue 20)."""
    monkeypatch.setattr(checkpoints, "INTERVAL", 0.02)
    monkeypatch.setattr(checkpoints, "RESTART_BYTES", 256 * 1024)
    monkeypatch.setattr(checkpoints, "BUSY_FACTOR", 1000)  # no restart while the writes go on
    path = tmp_path / "quiet.db"
    store = Store(path)
    try:
        client = store.clients.add(ME, "Acme", 30, "EUR", None)
        store.serving()
        cp = store.database._checkpointer
        assert cp is not None
        _write(store, client.id, 400)  # a burst: ~2 MB of WAL, commits far closer together than a look's interval
        # Then nothing: no commit of the store from here on until the file has been started over and cut back.
        assert _until(lambda: cp.restarts >= 1 and _wal(path) <= 256 * 1024, 5)
        other = sqlite3.connect(path, isolation_level=None)
        try:
            busy, frames, done = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            assert (busy, frames) == (0, 1) and done == 1  # the file holds the thread's one write, nothing else
            assert other.execute("PRAGMA user_version").fetchone()[0] == 0
        finally:
            other.close()
        _write(store, client.id, 1, start=400)
        assert store.incidents.count_for_client(ME, client.id) == 401
    finally:
        store.close()
    reopened = sqlite3.connect(path)
    try:
        assert reopened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert reopened.execute("SELECT count(*) FROM incidents").fetchone()[0] == 401
    finally:
        reopened.close()


def test_without_the_thread_sqlite_checkpoints_at_commit_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("unable to open database file")

    store = Store(tmp_path / "fails.db")
    monkeypatch.setattr(checkpoints.sqlite3, "connect", refuse)  # the thread's own connection, not the store's
    try:
        with caplog.at_level(logging.ERROR, logger="storage.checkpoints"):
            store.serving()
            assert _until(lambda: not store.database._checkpointer.running)
        assert _autocheckpoint(store) == checkpoints.AUTOMATIC_PAGES
        assert "SQLite checkpoints at commit again" in caplog.text
    finally:
        store.close()


def test_stopping_puts_the_automatic_checkpoint_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "stop.db")
    try:
        store.serving()
        assert _autocheckpoint(store) == 0
        store.database._checkpointer.stop()
        assert _autocheckpoint(store) == checkpoints.AUTOMATIC_PAGES and not _threads()
    finally:
        store.database._checkpointer = None
        store.close()


def test_another_processs_commits_in_between_do_not_let_the_wal_grow_for_ever(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second writer on the file (a connection the store's lock does not hold back, as another process)."""
    monkeypatch.setattr(checkpoints, "INTERVAL", 0.01)
    monkeypatch.setattr(checkpoints, "RESTART_BYTES", 256 * 1024)
    monkeypatch.setattr(checkpoints, "STUCK_BYTES", 1024 * 1024)
    path = tmp_path / "two.db"
    store = Store(path)
    stop = threading.Event()
    other_rows = [0]

    def other_process() -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA wal_autocheckpoint=0")  # as a serving process of its own would
        try:
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO schema_versions (component, version) VALUES (?, 0)", (f"other-{other_rows[0]}",))
                conn.execute("COMMIT")
                other_rows[0] += 1
                time.sleep(0.0005)  # a busy second worker: about a thousand commits a second
        finally:
            conn.close()

    try:
        client = store.clients.add(ME, "Acme", 30, "EUR", None)
        store.serving()
        writer = threading.Thread(target=other_process)
        writer.start()
        written, largest = 0, 0
        try:
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:
                _write(store, client.id, 20, written)
                written += 20
                largest = max(largest, _wal(path))
                time.sleep(0.002)
        finally:
            stop.set()
            writer.join()
        assert other_rows[0] > 500
        assert largest < 8 * 1024 * 1024 < (written + other_rows[0]) * 4096
        assert store.incidents.count_for_client(ME, client.id) == written
    finally:
        store.close()
