"""The fake Discord as a fixture, for the Discord tests and the fault tests' sweeps alike."""
from __future__ import annotations

import pytest

from adapters.discord import endpoints
from fake_discord import FakeDiscord


@pytest.fixture
async def discord_fake():
    """A running fake Discord; afterwards the endpoints the bot was pointed at are reset."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()
    endpoints.apply({})
