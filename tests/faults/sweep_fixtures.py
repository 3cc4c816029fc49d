"""Fixtures the fault and chaos tests share: a clean environment and the fake Slack with 40 users in T1."""
from __future__ import annotations

import os

import pytest

from fake_slack import FakeSlack
from slack_harness import BOT_TOKEN


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("SLACK_", "DISCORD_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake():
    server = await FakeSlack().start()
    for i in range(1, 41):
        server.user(f"U{i}", locale="en-US", tz="Europe/Amsterdam", name=f"User {i}")
    server.teams[BOT_TOKEN] = "T1"
    yield server
    await server.stop()
