"""Why the event loop stalled: a watchdog thread that catches the loop thread's stack mid-stall.

A ticker on the loop wakes every few milliseconds and stamps the time; a
plain thread checks that stamp every millisecond. When the loop has not
stamped for longer than `threshold`, the watchdog records the loop thread's
stack (`sys._current_frames()`), and the other threads' too, since a thread
holding the GIL in C code stalls the loop as surely as work on the loop
itself. `gc.callbacks` time every collection and note the thread it ran in
(a collection is stop-the-world: whichever thread triggers it, the loop waits).

Used by `bench/delivery.py` (`python -m bench.delivery --why` prints the
stacks); cheap enough to leave on, since it only reads frames when a stall is
already happening. Each tick also records the CPU time the loop thread and
the whole process used while it waited, which tells a stall this process
caused (the loop busy, or another thread holding the GIL) from one the
machine caused (other programs on the same cores).
"""
from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Stall:
    """One stall longer than the threshold: how long, and where each thread was while it lasted."""

    began: float
    length: float = 0.0
    loop_stack: list[str] = field(default_factory=list)
    others: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Collection:
    generation: int
    thread: str
    seconds: float
    collected: int


class StallWatch:
    """Start on the loop (`start()`), stop at the end (`stop()`); `stalls`, `lateness` and `collections` hold the record."""

    def __init__(self, threshold: float = 0.02, tick: float = 0.005) -> None:
        self.threshold = threshold
        self.tick = tick
        self.lateness: list[float] = []  # how late each tick woke: the loop's stalls, large and small
        # CPU used while each tick waited: by the loop thread, and by the whole process (every thread).
        # A stall with little process CPU is the machine's (the OS ran other programs), not ours.
        self.loop_cpu: list[float] = []
        self.process_cpu: list[float] = []
        self.stalls: list[Stall] = []
        self.collections: list[Collection] = []
        self._stamp = time.perf_counter()
        self._done = threading.Event()
        self._loop_thread = threading.get_ident()
        self._gc_started: dict[int, float] = {}
        self._task: asyncio.Task | None = None
        self._thread: threading.Thread | None = None

    # -- the loop side --------------------------------------------------------------
    async def _ticker(self) -> None:
        loop = asyncio.get_running_loop()
        loop_clock = time.pthread_getcpuclockid(threading.get_ident())
        while not self._done.is_set():
            before, loop_cpu, process_cpu = loop.time(), time.clock_gettime(loop_clock), time.process_time()
            self._stamp = time.perf_counter()
            await asyncio.sleep(self.tick)
            late = loop.time() - before - self.tick
            self.lateness.append(late)
            self.loop_cpu.append(time.clock_gettime(loop_clock) - loop_cpu)
            self.process_cpu.append(time.process_time() - process_cpu)
            self._stamp = time.perf_counter()

    def start(self) -> None:
        self._loop_thread = threading.get_ident()
        self._stamp = time.perf_counter()
        self._task = asyncio.get_running_loop().create_task(self._ticker())
        self._thread = threading.Thread(target=self._watch, name="stall-watch", daemon=True)
        self._thread.start()
        gc.callbacks.append(self._on_gc)

    def reset(self) -> None:
        """Forget what was recorded so far (the warm-up)."""
        self.lateness.clear()
        self.loop_cpu.clear()
        self.process_cpu.clear()
        self.stalls.clear()
        self.collections.clear()

    async def stop(self) -> None:
        self._done.set()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            await self._task
        if self._thread is not None:
            self._thread.join(timeout=1)

    # -- the watchdog thread ----------------------------------------------------------
    def _watch(self) -> None:
        current: Stall | None = None
        while not self._done.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            late = now - self._stamp - self.tick
            if late > self.threshold:
                if current is None or current.began != self._stamp:
                    current = Stall(began=self._stamp)
                    self._snapshot(current)
                    self.stalls.append(current)
                current.length = late
            else:
                current = None

    def _snapshot(self, stall: Stall) -> None:
        names = {t.ident: t.name for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            lines = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_stack(frame)]
            if ident == self._loop_thread:
                stall.loop_stack = lines
            elif ident != threading.get_ident():
                stall.others[names.get(ident, str(ident))] = lines[-12:]

    # -- collections ---------------------------------------------------------------------
    def _on_gc(self, phase: str, info: dict) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._gc_started[ident] = time.perf_counter()
            return
        began = self._gc_started.pop(ident, None)
        if began is not None:
            self.collections.append(Collection(info.get("generation", -1), threading.current_thread().name,
                                               time.perf_counter() - began, info.get("collected", 0)))

    # -- the report ---------------------------------------------------------------------
    def longest(self) -> float:
        return max(self.lateness, default=0.0)

    def longest_on_cpu(self) -> float:
        """The longest stall counting only time this process was running (an upper bound of what it caused).

        Per tick: the lateness, capped by the CPU the whole process used meanwhile. On an idle machine
        this equals `longest()`; on a loaded one it leaves out the time the OS gave to other programs.
        """
        return max((min(late, cpu) for late, cpu in zip(self.lateness, self.process_cpu)), default=0.0)

    def worst_ticks(self, top: int = 3) -> list[tuple[float, float, float]]:
        """(lateness, loop-thread CPU, process CPU) of the latest ticks."""
        ticks = sorted(zip(self.lateness, self.loop_cpu, self.process_cpu), reverse=True)
        return ticks[:top]

    def describe(self, top: int = 5, depth: int = 14) -> str:
        out = [f"{len(self.stalls)} stalls over {self.threshold * 1e3:.0f} ms; longest tick lateness "
               f"{self.longest() * 1e3:.1f} ms"]
        by_gen = Counter()
        slow_gc = sorted(self.collections, key=lambda c: c.seconds, reverse=True)[:top]
        for c in self.collections:
            by_gen[c.generation] += 1
        out.append("latest ticks (wall / loop-thread CPU / process CPU, ms): " + "; ".join(
            f"{w * 1e3:.0f} / {lc * 1e3:.0f} / {pc * 1e3:.0f}" for w, lc, pc in self.worst_ticks()))
        out.append(f"collections by generation: {dict(by_gen)}; slowest: "
                   + ", ".join(f"gen{c.generation} {c.seconds * 1e3:.1f} ms in {c.thread}" for c in slow_gc))
        for s in sorted(self.stalls, key=lambda s: s.length, reverse=True)[:top]:
            out.append(f"-- stall of at least {s.length * 1e3:.1f} ms; loop thread at:")
            out.extend("   " + line for line in s.loop_stack[-depth:])
            for name, lines in s.others.items():
                if name.startswith(("redflag", "asyncio", "ThreadPool")):
                    out.append(f"   [{name}] " + " <- ".join(reversed([ln.rsplit('/', 1)[-1] for ln in lines[-5:]])))
        return "\n".join(out)
