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
from sweep_fixtures import _clean_env, fake  # noqa: E402,F401  (fixtures)


