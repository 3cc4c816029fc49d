"""`/fire <client>` and every button of the decision dialogue (`dlg:…`).

The conversation itself lives in `bot/dialogue/`; this module only routes.
"""
from __future__ import annotations

from bot.context import Context
from bot.dialogue import flow
from bot.dialogue import history  # noqa: F401  (registers the timeline source for decisions)
from bot.registry import action, command
from bot.replies import Reply


@command("fire")
def fire_command(ctx: Context, text: str) -> list[Reply]:
    return flow.command(ctx, text)


@action(flow.PREFIX)
def dialogue_button(ctx: Context, action_id: str) -> list[Reply]:
    return flow.handle(ctx, action_id)
