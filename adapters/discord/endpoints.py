"""Where discord.py connects: `DISCORD_API_URL` and `DISCORD_GATEWAY_URL`.

discord.py keeps both addresses as class attributes (`discord.http.Route.BASE`
for REST, `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` for the
websocket; an unsharded `Client` connects straight to the latter). This module
is the one place that changes them, so a proxy or the test fake is chosen by
environment alone. Unset variables restore Discord's own addresses.
"""
from __future__ import annotations

import re
from typing import Mapping

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import INTERNAL_API_VERSION, Route

DEFAULT_API = Route.BASE
DEFAULT_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY


def api_base(value: str | None) -> str:
    """`https://host/api` or `https://host/api/v10` -> the versioned base discord.py expects."""
    if not value:
        return DEFAULT_API
    base = value.rstrip("/")
    if not re.search(r"/v\d+$", base):
        base = f"{base}/v{INTERNAL_API_VERSION}"
    return base


def gateway_url(value: str | None) -> yarl.URL:
    if not value:
        return DEFAULT_GATEWAY
    url = yarl.URL(value)
    return url if url.path else url.with_path("/")


def apply(env: Mapping[str, str]) -> None:
    """Point discord.py at the configured REST and gateway addresses (process-wide)."""
    Route.BASE = api_base(env.get("DISCORD_API_URL"))
    DiscordWebSocket.DEFAULT_GATEWAY = gateway_url(env.get("DISCORD_GATEWAY_URL"))
