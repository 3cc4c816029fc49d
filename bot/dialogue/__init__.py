"""The "should I fire this client?" dialogue: evidence, questions, verdict, script.

Its states, entry points and fallbacks are declared in `states.py`, the
order of the steps in `plan.py`, the transitions in `flow.py`, each step's
look in `render.py`. `start_for(ctx, client)` opens it (from `/fire` or a
reminder's button), `handle(ctx, action_id)` moves it on a click;
`followup_replies(ctx, followup)` renders a "remind me in 3 days" DM.

These three import `flow.py` (and with it the plan, verdicts, letters and
scripts: a fifth of the bot's start-up, most of it their frozen dataclasses) on
first use, not when `/fire` is declared: a serving process warms them after it
serves (`bot/warm.py`, issue 20).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.context import Context
    from bot.replies import Reply
    from storage.records import Client

__all__ = ["PREFIX", "start_for", "handle", "followup_replies"]

#: The first part of every dialogue button id (`bot/dialogue/states.py` builds them).
PREFIX = "dlg"


def start_for(ctx: "Context", client: "Client") -> "list[Reply]":
    from bot.dialogue import flow

    return flow.start_for(ctx, client)


def handle(ctx: "Context", action_id: str) -> "list[Reply]":
    from bot.dialogue import flow

    return flow.handle(ctx, action_id)


def followup_replies(ctx: "Context", followup: Any) -> "list[Reply]":
    from bot.dialogue import flow

    return flow.followup_replies(ctx, followup)
