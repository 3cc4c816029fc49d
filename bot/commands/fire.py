"""`/fire <client>` and every button of the decision dialogue (`dlg:…`).

The command's grammar is here; the conversation itself is `bot/dialogue/`
(its states table in `states.py`, the transitions in `flow.py`).
"""
from __future__ import annotations

from bot.context import Context
from bot.declare import CLIENT, Args, Option
from bot import dialogue
from bot.dialogue import PREFIX
from bot.errors import UserError
from bot.parser import find_client
from bot.registry import action, command
from bot.replies import Reply

USAGE = "dialogue.usage"


@command("fire", usage=USAGE, help=("help.fire",),
         options=(Option("client", CLIENT, required=True, positional=True, rest=True),))
def fire_command(ctx: Context, args: Args) -> list[Reply]:
    """`/fire <client>`: the whole rest is the client's name, quoted or not."""
    if "client" not in args:
        raise UserError("error.client_missing", usage=USAGE)
    return dialogue.start_for(ctx, find_client(ctx, args.text("client"), USAGE))


@action(PREFIX)
def dialogue_button(ctx: Context, action_id: str) -> list[Reply]:
    return dialogue.handle(ctx, action_id)
