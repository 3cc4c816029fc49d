"""The "should I fire this client?" dialogue: evidence, questions, verdict, script.

Its states, entry points and fallbacks are declared in `states.py`, the
order of the steps in `plan.py`, the transitions in `flow.py`, each step's
look in `render.py`. `start_for(ctx, client)` opens it (from `/fire` or a
reminder's button); `followup_replies(ctx, followup)` renders a "remind me
in 3 days" DM.
"""
from bot.dialogue.flow import followup_replies, start_for

__all__ = ["start_for", "followup_replies"]
