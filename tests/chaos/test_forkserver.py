"""The fork server's children are `redflag`: for the same argv and environment, the same output and exit status
as the console script run as a process of its own (what the chaos test relies on)."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

import pytest

from chaoskit import ForkServer
from faultkit import REDFLAG

CASES = {
    "help": (["--help"], {}),
    "a bad --at (SystemExit with a message)": (["nudges", "run", "--at", "not-a-date"], {}),
    "a bad setting (exit 2)": (["nudges", "preview"], {"REDFLAG_NUDGE_LEASE_SECONDS": "soon"}),
    "a sweep that runs": (["nudges", "run", "--at", "2026-03-02T09:00:00+00:00", "--yes"], {}),
}


def _env(tmp_path: Path, name: str, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    return {**env, **extra, "REDFLAG_DB": str(tmp_path / f"{name}.db")}


async def test_a_forked_child_answers_as_the_console_script_does(forkserver: ForkServer, tmp_path: Path):
    async def real(n: int, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
        return await asyncio.to_thread(subprocess.run, [str(REDFLAG), *argv], env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)

    cases = list(CASES.values())
    reals = await asyncio.gather(*(real(n, argv, _env(tmp_path, f"real-{n}", extra))
                                   for n, (argv, extra) in enumerate(cases)))
    await forkserver.ready()
    for n, ((argv, extra), done) in enumerate(zip(cases, reals)):
        log = tmp_path / f"child-{n}.log"
        child = await forkserver.spawn("child", argv, _env(tmp_path, f"child-{n}", extra), log)
        code = await asyncio.wait_for(child.wait(), 60)
        assert (code, log.read_text()) == (done.returncode, done.stdout.decode()), argv


def _signals(pid: int) -> dict[str, str]:
    """The process's blocked, ignored and caught signal masks (Linux's /proc)."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines) if k in ("SigBlk", "SigIgn", "SigCgt")}


async def _serving(pid: int, port: int, log: Path) -> dict[str, str]:
    """Wait until it answers on `port` and catches SIGTERM (its clean stop is set up); its signal masks."""
    for _ in range(2400):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            masks = _signals(pid)
            if int(masks["SigCgt"], 16) & (1 << (signal.SIGTERM - 1)):
                return masks
        except OSError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(log.read_text())


async def test_a_serving_child_handles_signals_as_the_console_script_does(forkserver: ForkServer, tmp_path: Path):
    """`redflag serve` with a surface: the same signal masks as the real one once serving, a clean stop (exit 0)
    on SIGTERM like it; SIGKILL ends it as -9."""
    from chaoskit import free_port
    from slack_harness import BOT_TOKEN, SIGNING_SECRET

    env = _env(tmp_path, "serve", dict(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                                       SLACK_API_URL="http://127.0.0.1:9/api/", REDFLAG_HOST="127.0.0.1"))
    argv = ["serve", "--no-scheduler"]
    port = free_port()
    with open(tmp_path / "real.log", "wb") as out:
        real = await asyncio.create_subprocess_exec(str(REDFLAG), *argv, env={**env, "REDFLAG_PORT": str(port)},
                                                    stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
    try:
        real_masks = await _serving(real.pid, port, tmp_path / "real.log")
    finally:
        real.send_signal(signal.SIGTERM)
        real_code = await asyncio.wait_for(real.wait(), 30)
    assert real_code == 0
    await forkserver.ready()
    for sig, expected in ((signal.SIGTERM, 0), (signal.SIGKILL, -signal.SIGKILL)):
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        child = await forkserver.spawn("serve", argv, {**env, "REDFLAG_PORT": str(port)}, log)
        assert await _serving(child.pid, port, log) == real_masks
        child.send_signal(sig)
        assert await asyncio.wait_for(child.wait(), 30) == expected, log.read_text()
