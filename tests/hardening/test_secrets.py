"""Secrets: with debug logging on, no token, signing secret or client secret reaches a log line or a reply.

The Slack adapter's own session tests (tests/slack/test_slack_logging.py)
cover its in-process logs; here it is the operator's paths: the real
`redflag --log-level DEBUG` process serving Slack and Discord against the
fakes (commands over both, then SIGTERM), `redflag discord sync` at debug
level, and `bot.secrets.install_log_redaction` on records that carry
secrets with no token shape (the signing secret, the client secret, a
Discord token) in messages, arguments and tracebacks.
"""
from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "discord"))

from bot.secrets import install_log_redaction  # noqa: E402
from fake_discord import TOKEN as DISCORD_TOKEN  # noqa: E402
from fake_discord import FakeDiscord  # noqa: E402
from fake_slack import FakeSlack  # noqa: E402  (tests/slack, on the path through conftest)
from slack_harness import BOT_TOKEN, CLIENT_SECRET, SIGNING_SECRET, sign  # noqa: E402

SECRETS = (BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET, DISCORD_TOKEN, DISCORD_TOKEN.split(".")[-1])
REDFLAG = Path(sys.executable).with_name("redflag")


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    env.update(extra)
    return env


class Stderr:
    """Collects a child's stderr and wakes waiters when a line they want appears."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self.changed = asyncio.Condition()
        self.task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            async with self.changed:
                self.lines.append(line.decode("utf-8", "replace"))
                self.changed.notify_all()

    async def wait_for(self, needle: str, count: int = 1, timeout: float = 60) -> None:
        async def _wait() -> None:
            async with self.changed:
                await self.changed.wait_for(lambda: sum(needle in line for line in self.lines) >= count or self.task.done())
        await asyncio.wait_for(_wait(), timeout)
        assert sum(needle in line for line in self.lines) >= count, "".join(self.lines)[-3000:]

    @property
    def text(self) -> str:
        return "".join(self.lines)


async def test_redflag_serving_slack_and_discord_at_debug_level_logs_no_secret(tmp_path, unused_tcp_port) -> None:
    slack = await FakeSlack().start()
    slack.user("U1", locale="en-US", tz="Europe/Amsterdam", name="Steve")
    slack.teams[BOT_TOKEN] = "T1"
    discord = FakeDiscord()
    await discord.start()
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,  # set but unused (no client id): must still be masked
        SLACK_API_URL=slack.url,
        REDFLAG_PORT=str(unused_tcp_port),
        REDFLAG_HOST="127.0.0.1",
        REDFLAG_DB=str(tmp_path / "redflag.db"),
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_URL=discord.api_url,
        DISCORD_GATEWAY_URL=discord.gateway_url,
    )
    proc = await asyncio.create_subprocess_exec(
        str(REDFLAG), "--log-level", "DEBUG", env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stderr is not None
    err = Stderr(proc.stderr)
    replies: list[str] = []
    try:
        await err.wait_for("serving slack")
        await err.wait_for("serving discord")
        await asyncio.wait_for(discord.wait_ready(), 60)
        async with aiohttp.ClientSession() as session:
            for text in ("add Acme", f'add "{SIGNING_SECRET[:5]} Ltd"', "list"):
                body = f"team_id=T1&user_id=U1&channel_id=C1&command=%2Fclient&text={text.replace(' ', '+')}&trigger_id=1.2.{len(replies)}"
                ts = str(int(time.time()))
                headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SIGNING_SECRET, ts, body)}
                async with session.post(f"http://127.0.0.1:{unused_tcp_port}/slack/events", data=body, headers=headers) as resp:
                    assert resp.status == 200
                    replies.append(await resp.text())
        payload = await discord.slash("client add", {"name": "Globex"})
        replies.append(str((await discord.callback_for(payload)).json))
        slack.fail("users.info", "invalid_auth")  # a failing Web API call is logged, with its request
        body = "team_id=T1&user_id=U7&channel_id=C1&command=%2Fredflag&text=help&trigger_id=1.2.99"
        ts = str(int(time.time()))
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"http://127.0.0.1:{unused_tcp_port}/slack/events", data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SIGNING_SECRET, ts, body)},
            ) as resp:
                replies.append(await resp.text())
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
        await err.task
        await slack.stop()
        await discord.stop()
    assert "DEBUG" in err.text, "debug logging was on"
    assert "Acme" in replies[0] and "Globex" in replies[3]
    assert_clean(err.text)
    assert_clean("\n".join(replies))


async def test_discord_sync_at_debug_level_logs_no_token(tmp_path) -> None:
    discord = FakeDiscord()
    await discord.start()
    try:
        env = _env(DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord.api_url, DISCORD_GATEWAY_URL=discord.gateway_url, REDFLAG_DB=str(tmp_path / "r.db"))
        proc = await asyncio.create_subprocess_exec(
            str(REDFLAG), "--log-level", "DEBUG", "discord", "sync", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        await discord.stop()
    text = out.decode() + err.decode()
    assert proc.returncode == 0, text[-2000:]
    assert "registered" in out.decode() and "DEBUG" in text
    assert_clean(text)


@pytest.fixture
def debug_log():
    """Root logging at DEBUG into a buffer, as `redflag --log-level DEBUG` sets it up, with redaction installed."""
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    flt = install_log_redaction(
        {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_CLIENT_SECRET": CLIENT_SECRET, "DISCORD_TOKEN": DISCORD_TOKEN}
    )
    yield buffer
    root.removeHandler(handler)
    root.removeFilter(flt)
    for h in root.handlers:
        h.removeFilter(flt)
    root.setLevel(old_level)


def test_secrets_without_a_token_shape_are_masked_in_messages_arguments_and_tracebacks(debug_log) -> None:
    log = logging.getLogger("redflag")  # the CLI's own logger
    log.debug("config: signing=%s client_secret=%s", SIGNING_SECRET, CLIENT_SECRET)
    log.info("discord login with %r", {"token": DISCORD_TOKEN})
    try:
        raise RuntimeError(f"auth failed for {BOT_TOKEN} / {DISCORD_TOKEN}")
    except RuntimeError:
        log.exception("startup failed")
    logging.getLogger("redflag.child").warning("rotated to %s", "xoxb-9999-8888-NEWTOKEN")
    text = debug_log.getvalue()
    assert "startup failed" in text and "RuntimeError" in text and "[redacted]" in text
    assert_clean(text)
    assert "xoxb-9999-8888-NEWTOKEN" not in text


def test_the_database_url_and_its_password_are_masked() -> None:
    url = "postgresql://redflag:Pg-s3cret-pw@db.internal:5432/redflag"
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root.addHandler(handler)
    flt = install_log_redaction({"REDFLAG_DATABASE_URL": url})
    try:
        logging.getLogger("redflag").warning("opening %s", url)
        logging.getLogger("redflag").warning("connection to db.internal failed: password Pg-s3cret-pw rejected")
    finally:
        root.removeHandler(handler)
        root.removeFilter(flt)
    text = buffer.getvalue()
    assert "opening [redacted]" in text and "password [redacted] rejected" in text
    assert "Pg-s3cret-pw" not in text
