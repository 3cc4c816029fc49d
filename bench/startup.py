"""Start-up: from launching `redflag` to its console prompt, beside `python -c pass`.

`redflag` runs in a pseudo-terminal (so it is interactive and prints its
`redflag> ` prompt, as it does for a person); the clock stops when the prompt
arrives, then `quit` ends it. The reference is the same interpreter starting
and exiting with `-c pass`. Runs alternate, and the median of each is kept.
The database already exists (a person's second start); the very first start,
which also creates the schema, is reported beside it.

Goal: the prompt within 0.5 s of bare Python.
"""
from __future__ import annotations

import functools
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import REPO, Result, emit, median, quick_flag, with_bytecode

PROMPT = b"redflag> "


@functools.lru_cache(maxsize=1)
def _base_env() -> dict[str, str]:
    return with_bytecode({k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))})


def _env(db: Path) -> dict[str, str]:
    env = dict(_base_env())
    env.update(REDFLAG_DB=str(db), TZ="UTC", LANG="C.UTF-8", HOME=str(db.parent), NO_COLOR="1")
    return env


def time_to_prompt(db: Path, timeout: float = 30.0) -> float:
    """Seconds from spawning `redflag` on a pty to its prompt."""
    redflag = Path(sys.executable).with_name("redflag")
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([str(redflag)], stdin=slave, stdout=slave, stderr=slave, env=_env(db), cwd=db.parent, close_fds=True)
    os.close(slave)
    seen = b""
    elapsed = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if PROMPT in seen:
                elapsed = time.perf_counter() - start
                break
        if elapsed is None:
            raise RuntimeError(f"no prompt from redflag; it printed: {seen[-500:]!r}")
        os.write(master, b"quit\n")
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return elapsed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def time_bare_python() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, cwd=REPO, env=_base_env())
    return time.perf_counter() - start


def run(quick: bool = False) -> list[Result]:
    rounds = 5 if quick else 21
    _base_env()  # compiles the bytecode before the clock runs
    with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
        db = Path(tmp) / "startup.db"
        first = time_to_prompt(db)  # creates the schema
        ours, bare = [], []
        for _ in range(rounds):
            ours.append(time_to_prompt(db))
            bare.append(time_bare_python())
    ours_ms, bare_ms = median(ours) * 1e3, median(bare) * 1e3
    return [
        Result(
            "start-up",
            "redflag to console prompt",
            ours_ms,
            "ms",
            baseline=bare_ms,
            goal="< bare + 500 ms",
            ok=ours_ms - bare_ms < 500,
            note=f"median of {rounds} alternating runs on a pty, existing database: {ours_ms - bare_ms:.0f} ms more "
            f"than `python -c pass`; first start (creates the schema) {first * 1e3:.0f} ms",
        )
    ]


if __name__ == "__main__":
    emit(run(quick_flag(sys.argv)))
