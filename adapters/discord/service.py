"""`redflag` serving Discord: log in, connect the gateway on the running loop, stop cleanly.

`client.start` is split into `login` (so a bad token fails at start-up, with
a clear error) and `connect` in a background task on the shared loop, beside
Slack and the scheduler. Reconnects are discord.py's. Commands are never
synced here: that is `redflag discord sync`. With shard settings the
client is discord.py's `AutoShardedClient` on this process's shards.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from adapters.discord import endpoints, shards
from adapters.discord.client import RedflagClient, RedflagShardedClient, make_client
from adapters.discord.config import configured
from adapters.discord.notifier import DiscordNotifier

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)


__all__ = ["DiscordService", "configured", "start"]


@dataclass
class DiscordService:
    """The running Discord client and its notifier, stopped together."""
    client: RedflagClient | RedflagShardedClient
    notifier: DiscordNotifier
    task: asyncio.Task | None = None
    name: str = field(default="discord")

    async def stop(self) -> None:
        await self.client.close()
        self.client.bridge.lane.shutdown()  # the slow commands' worker processes (a running one finishes)
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, timeout=10)
            except (asyncio.CancelledError, asyncio.TimeoutError):
                self.task.cancel()
            except Exception:  # already logged by the task's callback
                pass


def _report_end(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("Discord connection ended: %s", type(error).__name__, exc_info=error)


async def start(core: "Core", env: Mapping[str, str], **client_options: Any) -> DiscordService:
    """Log in and connect in the background; returns once logged in (commands arrive after READY)."""
    chosen = shards.from_env(env)  # ShardSettingsError before anything connects
    endpoints.apply(env)
    client = make_client(core, chosen, **client_options)
    token = env["DISCORD_TOKEN"].strip()
    try:
        await client.login(token)
    except Exception:
        await client.close()
        raise
    task = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
    task.add_done_callback(_report_end)
    return DiscordService(client=client, notifier=DiscordNotifier(client), task=task)
