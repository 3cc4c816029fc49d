"""`/fire <client>` and every button of the decision dialogue (`dlg:…`).

The conversation itself lives in `bot/dialogue/`; this module only routes.
"""
from __future__ import annotations

from bot.context import Context
from bot.declare import CLIENT, Args, Option
from bot.errors import UserError
from bot.parser import find_client
from bot.dialogue import flow
from bot.dialogue import history  # noqa: F401  (registers the timeline source for decisions)
from bot.registry import action, command
from bot.replies import Reply


@command("fire", usage="dialogue.usage", help=("help.fire",),
         options=(Option("client", CLIENT, required=True, positional=True, rest=True),))
def fire_command(ctx: Context, args: Args) -> list[Reply]:
    """`/fire <client>`."""
    if "client" not in args:
        raise UserError("error.client_missing", usage="dialogue.usage")
    return flow.start_for(ctx, find_client(ctx, args.text("client"), "dialogue.usage"))


@action(flow.PREFIX)
def dialogue_button(ctx: Context, action_id: str) -> list[Reply]:
    return flow.handle(ctx, action_id)
