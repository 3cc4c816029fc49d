"""SQLite's WAL checkpoints on a thread of their own, off the request path of a serving process.

In WAL mode a commit appends its pages to the `-wal` file; every 1000 pages
the committing connection also copies them back into the database file and
syncs it (the automatic checkpoint). On a serving process that connection
is the one the event loop answers `/incident` on, so about one request in a
hundred waited for a checkpoint: half of all the time spent in COMMIT, stalls
of up to 5 ms for every request in flight (issue 20, `bench/slack_roundtrip.py`).

`Checkpointer` turns the automatic checkpoint off on the store's connection
and runs `PRAGMA wal_checkpoint(PASSIVE)` from its own connection on its own
thread whenever the database changed. PASSIVE copies what it can without
waiting for, or blocking, any reader or writer, and SQLite releases the GIL
while it works. Durability is unchanged: a commit is on disk in the WAL when
it returns, checkpointed or not. If the thread fails, the automatic
checkpoint is switched back on, so the WAL never grows without bound.

The file is started over (`_restart`) at a quiet moment: once it passes
`RESTART_BYTES`, at the first look that finds no commit since the one before,
so no request waits for the last frames to be copied and synced, nor for the
file to be cut back to that size (a truncation of milliseconds, tens for a
large file). Under commits that never pause it is started over once it passes
`BUSY_FACTOR` times that, and not cut back until a quiet moment. The write
that starts it over is made on this thread too, not left to the store's next
commit (issue 20, ninth pass).

Only a long-running server starts one (`redflag serve`); a one-off command
(the console, a cron sweep) keeps SQLite's default.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import Callable, ContextManager

log = logging.getLogger(__name__)

#: Seconds between looks at whether the database changed (`PRAGMA data_version`).
INTERVAL = 0.1
#: SQLite's own default, put back when the thread stops or fails.
AUTOMATIC_PAGES = 1000
#: A WAL this large (its frames, or the file) is started over from its beginning at the first quiet look (`_restart`).
RESTART_BYTES = 16 * 1024 * 1024
#: ... and this many times as large, even while commits keep coming (the store's connection waits once).
BUSY_FACTOR = 4
#: Frames still this large after that (other processes' commits came in between): restarted by force.
STUCK_BYTES = 8 * RESTART_BYTES
#: How long a forced restart waits for other processes' writers and readers (ms).
RESTART_WAIT_MS = 1000


class Checkpointer:
    """A daemon thread checkpointing one SQLite file; `stop()` joins it and puts the automatic checkpoint back."""

    def __init__(self, path: str, connection: sqlite3.Connection, lock: Callable[[], ContextManager[object]],
                 interval: float | None = None) -> None:
        self._path = path
        self._connection = connection  # the store's: only its pragma is touched here, under its lock
        self._lock = lock
        self._interval = INTERVAL if interval is None else interval
        self._stop = threading.Event()
        self.checkpoints = 0  # PASSIVE runs that copied pages (tests, and a look at a live process)
        self.restarts = 0  # RESTART runs (`_restart`)
        with lock():
            connection.execute("PRAGMA wal_autocheckpoint=0")
            # The thread starts the file over (`_start_over`); should this connection's commit do it instead
            # (another process held the file), it cuts back only a file past what a busy restart leaves.
            connection.execute(f"PRAGMA journal_size_limit={RESTART_BYTES * BUSY_FACTOR}")
        self._thread = threading.Thread(target=self._run, name="redflag-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            own = sqlite3.connect(self._path, check_same_thread=False, timeout=0, isolation_level=None)
        except sqlite3.Error:
            log.exception("WAL checkpoints: cannot open %s; SQLite checkpoints at commit again", self._path)
            self._automatic()
            return
        try:
            frame_bytes = own.execute("PRAGMA page_size").fetchone()[0] + 24  # a WAL frame: its header and a page
            seen = restarted = None
            used = 0  # bytes of frames in the WAL at the last look (the file itself keeps its size when not cut back)
            while not self._stop.wait(self._interval):
                version = own.execute("PRAGMA data_version").fetchone()[0]  # changes when another connection commits
                if version != seen:  # commits since the last look: copy what they wrote
                    seen = version
                    busy, frames, done = own.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    used = max(frames, 0) * frame_bytes
                    if frames > 0 and done > 0:
                        self.checkpoints += 1
                    if not busy and used > RESTART_BYTES * BUSY_FACTOR:
                        self._restart(own, cut_back=False, stuck=used > STUCK_BYTES)  # they never pause: the store waits once
                        restarted, used = version, 0
                elif restarted != version and max(used, self._wal_bytes()) > RESTART_BYTES:
                    self._restart(own, cut_back=True, stuck=used > STUCK_BYTES)  # quiet: nobody is waiting for the store
                    restarted, used = version, 0
        except Exception:  # noqa: BLE001 - a thread of its own: say it, and let SQLite checkpoint at commit again
            log.exception("WAL checkpoints stopped on %s; SQLite checkpoints at commit again", self._path)
            self._automatic()
        finally:
            try:
                own.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                pass
            own.close()

    def _wal_bytes(self) -> int:
        try:
            return os.path.getsize(self._path + "-wal")
        except OSError:
            return 0

    def _restart(self, own: sqlite3.Connection, cut_back: bool, stuck: bool) -> None:
        """Copy the last frames under the store's lock, then start the WAL over with a write of this thread.

        Only a writer that finds every frame copied writes the file from its start again; with commits
        arriving all the time a PASSIVE run never finds it so, and the file would grow for ever (and
        every commit slow down with it). Under the store's lock no commit of this process can come in
        between: the run copies what the last one left (a few frames) and syncs, and `_start_over`
        makes the write that restarts the file and cuts it back. Run at a quiet moment nobody waits;
        under commits that never pause the loop waits once per `BUSY_FACTOR` × `RESTART_BYTES` of WAL,
        instead of a whole copy and two syncs on the request path every `AUTOMATIC_PAGES` pages.

        Another process writing the same file (a second worker, the console) can still come in between.
        Past `STUCK_BYTES` the run is SQLite's RESTART instead, which also holds every other process's
        writers back (up to `RESTART_WAIT_MS`) until the file can start over.
        """
        with self._lock():
            if stuck:
                own.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
                try:
                    own.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
                finally:
                    own.execute("PRAGMA busy_timeout=0")
            else:
                own.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self._start_over(own, cut_back)
        self.restarts += 1

    @staticmethod
    def _start_over(own: sqlite3.Connection, cut_back: bool) -> None:
        """One write (the header's `user_version`, rewritten as it is) to restart the copied WAL on this thread.

        The first commit after every frame is copied writes the file from its start and, past
        `journal_size_limit`, truncates it: milliseconds that were the store's next commit's, with every
        request behind it waiting. `cut_back`: truncate to `RESTART_BYTES` (at a quiet moment); otherwise
        the file keeps its size. `user_version` is not otherwise used by Redflag.
        """
        try:
            own.execute(f"PRAGMA journal_size_limit={RESTART_BYTES if cut_back else -1}")
            version = own.execute("PRAGMA user_version").fetchone()[0]
            own.execute(f"PRAGMA user_version={int(version)}")
        except sqlite3.OperationalError:  # another process's writer holds the file: its commit restarts it instead
            pass

    def _automatic(self) -> None:
        try:
            with self._lock():
                self._connection.execute(f"PRAGMA wal_autocheckpoint={AUTOMATIC_PAGES}")
        except sqlite3.Error:
            pass  # the connection is closing

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        self._automatic()
