"""Discord surface: application commands, buttons that survive restarts, modals, reminder DMs.

`configured(env)` and `start(core, env)` are the service contract of
`adapters/service.py`. discord.py is imported only when `start` runs, so
checking `configured` is cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from adapters.discord.config import configured

if TYPE_CHECKING:
    from adapters.discord.service import DiscordService
    from bot.core import Core

__all__ = ["configured", "start"]


async def start(core: "Core", env: Mapping[str, str]) -> "DiscordService":
    from adapters.discord.service import start as start_service

    return await start_service(core, env)
