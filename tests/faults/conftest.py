"""Fault injection for reminders: real `redflag nudges run` processes against the fake Slack and Discord.

The fakes run on this test's event loop (loopback only) while the sweeps run
as child processes on the same database (the SQLite file, or PostgreSQL for
the tests in `pg_plugin.BOTH_ENGINES`), so a sweep can be slowed down,
left without an answer, rate-limited or killed at a chosen step. Every
timing is shortened through the environment (leases of a second or two,
timeouts under a second), so each case takes seconds. What a user received
is read from the fakes' own records.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "discord"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from discord_fixtures import discord_fake  # noqa: E402,F401  (a fixture)
from fake_discord import TOKEN as DISCORD_TOKEN  # noqa: E402
from faultkit import FAST  # noqa: E402
from sweep_fixtures import _clean_env, fake  # noqa: E402,F401  (fixtures)
from slack_harness import BOT_TOKEN, SIGNING_SECRET  # noqa: E402



@pytest.fixture
def child_env(fake, store_url) -> dict[str, str]:
    """The sweeps' environment, on the `store` fixture's database (REDFLAG_DATABASE_URL when it is PostgreSQL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    env.update(FAST)
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.url)
    env["REDFLAG_DATABASE_URL" if "://" in store_url else "REDFLAG_DB"] = store_url
    return env


@pytest.fixture
def discord_env(child_env, discord_fake) -> dict[str, str]:
    env = {k: v for k, v in child_env.items() if not k.startswith("SLACK_")}
    env.update(DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord_fake.api_url,
               DISCORD_GATEWAY_URL=discord_fake.gateway_url)
    return env
