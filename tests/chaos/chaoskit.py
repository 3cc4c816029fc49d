"""The chaos test's moving parts: restartable `redflag` processes, the killer, the sweepers' days.

Every process is a real `redflag` child on loopback against the fakes running
on the test's event loop, sharing one PostgreSQL database. Logs go to files
beside the test (a pipe nobody reads would block a child), and are printed
when something fails.
"""
from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from faultkit import REDFLAG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """One named `redflag` process that the killer may SIGKILL; `keep` ones are started again after a kill."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logs: Path, keep: bool = True) -> None:
        self.name, self.argv, self.env, self.keep = name, argv, env, keep
        self.log = logs / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None
        self.kills = 0
        self.starts = 0
        self.started = 0.0

    async def start(self) -> None:
        self.starts += 1
        self.started = time.monotonic()
        out = open(self.log, "ab")
        out.write(f"\n=== start {self.starts}: {' '.join(self.argv)}\n".encode())
        out.flush()
        try:
            self.proc = await asyncio.create_subprocess_exec(
                str(REDFLAG), *self.argv, env=self.env, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
        finally:
            out.close()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def kill(self) -> bool:
        """SIGKILL: no clean-up, like a crash or an OOM kill. False if it was not running."""
        if not self.alive:
            return False
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.kills += 1
        return True

    async def stop(self) -> int | None:
        if self.alive:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode if self.proc else None

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(text[-lines:])


class Sweeper:
    """One host running `redflag nudges run --at <day> --yes` for each simulated day; a killed run is run again."""

    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name, self.env, self.logs = name, env, logs
        self.current: Proc | None = None
        self.runs = 0
        self.killed = 0
        self.rerun = False  # the current run is a killed one's repeat: the killer leaves it alone

    async def sweep(self, at: str) -> None:
        self.rerun = False
        while True:
            self.runs += 1
            proc = Proc(self.name, ["nudges", "run", "--at", at, "--yes"], self.env, self.logs, keep=False)
            self.current = proc
            await proc.start()
            assert proc.proc is not None
            code = await proc.proc.wait()
            if code == -signal.SIGKILL:
                self.killed += 1
                self.rerun = True
                continue  # cron runs it again: the same day
            assert code == 0, f"{self.name} at {at} exited {code}:\n{proc.tail()}"
            return

    @property
    def killable(self) -> bool:
        return self.current is not None and self.current.alive and not self.rerun

    async def kill(self) -> bool:
        return self.killable and self.current is not None and await self.current.kill()


@dataclass
class Killer:
    """Every few seconds SIGKILLs one random process (seeded) and starts a long-running one again."""

    seed: int
    workers: list[Proc]
    sweepers: list[Sweeper]
    pause: tuple[float, float] = (3.0, 6.0)
    #: A worker is killed again only after it has had this long to start (a start costs seconds here).
    settle: float = 8.0
    #: How often the victim is a sweep when one can be killed: a restart costs CPU, a sweep's kill finds bugs.
    sweeps_first: float = 0.6
    log: list[tuple[float, str, bool]] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        rng = random.Random(self.seed)
        names = [w.name for w in self.workers] + [s.name for s in self.sweepers]
        started = time.monotonic()
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), rng.uniform(*self.pause))
                return
            except asyncio.TimeoutError:
                pass
            # Each sweep is killed at most once (its repeat runs to the end), each worker only once it has had
            # time to start: the run stays bounded however slow the machine is.
            now = time.monotonic()
            choices = [n for n in names if any(w.name == n and now - w.started >= self.settle for w in self.workers)
                       or any(s.name == n and s.killable for s in self.sweepers)]
            if not choices:
                continue
            sweeps = [n for n in choices if any(s.name == n for s in self.sweepers)]
            victim = rng.choice(sweeps if sweeps and rng.random() < self.sweeps_first else choices)
            for w in self.workers:
                if w.name == victim:
                    hit = await w.kill()
                    self.log.append((time.monotonic() - started, victim, hit))
                    await asyncio.sleep(rng.uniform(0.0, 0.5))
                    await w.start()
            for s in self.sweepers:
                if s.name == victim:
                    self.log.append((time.monotonic() - started, victim, await s.kill()))


def chaos_seed() -> int:
    """REDFLAG_CHAOS_SEED replays a run's choices; otherwise a fresh seed (printed by the test)."""
    given = os.environ.get("REDFLAG_CHAOS_SEED", "").strip()
    return int(given) if given else random.SystemRandom().randrange(1, 2**31)
