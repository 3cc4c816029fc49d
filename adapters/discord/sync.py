"""`redflag discord sync [--guild ID]`: register the application commands, explicitly.

Discord limits how many commands may be created per day, so this never runs
on connect. With a guild the commands are copied there (instant, for
testing); without, they are registered globally.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import discord

from adapters.discord import endpoints
from adapters.discord.client import RedflagClient

if TYPE_CHECKING:
    from bot.core import Core


async def sync_commands(core: "Core", env: Mapping[str, str], guild_id: int | None) -> int:
    """Log in over REST only (no gateway), upload the localised commands, return how many."""
    endpoints.apply(env)
    client = RedflagClient(core)
    try:
        await client.login(env["DISCORD_TOKEN"].strip())
        if guild_id is not None:
            guild = discord.Object(id=int(guild_id))
            client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
        else:
            synced = await client.tree.sync()
        return len(synced)
    finally:
        await client.close()
