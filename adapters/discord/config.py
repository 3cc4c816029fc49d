"""Whether the environment configures Discord: checked without importing discord.py, so the console starts fast."""
from __future__ import annotations

from typing import Mapping


def configured(env: Mapping[str, str]) -> bool:
    """A bot token is all Discord needs (application commands are synced separately)."""
    return bool(env.get("DISCORD_TOKEN", "").strip())
