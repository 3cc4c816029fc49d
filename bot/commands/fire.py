"""`/fire <client>` and every button of the decision dialogue (`dlg:…`).

The command's grammar is here; the conversation itself is `bot/dialogue/`
(its states table in `states.py`, the transitions in `flow.py`).
"""
from __future__ import annotations

from bot.context import Context
from bot.dialogue import flow
from bot.dialogue.states import PREFIX
from bot.errors import UserError
from bot.parser import find_client, tokenize
from bot.registry import action, command
from bot.replies import Reply

USAGE = "dialogue.usage"


@command("fire")
def fire_command(ctx: Context, text: str) -> list[Reply]:
    """`/fire <client>`: the whole rest is the client's name, quoted or not."""
    tokens = tokenize(text)
    if not tokens:
        raise UserError("error.client_missing", usage=USAGE)
    client = find_client(ctx, " ".join(t.value for t in tokens), USAGE)
    return flow.start_for(ctx, client)


@action(PREFIX)
def dialogue_button(ctx: Context, action_id: str) -> list[Reply]:
    return flow.handle(ctx, action_id)
