"""Helpers for the fault-injection tests: child sweeps, seeding, and the exactly-once check (see conftest.py)."""
from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "discord"))

from bot.events import Address, Command  # noqa: E402
from fake_discord import FakeDiscord  # noqa: E402
from fake_slack import FakeSlack  # noqa: E402

REDFLAG = Path(sys.executable).with_name("redflag")
DISCORD_USERS = [f"6000000000000001{i:02d}" for i in range(1, 41)]
AT = "2026-11-25T09:00:00+00:00"  # 10:00 in Amsterdam: inside the send window
#: Short timings for every child process (production defaults are minutes).
FAST = {
    "REDFLAG_SLACK_DM_TIMEOUT": "0.8",
    "REDFLAG_DISCORD_DM_TIMEOUT": "0.8",
    "REDFLAG_NUDGE_LEASE_SECONDS": "1.5",
    "REDFLAG_NUDGE_HEARTBEAT_SECONDS": "0.3",
    "REDFLAG_NUDGE_UNKNOWN_RETRY_SECONDS": "0",
    "REDFLAG_NUDGE_BACKOFF_SCALE": "0",
    "REDFLAG_NUDGE_MAX_INLINE_WAIT": "0.5",
}


def seed(core, users: int, platform: str = "slack", workspace: str = "T1", user_ids: list[str] | None = None) -> list[str]:
    """One overdue invoice per user (one reminder DM each), through the real commands."""
    ids = user_ids or [f"U{i}" for i in range(1, users + 1)]
    for user in ids:
        who = Address(platform=platform, workspace=workspace, user=user, channel="C1", locale="en-US",
                      timezone="Europe/Amsterdam")
        assert not core.handle(Command(who, "client", "add Acme currency=EUR"))[0].is_error
        reply = core.handle(Command(who, "invoice", f"add Acme 400 issued=2026-10-01 due=2026-11-01 ref=LATE-{user}"))
        assert not reply[0].is_error, reply[0].plain()
    return ids


class Sweep:
    """One `redflag nudges run` child process."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.out = ""
        self.err = ""

    async def done(self, timeout: float = 60) -> "Sweep":
        out, err = await asyncio.wait_for(self.proc.communicate(), timeout)
        self.out, self.err = out.decode(), err.decode()
        assert self.proc.returncode == 0, self.err + self.out
        return self

    async def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no clean-up, like a crash or an OOM kill
        await self.proc.wait()

    async def terminate(self, timeout: float = 30) -> "Sweep":
        self.proc.terminate()
        out, err = await asyncio.wait_for(self.proc.communicate(), timeout)
        self.out, self.err = out.decode(), err.decode()
        return self


async def start_sweep(env: dict[str, str], *args: str, at: str | None = AT, extra: dict | None = None) -> Sweep:
    argv = [str(REDFLAG), "nudges", "run", *(["--at", at] if at else []), *args]
    proc = await asyncio.create_subprocess_exec(
        *argv, env={**env, **(extra or {})}, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    return Sweep(proc)


async def sweep(env: dict[str, str], *args: str, at: str | None = AT, extra: dict | None = None) -> Sweep:
    return await (await start_sweep(env, *args, at=at, extra=extra)).done()


def received(fake: FakeSlack) -> Counter:
    """user -> reminder DMs that landed in their DM (by ledger key), from the fake's own store."""
    out: Counter = Counter()
    for (channel, key, part), n in fake.posts_by_delivery().items():
        assert key is not None, "a reminder without its ledger metadata"
        if key.startswith("alert-"):
            continue  # a weekly digest or a pattern alert (issue 21): its own ledger row, checked for duplicates above
        out["U" + channel[1:]] += n
    return out


def assert_exactly_once(fake: FakeSlack, store, users: list[str], failed_ok: set[str] = frozenset()) -> None:
    """No user got a reminder twice; every user got theirs, or it is recorded as failed with a reason."""
    dup = {k: n for k, n in fake.posts_by_delivery().items() if n > 1}
    assert not dup, f"sent more than once: {dup}"
    got = received(fake)
    rows = store.database.query("SELECT owner, status, last_error FROM nudge_messages")
    status = {r["owner"]: (r["status"], r["last_error"]) for r in rows}
    for user in users:
        if got[user] == 1:
            assert status[user][0] == "delivered", (user, status[user])
            continue
        assert got[user] == 0 and user in failed_ok, f"{user} got {got[user]}: {status.get(user)}"
        assert status[user][0] == "failed" and status[user][1], (user, status[user])


def discord_received(fake: FakeDiscord) -> Counter:
    """user -> reminder DM messages the fake Discord created for them (a repeat nonce creates none)."""
    users: Counter = Counter()
    for m in fake.dm_created:
        if not str(m.get("nonce")).startswith("rf"):
            continue  # a weekly digest or alert (`ra…`), a follow-up (`rg…`): not the reminder counted here
        users[fake.dm_channels[m["channel_id"]]] += 1
    return users


def assert_discord_once(fake: FakeDiscord, store, users: list[str], failed_ok: set[str] = frozenset(),
                        parts: int = 1) -> None:
    """Each user got their DM's parts once each, or it is recorded as failed with a reason."""
    got = discord_received(fake)
    status = {r["owner"]: (r["status"], r["last_error"])
              for r in store.database.query("SELECT owner, status, last_error FROM nudge_messages")}
    for user in users:
        if user in failed_ok and got[user] == 0:
            assert status[user][0] == "failed" and status[user][1], (user, status[user])
        else:
            assert got[user] == parts and status[user][0] == "delivered", (user, got[user], status[user])
    nonces = Counter(m.get("nonce") for m in fake.dm_created)
    assert all(n == 1 for n in nonces.values()) and None not in nonces, nonces
