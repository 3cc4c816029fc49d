"""Slack surface: Bolt `AsyncApp` over HTTP or Socket Mode, one workspace or many (OAuth).

`configured(env)` and `start(core, env)` are the service contract of
`adapters/service.py`; see `docs/slack.md` for setting up the app.
"""
from adapters.slack.config import configured
from adapters.slack.service import SlackService, start

__all__ = ["SlackService", "configured", "start"]
