"""The chaos test's moving parts: restartable `redflag` processes, the killer, the sweepers' days.

Every process is a real `redflag` child on loopback against the fakes running
on the test's event loop, sharing one PostgreSQL database. The children are
forked by `forkserver.py`, an interpreter that has the bot imported, so a start
or a restart costs milliseconds, not the seconds of imports that made the run
unbounded on a loaded machine. Logs go to files beside the test (a pipe nobody
reads would block a child), and are printed when something fails.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

FORKSERVER = Path(__file__).resolve().with_name("forkserver.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Child:
    """A process the fork server forked: what the test needs of `asyncio.subprocess.Process`."""

    def __init__(self, server: "ForkServer", pid: int, exited: "asyncio.Future[int]") -> None:
        self.server, self.pid, self._exited = server, pid, exited

    @property
    def returncode(self) -> int | None:
        return self._exited.result() if self._exited.done() else None

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def on_exit(self, callback: "Callable[[int], None]") -> None:
        self._exited.add_done_callback(lambda f: callback(f.result()) if not f.exception() else None)

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            self.server.signal(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """The test's end of `forkserver.py`: start it once, then fork `redflag` children from it."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None
        self._starting: deque[asyncio.Future[int]] = deque()
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._reader: asyncio.Task | None = None

    async def start(self, env: dict[str, str]) -> "ForkServer":
        with open(self.log, "ab") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, str(FORKSERVER), env=env, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=err)
        return self

    async def ready(self, timeout: float = 180) -> None:
        """The server has the bot imported (a guard against a hang, not a timing check)."""
        assert self.proc is not None and self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        assert line and "ready" in json.loads(line), f"the fork server did not start:\n{self.tail()}"
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        loop = asyncio.get_running_loop()
        while line := await self.proc.stdout.readline():
            message = json.loads(line)
            if "started" in message:
                self._exits[message["pid"]] = loop.create_future()
                self._starting.popleft().set_result(message["pid"])
            elif "exited" in message:
                self._exits.pop(message["exited"]).set_result(message["code"])
        gone = RuntimeError(f"the fork server ended:\n{self.tail()}")
        for future in [*self._starting, *self._exits.values()]:
            if not future.done():
                future.set_exception(gone)

    def _send(self, request: dict) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(request) + "\n").encode())

    async def spawn(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> Child:
        """`redflag <argv>` with `env`, its output appended to `log`."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._starting.append(future)
        self._send({"start": name, "argv": argv, "env": env, "log": str(log)})
        pid = await asyncio.wait_for(future, 60)
        return Child(self, pid, self._exits[pid])

    def signal(self, pid: int, sig: int) -> None:
        self._send({"kill": pid, "signal": int(sig)})

    async def close(self) -> None:
        """Its stdin closed: it SIGKILLs any child left and exits."""
        if self.proc is None:
            return
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 20)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        if self._reader is not None:
            await self._reader

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


class Proc:
    """One named `redflag` process, forked by the fork server, that the killer may SIGKILL (and start again)."""

    def __init__(self, server: ForkServer, name: str, argv: list[str], env: dict[str, str], logs: Path) -> None:
        self.server, self.name, self.argv, self.env = server, name, argv, env
        self.log = logs / f"{name}.log"
        self.proc: Child | None = None
        self.kills = 0
        self.starts = 0
        self.started = 0.0
        self.doomed = False  # its SIGKILL is sent
        self.stopping = False
        self.ends: list[tuple[str, int]] = []  # each run's end: ("kill" | "stop" | "itself", exit code)

    async def start(self) -> None:
        self.starts += 1
        self.started = time.monotonic()
        self.doomed = False
        with open(self.log, "ab") as out:
            out.write(f"\n=== start {self.starts}: redflag {' '.join(self.argv)}\n".encode())
        self.proc = await self.server.spawn(self.name, self.argv, self.env, self.log)
        self.proc.on_exit(self._ended)

    def _ended(self, code: int) -> None:
        self.ends.append(("kill" if self.doomed else "stop" if self.stopping else "itself", code))

    def unexpected_ends(self) -> list[tuple[str, int]]:
        """Ends other than dying of the killer's SIGKILL or stopping cleanly on SIGTERM."""
        return [(why, code) for why, code in self.ends if (why, code) not in (("kill", -signal.SIGKILL), ("stop", 0))]

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def kill_now(self) -> bool:
        """SIGKILL, sent at once (a tap may call it): no clean-up, like a crash or an OOM kill.

        False if it was not running or already has its SIGKILL.
        """
        if not self.alive or self.doomed:
            return False
        assert self.proc is not None
        self.proc.kill()
        self.doomed = True
        return True

    async def died(self) -> bool:
        """Whether it died of the SIGKILL sent (not if it had ended by itself just before)."""
        assert self.proc is not None
        if await self.proc.wait() != -signal.SIGKILL:
            return False
        self.kills += 1
        return True

    async def kill(self) -> bool:
        """SIGKILL and wait: True if it died of it."""
        return self.kill_now() and await self.died()

    async def stop(self) -> int | None:
        if self.alive:
            assert self.proc is not None
            self.stopping = True
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
    """One cron host: `redflag nudges run --at <day> --yes` for each simulated day; a killed run is run again.

    Each run is a process of its own, as cron starts it (from the fork server, a start costs milliseconds).
    """

    def __init__(self, server: ForkServer, name: str, env: dict[str, str], logs: Path) -> None:
        self.server, self.name, self.env, self.logs = server, name, env, logs
        self.current: Proc | None = None
        self.runs = 0
        self.killed = 0
        self.rerun = False  # the current run is a killed one's repeat: the killer leaves it alone
        self.took: list[float] = []  # seconds, each run that ended by itself

    async def sweep(self, at: str) -> None:
        self.rerun = False
        while True:
            self.runs += 1
            proc = Proc(self.server, self.name, ["nudges", "run", "--at", at, "--yes"], self.env, self.logs)
            self.current = proc
            begun = time.monotonic()
            await proc.start()
            assert proc.proc is not None
            code = await proc.proc.wait()
            if code == -signal.SIGKILL:
                self.killed += 1
                self.rerun = True
                continue  # cron runs it again: the same day
            assert code == 0, f"{self.name} at {at} exited {code}:\n{proc.tail()}"
            self.took.append(time.monotonic() - begun)
            return

    @property
    def killable(self) -> bool:
        return self.current is not None and self.current.alive and not self.current.doomed and not self.rerun

    def kill_now(self) -> Proc | None:
        """SIGKILL the run in progress at once (a tap may call it); the run it was sent to, or None."""
        if self.killable and self.current is not None and self.current.kill_now():
            return self.current
        return None


#: What the killer hits: a Slack HTTP worker, a Discord shard process, a sweep.
KINDS = ("slack", "shard", "sweeper")
#: Where a reminder DM lands: the fake whose tap told of it.
PLATFORMS = ("slack", "discord")


def kind(name: str) -> str:
    return name.split("-")[0]


def _socket_inode(peer: tuple | None) -> str | None:
    """The inode of the client socket at `peer` (a loopback (host, port) the fake saw), from /proc/net/tcp."""
    if not peer:
        return None
    port = f"{peer[1]:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[1].rsplit(":", 1)[1] == port:
                return fields[9]
    return None


def poster(peer: tuple | None, runs: "list[Proc]") -> "Proc | None":
    """Which of the running sweeps holds the socket a DM came in on (Linux's /proc), or None."""
    inode = _socket_inode(peer)
    if inode is None:
        return None
    wanted = f"socket:[{inode}]"
    for run in runs:
        if run.proc is None:
            continue
        try:
            fds = os.listdir(f"/proc/{run.proc.pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{run.proc.pid}/fd/{fd}") == wanted:
                    return run
            except OSError:
                continue
    return None


@dataclass
class Killer:
    """Every few seconds SIGKILLs one random process (seeded); a worker or shard is started again, a sweep run again.

    Until each kind (KINDS) has been hit once, the victim is of a kind not hit yet: every run kills a Slack
    worker, a shard and a sweep. A sweep is killed the moment the fakes store a reminder DM from it (`tap`, on
    both fakes; the poster found by its socket): it has posted and not yet marked the post, the window
    exactly-once is about. Besides the ones every few seconds, one such kill is planned on each platform, at a
    seeded one of its first DMs (the first two stage days bring six each), so every run has both. A sweep
    killed every few seconds waits `aim` s for a DM, then dies wherever it is (opening the store, scanning,
    leasing, between parts).
    """

    seed: int
    workers: list[Proc]
    sweepers: list[Sweeper]
    pause: tuple[float, float] = (1.0, 2.5)
    #: A worker is killed again only after this long up (a start from the fork server takes a fraction of it).
    settle: float = 1.5
    #: How often the victim is a sweep when one can be killed (once every kind has been hit).
    sweeps_first: float = 0.7
    #: How long a sweep's kill waits for a DM to land before it kills anyway.
    aim: float = 1.5
    #: The planned kills: at the k-th DM of each platform, k drawn from 1..this.
    first_dms: int = 6
    log: list[tuple[float, str, bool]] = field(default_factory=list)
    hit: set[str] = field(default_factory=set)  # the kinds killed so far
    on_dm: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PLATFORMS, 0))  # sweeps killed as a DM landed
    last_sweep_kill: float = 0.0  # time.monotonic() of the last sweep killed: its leases run out after that
    dms: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PLATFORMS, 0))
    _plan: dict[str, int] = field(default_factory=dict)  # platform -> the DM count at which to kill its poster
    _aimed: "asyncio.Future[Proc | None] | None" = None
    _started: float = 0.0

    def __post_init__(self) -> None:
        rng = random.Random(self.seed - 1)
        self._plan = {p: rng.randint(1, self.first_dms) for p in PLATFORMS}

    def tap(self, platform: str) -> "Callable[[str, dict], None]":
        """The tap for one fake: on each DM stored, kill its poster if a kill waits for one."""

        def on_event(event: str, detail: dict) -> None:
            if event != "dm":
                return
            self.dms[platform] += 1
            planned = platform in self._plan and self.dms[platform] >= self._plan[platform]
            if not planned and self._aimed is None:
                return
            runs = [s.current for s in self.sweepers if s.killable and s.current is not None]
            run = poster(detail.get("peer"), runs)
            if run is None or not run.kill_now():
                return  # not a sweep that may be killed (a repeat run): the next DM
            if planned:
                del self._plan[platform]
            elif self._aimed is not None and not self._aimed.done():
                self._aimed.set_result(run)
                self._aimed = None
            asyncio.get_running_loop().create_task(self._confirm(run, platform))

        return on_event

    async def _confirm(self, run: Proc, platform: str | None) -> bool:
        """A sweep's kill counts once it died of it (it may have ended by itself a moment before)."""
        if not await run.died():
            return False
        if platform is not None:
            self.on_dm[platform] += 1
        self.last_sweep_kill = time.monotonic()
        self.hit.add("sweeper")
        self.log.append((time.monotonic() - self._started, run.name + (f" at a {platform} DM" if platform else ""), True))
        return True

    @property
    def covered(self) -> bool:
        return self.hit >= set(KINDS)

    async def _kill_sweep(self, sweeper: Sweeper) -> None:
        aimed: asyncio.Future[Proc | None] = asyncio.get_running_loop().create_future()
        self._aimed = aimed
        try:
            await asyncio.wait_for(asyncio.shield(aimed), self.aim)  # the tap kills, and confirms
        except asyncio.TimeoutError:
            self._aimed = None
            run = sweeper.kill_now()
            if run is None or not await self._confirm(run, None):
                self.log.append((time.monotonic() - self._started, sweeper.name, False))

    async def run(self, stop: asyncio.Event) -> None:
        rng = random.Random(self.seed)
        self._started = time.monotonic()
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), rng.uniform(*self.pause))
                return
            except asyncio.TimeoutError:
                pass
            # Each sweep is killed at most once (its repeat runs to the end), each worker only once it has been
            # up a while: the run stays bounded however slow the machine is.
            now = time.monotonic()
            workers = [w for w in self.workers if w.alive and now - w.started >= self.settle]
            sweeps = [s for s in self.sweepers if s.killable]
            choices: list[Proc | Sweeper] = [*workers, *sweeps]
            if not choices:
                continue
            fresh = [c for c in choices if kind(c.name) not in self.hit]
            pool = fresh or (sweeps if sweeps and rng.random() < self.sweeps_first else choices)
            victim = rng.choice(pool)
            if isinstance(victim, Sweeper):
                await self._kill_sweep(victim)
                continue
            hit = await victim.kill()
            self.log.append((time.monotonic() - self._started, victim.name, hit))
            if hit:
                self.hit.add(kind(victim.name))
            await asyncio.sleep(rng.uniform(0.0, 0.5))
            await victim.start()


def chaos_seed() -> int:
    """REDFLAG_CHAOS_SEED replays a run's choices; otherwise a fresh seed (printed by the test)."""
    given = os.environ.get("REDFLAG_CHAOS_SEED", "").strip()
    return int(given) if given else random.SystemRandom().randrange(1, 2**31)
