"""The "should I fire this client?" dialogue: evidence, questions, verdict, script.

`flow.start_for(ctx, client)` opens it (from `/fire` or a reminder's button);
`flow.followup_replies(ctx, followup)` renders a "remind me in 3 days" DM.
"""
from bot.dialogue.flow import followup_replies, start_for

__all__ = ["start_for", "followup_replies"]
