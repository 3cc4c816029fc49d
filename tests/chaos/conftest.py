"""The multi-process chaos test's fixtures: the fake Slack and Discord on loopback, a clean environment,
the fork server its processes come from.

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

from chaoskit import ForkServer  # noqa: E402
from discord_fixtures import discord_fake  # noqa: E402,F401  (a fixture)
from sweep_fixtures import _clean_env, fake  # noqa: E402,F401  (fixtures)


@pytest.fixture
async def forkserver(tmp_path: Path):
    """The fork server, started first: it imports the bot while PostgreSQL and the fakes are set up.

    Its environment is the test's without any Slack, Discord or Redflag setting; each child gets its own.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    server = await ForkServer(tmp_path / "forkserver.log").start(env)
    yield server
    await server.close()


