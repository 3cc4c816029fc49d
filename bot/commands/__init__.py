"""Importing this package registers every command, button and form handler.

One line per feature module; see `bot/registry.py`.
"""
from bot.commands import ask, client, fire, incident, invoice, nudge_actions, redflag  # noqa: F401
