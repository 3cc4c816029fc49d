"""The discord.py client: non-privileged intents, the command tree, dynamic items, modal hook.

Nothing conversational lives here: every interaction goes to the `Bridge`,
which calls the core. The client keeps no state a reconnect would lose;
buttons are parsed from their custom_id and registered at start-up.
A 429 asking for longer than `wire.RATE_LIMIT_WAIT` raises
`discord.RateLimited` instead of being slept on inside the call, and each
request reports to the DM timeout's watch (`adapters/discord/wire.py`).
`RedflagShardedClient` is the same bot on discord.py's `AutoShardedClient`,
for the shards `REDFLAG_DISCORD_SHARDS`/`_SHARD_IDS` give this process.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import commands, wire
from adapters.discord.bridge import Bridge
from adapters.discord.dynamic import DYNAMIC_ITEMS
from adapters.discord.shards import ShardSettings
from adapters.discord.translator import CatalogTranslator

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Only `guilds`: slash commands, buttons, modals and DMs need nothing privileged."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


class RedflagTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await interaction.client.bridge.on_error(interaction, error)  # type: ignore[attr-defined]


class RedflagBehaviour:
    """What the bot does on any discord.py client class: intents, commands, buttons, modals."""

    def __init__(self, core: "Core", **options: Any) -> None:
        options.setdefault("intents", intents())
        options.setdefault("chunk_guilds_at_startup", False)
        options.setdefault("member_cache_flags", discord.MemberCacheFlags.none())
        options.setdefault("max_messages", None)
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        wait = wire.rate_limit_wait()
        options.setdefault("max_ratelimit_timeout", max(wait, wire.RATE_LIMIT_WAIT))
        options.setdefault("http_trace", wire.trace())
        super().__init__(**options)  # type: ignore[call-arg]
        if wait < wire.RATE_LIMIT_WAIT:  # discord.py's constructor takes no less than 30 s; tests ask for less
            self.http.max_ratelimit_timeout = wait  # type: ignore[attr-defined]
        self.bridge = Bridge(core)
        self.tree = RedflagTree(self)  # type: ignore[arg-type]
        for command in commands.build():
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        # Buttons from any earlier run (yesterday's reminder) are matched by their custom_id templates.
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # type: ignore[attr-defined]
        await self.tree.set_translator(CatalogTranslator())

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            try:
                await self.bridge.on_modal(interaction)
            except Exception as error:  # a modal must never end in "interaction failed"
                await self.bridge.on_error(interaction, error)

    async def on_ready(self) -> None:
        user = self.user  # type: ignore[attr-defined]
        log.info("Discord connected as %s (%s)", user, user.id if user else "?")


class RedflagClient(RedflagBehaviour, discord.Client):
    """One unsharded gateway connection (the default)."""


class RedflagShardedClient(RedflagBehaviour, discord.AutoShardedClient):
    """The shards this process was given, one websocket each, in one client."""

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("Discord shard %s of %s ready", shard_id, self.shard_count)


def make_client(core: "Core", shards: ShardSettings, **options: Any) -> RedflagClient | RedflagShardedClient:
    """The client the shard settings call for: unsharded unless a shard count is set."""
    if shards.sharded:
        return RedflagShardedClient(core, **shards.client_options(), **options)
    return RedflagClient(core, **options)
