"""Discord surface: application commands, buttons that survive restarts, modals, reminder DMs.

`configured` and `start` load discord.py on first use, so start-up checks
(`adapters.discord.shards`) can read the settings without the SDK.
"""
from __future__ import annotations

from typing import Any

__all__ = ["configured", "start"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from adapters.discord import service

        return getattr(service, name)
    raise AttributeError(f"module 'adapters.discord' has no attribute {name!r}")
