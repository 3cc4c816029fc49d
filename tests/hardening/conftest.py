"""The real Slack service on localhost against the fake Web API of tests/slack, for hostile and concurrent requests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))

from adapters.slack.service import start  # noqa: E402
from fake_slack import FakeSlack  # noqa: E402
from slack_harness import BOT_TOKEN, SIGNING_SECRET, SlackSender  # noqa: E402


@pytest.fixture
def slack_env_clean(monkeypatch):
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack(core, db_path, slack_env_clean):
    """A running Slack service (HTTP mode) with a user U1 who has a client called Acme."""
    fake = await FakeSlack().start()
    for i in range(60):
        fake.user(f"U{i}", locale="en-US", tz="Europe/Amsterdam", name=f"User {i}")
    fake.teams[BOT_TOKEN] = "T1"
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "REDFLAG_PORT": "0",
        "REDFLAG_HOST": "127.0.0.1",
        "REDFLAG_DB": str(db_path),
    }
    service = await start(core, env)
    sender = SlackSender(service, fake)
    status, _ = await sender.command("/client", "add Acme")
    assert status == 200
    yield sender
    await service.stop()
    await fake.stop()
