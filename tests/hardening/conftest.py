"""The real Slack service on localhost against the fake Web API of tests/slack, for hostile and concurrent requests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))

from adapters.slack.service import start  # noqa: E402
from slack_harness import SlackSender, service_env, started_fake  # noqa: E402


@pytest.fixture
def slack_env_clean(monkeypatch):
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack(core, store_url, slack_env_clean):
    """A running Slack service (HTTP mode) with a user U1 who has a client called Acme, on the `store` fixture's
    database (a SQLite file, or PostgreSQL: see `pg_plugin.BOTH_ENGINES`)."""
    fake = await started_fake(*((f"U{i}", "en-US", "Europe/Amsterdam", f"User {i}") for i in range(60)))
    service = await start(core, service_env(fake.url, store_url))
    sender = SlackSender(service, fake)
    status, _ = await sender.command("/client", "add Acme")
    assert status == 200
    yield sender
    await service.stop()
    await fake.stop()
