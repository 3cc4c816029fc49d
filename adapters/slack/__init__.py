"""Slack surface: Bolt `AsyncApp` over HTTP or Socket Mode, one workspace or many (OAuth).

`configured(env)` and `start(core, env)` are the service contract of
`adapters/service.py` (`incomplete(env)` says why a half-set environment cannot serve); see "Connecting Slack" in README.md for setting up the app. The Slack
SDKs are imported only when `start` runs, so checking `configured` is cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from adapters.slack.config import configured, incomplete

if TYPE_CHECKING:
    from adapters.slack.service import SlackService
    from bot.core import Core

__all__ = ["configured", "incomplete", "start"]


async def start(core: "Core", env: Mapping[str, str]) -> "SlackService":
    from adapters.slack.service import start as start_service

    return await start_service(core, env)
