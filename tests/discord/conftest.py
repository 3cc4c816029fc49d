"""Fixtures for the Discord tests: the fake Discord, the env pointing at it, a running bot."""
from __future__ import annotations

import pytest

from adapters.discord.service import start
from discord_fixtures import discord_fake  # noqa: F401  (a fixture)
from fake_discord import TOKEN, FakeDiscord


@pytest.fixture
def fake(discord_fake: FakeDiscord) -> FakeDiscord:
    return discord_fake


@pytest.fixture
def env(fake: FakeDiscord) -> dict[str, str]:
    return {"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": fake.api_url, "DISCORD_GATEWAY_URL": fake.gateway_url}


@pytest.fixture
async def bot(core, env, fake):
    service = await start(core, env)
    await fake.wait_ready()
    yield service
    await service.stop()
