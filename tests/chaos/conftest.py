"""The multi-process chaos test's fixtures: the fake Slack and Discord on loopback, a clean environment.

The processes, the killer and the sweepers are in chaoskit.py; the run and its
checks in test_chaos.py. Its database is PostgreSQL, the one many workers share.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent / "slack", HERE.parent / "discord", HERE.parent / "faults", HERE):
    sys.path.insert(0, str(folder))

from discord_fixtures import discord_fake  # noqa: E402,F401  (a fixture)
from fake_slack import FakeSlack  # noqa: E402
from slack_harness import BOT_TOKEN  # noqa: E402


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
