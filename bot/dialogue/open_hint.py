"""A dialogue left open while the user runs another command: say where it is and how to go back.

Another command never touches the dialogue's state; its answer just ends
with one line naming the open question, `/fire <client>`, and a "Back to the
question" choice (navigation, so a surface never numbers it among answers;
the console also takes a bare number typed right after for it).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Callable

from bot.context import Context
from bot.replies import Choice, Reply

#: A dialogue touched this recently counts as "under way"; older ones wait for `/fire` to offer Resume.
OPEN_WINDOW = timedelta(hours=2)


def hint_for(ctx: Context, command: str, replies: list[Reply], as_stored_now: Callable[[], Context]) -> Reply | None:
    """The line, or None. `as_stored_now` re-reads the person's settings, asked only when a dialogue is open:
    the line is worded in the language the command left (after `/redflag settings lang=nl`, Dutch)."""
    if command == "fire" or any(r.form is not None for r in replies):
        return None
    from bot.dialogue import render
    from bot.dialogue.states import RESUME, button

    dlg = ctx.store.dialogues.latest_active(ctx.owner)
    if dlg is None or ctx.now - dlg.updated_at > OPEN_WINDOW:
        return None
    client = ctx.store.clients.get(ctx.owner, dlg.client_id)
    if client is None:
        return None
    ctx = as_stored_now()
    text = ctx.t(
        "dialogue.open_hint",
        name=client.name,
        question=render.question_line(ctx, dlg, client),
        fire=render.fire_command(client.name),
    )
    has_own_choices = any(r.choices for r in replies)
    choices = () if has_own_choices else (Choice(button(dlg, RESUME), ctx.t("dialogue.continue"), nav="continue"),)
    return Reply(text=text, choices=choices)
