"""Which surfaces the environment configures; each adapter package decides with its own `configured(env)`.

Asking imports no platform SDK (each package keeps `configured` in a
module of its own), so the console starts fast. `redflag` serves these
surfaces; a one-off sweep (`adapters/oneshot.py`) DMs through them.
"""
from __future__ import annotations

from types import ModuleType
from typing import Mapping


def surface(name: str) -> ModuleType:
    """The adapter package of a surface: its `configured(env)` and `async start(core, env)`."""
    from adapters import discord, slack

    return {"slack": slack, "discord": discord}[name]


def configured_surfaces(env: Mapping[str, str]) -> list[str]:
    """The surfaces whose settings are complete; SystemExit when Slack's are only half there."""
    slack, discord = surface("slack"), surface("discord")
    names = []
    if slack.configured(env):
        names.append("slack")
    else:
        problem = slack.incomplete(env)
        if problem:
            raise SystemExit(f"redflag: {problem}")
    if discord.configured(env):
        names.append("discord")
    return names
