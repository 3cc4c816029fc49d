"""Slow commands in processes of their own, so their Python work never holds the adapter's loop (issue 20).

A report with its chart or an export of 10 000 incidents is pure Python for
hundreds of milliseconds (matplotlib, building the CSV). On a thread of the
adapter's process it holds the GIL, and the loop serving `/incident` waits for
it at every switch: `/incident` beside slow commands took 1.7x its time
alone. Here each slow command (a `Command` whose subcommand is declared
`slow=True`, `bot/lanes.py`) runs in a worker process that opened its own
`Core` on the same database (SQLite in WAL mode, or the same PostgreSQL URL);
everything else (short commands, buttons, forms, uploads) runs in-process as
before. The calling thread only waits on a pipe, which holds no GIL.

The guarantees stay where they were: the adapter's retry memory claims the
request key before and keeps the answer after (`adapters/slack/replay.py`),
in the adapter's process; the worker's writes commit in its own transaction
before it answers, keyed on the request id like every write. A worker that
dies (killed, out of memory) mid-command wrote nothing (its transaction rolls
back) or committed everything (a retry finds the writes keyed and writes
nothing twice): its caller gets `WorkerDied`, the adapter answers with a
translated error and lets the key go, and a fresh worker takes its place.

Each worker is a one-process `ProcessPoolExecutor`, so a dying worker breaks
only the command it ran, not the others in flight. Workers start on the first
slow command (no process for a bot that never runs one), from a `forkserver`
that has the core imported (a worker starts in milliseconds), with the
environment of the adapter's process at that moment. `REDFLAG_SLOW_PROCESSES`
sets how many (default 2; 0 keeps slow commands on the adapter's threads).
A store with no file (`:memory:`) cannot be shared and stays in-process too.
"""
from __future__ import annotations

import logging
import os
import pickle
import threading
import weakref
from datetime import datetime
from typing import TYPE_CHECKING

from bot import lanes
from bot.events import Address, Event
from bot.replies import Attachment, Later, Reply

if TYPE_CHECKING:  # multiprocessing is imported when the first worker starts, not at start-up (issue 20)
    import multiprocessing.context

    from bot.core import Core
    from storage.store import Store

log = logging.getLogger(__name__)

#: Worker processes for slow commands (the machine this was measured on has two cores).
PROCESSES = 2
ENV = "REDFLAG_SLOW_PROCESSES"
#: How much lower than the adapter's the workers' CPU priority is (`nice`), `REDFLAG_SLOW_NICE` to change it.
NICE = 10
NICE_ENV = "REDFLAG_SLOW_NICE"
#: Imported once by the forkserver, so a worker forked from it starts with the core and matplotlib loaded
#: (its font list too): a worker then starts in milliseconds, and its chart warm-up only draws.
PRELOAD = ["bot.core", "bot.commands", "storage.store", "bot.report.chart", "bot.report.text",
           "matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.font_manager"]


class WorkerDied(Exception):
    """The worker process running a slow command ended before it answered (killed, out of memory)."""


def died_reply(core: "Core", address: Address) -> Reply:
    """What the user is told when the worker running their command died: nothing was saved twice, try again."""
    return Reply(text=core.messages_for(address)("error.slow_worker_died"), is_error=True)


def target_of(store: "Store") -> str | None:
    """What a worker opens to reach the same database: the SQLite file, the full PostgreSQL URL; None for `:memory:`."""
    database = store.database
    if database.dialect.sqlite:
        return None if database.path == ":memory:" else os.path.abspath(database.path)
    return database.engine.url.render_as_string(hide_password=False)


def configured_processes(env: "os._Environ[str] | dict[str, str] | None" = None) -> int:
    raw = (env if env is not None else os.environ).get(ENV, "").strip()
    try:
        return max(0, int(raw)) if raw else PROCESSES
    except ValueError:
        log.warning("%s=%r is not a number: using %d", ENV, raw, PROCESSES)
        return PROCESSES


# -- in the worker process ---------------------------------------------------------
def _be_nice(environ: dict[str, str]) -> None:
    """A lower CPU priority than the adapter's: on a busy machine the loop serving `/incident` runs first.

    A slow command keeps a core busy for as long as it runs; at the same priority, on a
    machine with no core to spare, it took CPU time from the loop it was moved away from.
    """
    try:
        os.nice(max(0, int(environ.get(NICE_ENV, NICE))))
    except (ValueError, OSError, AttributeError):  # not a number, or no nice() (Windows): as it is
        pass


_core: "Core | None" = None


def _open(target: str, environ: dict[str, str]) -> None:
    """A worker's start: the adapter's environment, its own Core on the same database, the chart warmed."""
    import signal

    global _core
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the adapter's to handle; it stops us
    _be_nice(environ)
    os.environ.clear()
    os.environ.update(environ)
    from bot.core import Core
    from bot.report.chart import warm_in_background
    from storage.store import Store

    _core = Core(Store(target))
    warm_in_background(0.0)  # matplotlib's first draw before the first report needs it


def _run(event: Event, now: datetime, later: bool) -> list[Reply]:
    """One slow command, at the time it arrived in the adapter (the adapter's clock, which tests may set)."""
    assert _core is not None, "worker not opened"
    _core.clock = lambda: now
    return _core.handle(event, later=later)


def _make(order: Later) -> tuple[Attachment, ...]:
    """The files a reply promised (the report's chart): matplotlib's work, here too."""
    from bot.later import make

    return make(order)


def _pid() -> int:
    return os.getpid()


# -- in the adapter's process ------------------------------------------------------
def _crosses(event: Event) -> bool:
    """Whether the event can be sent to another process (a slow command's few words always can)."""
    try:
        pickle.dumps(event)
        return True
    except Exception as err:  # e.g. a platform object among typed values: answered in-process
        log.warning("a slow command answered in-process: its event does not pickle (%s)", type(err).__name__)
        return False


class _Worker:
    """One process, one command at a time; `busy` counts the commands given to it and not yet answered."""

    def __init__(self, context: multiprocessing.context.BaseContext, target: str) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_open,
                                        initargs=(target, dict(os.environ)))
        self.busy = 0


class SlowLane:
    """Where a core's slow commands run: `handle(event)` blocks its (adapter pool) thread until the answer.

    Thread-safe: the adapters call it from their pools of threads.
    """

    def __init__(self, core: "Core", processes: int | None = None) -> None:
        self.core = core
        wanted = configured_processes() if processes is None else processes
        self.target = target_of(core.store) if wanted > 0 else None
        self.processes = wanted if self.target is not None else 0
        self._workers: list[_Worker | None] = [None] * self.processes
        self._lock = threading.Lock()
        self._context: multiprocessing.context.BaseContext | None = None

    @property
    def enabled(self) -> bool:
        return self.processes > 0

    def handle(self, event: Event, later: bool = False) -> list[Reply]:
        """The core's answer: a slow command in a worker process, anything else here.

        `later`: files that may follow the reply stay orders (`Reply.later`, see `make`).
        Raises `WorkerDied` when the worker ended before answering (the caller answers with
        `died_reply` and lets the request key go, so a retry runs it again).
        """
        if not self.enabled or not lanes.is_slow(event) or not _crosses(event):
            return self.core.handle(event, later=later)
        return self._in_worker(_run, event, self.core.clock(), later)

    def make(self, order: Later) -> tuple[Attachment, ...]:
        """The files a reply promised (`bot/later.py`), made in a worker process when there are any.

        Raises `WorkerDied` like `handle` (nothing was written: making files writes nothing).
        """
        if not self.enabled:
            from bot.later import make

            return make(order)
        return self._in_worker(_make, order)

    def _in_worker(self, fn, *args):  # type: ignore[no-untyped-def]
        from concurrent.futures.process import BrokenProcessPool

        slot, worker = self._take()
        try:
            future = worker.pool.submit(fn, *args)
            try:
                return future.result()
            except BrokenProcessPool:
                self._replace(slot, worker)
                log.error("a slow commands' worker process died (%s); a fresh one takes its place", fn.__name__)
                raise WorkerDied() from None
        finally:
            with self._lock:
                worker.busy -= 1

    def worker_pids(self) -> list[int]:
        """The process ids of the workers started so far (operators' tools, tests)."""
        with self._lock:
            workers = [w for w in self._workers if w is not None]
        pids: list[int] = []
        for w in workers:
            pids.extend(p.pid for p in list((w.pool._processes or {}).values()) if p.pid is not None)
        return pids

    def shutdown(self) -> None:
        """Stop every worker; a command still running finishes first. The lane starts afresh if used again."""
        with self._lock:
            workers, self._workers = self._workers, [None] * self.processes
        for w in workers:
            if w is not None:
                w.pool.shutdown(wait=False, cancel_futures=True)

    # -- which worker ------------------------------------------------------------
    def _take(self) -> tuple[int, _Worker]:
        """The least busy worker (an idle one first), started when it is not running yet."""
        with self._lock:
            slot = min(range(self.processes), key=lambda i: (self._workers[i].busy if self._workers[i] else 0, i))
            worker = self._workers[slot]
            if worker is None:
                assert self.target is not None
                worker = self._workers[slot] = _Worker(self._mp_context(), self.target)
            worker.busy += 1
            return slot, worker

    def _replace(self, slot: int, broken: _Worker) -> None:
        """A dead worker's slot is emptied (once, whoever notices first); the next command starts a fresh one."""
        with self._lock:
            if self._workers[slot] is broken:
                self._workers[slot] = None
        broken.pool.shutdown(wait=False, cancel_futures=True)

    def _mp_context(self) -> multiprocessing.context.BaseContext:
        import multiprocessing

        if self._context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
            else:  # macOS / Windows: a fresh interpreter per worker
                context = multiprocessing.get_context("spawn")
            self._context = context
        return self._context


_lanes: "weakref.WeakKeyDictionary[Core, SlowLane]" = weakref.WeakKeyDictionary()
_lanes_lock = threading.Lock()


def lane_for(core: "Core") -> SlowLane:
    """The one lane of a core, shared by every adapter serving it (Slack and Discord in one process)."""
    with _lanes_lock:
        lane = _lanes.get(core)
        if lane is None:
            lane = _lanes[core] = SlowLane(core)
        return lane
