"""Reminders in the client's history: each delivered nudge is a timeline event."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.nudges.texts import stage_label
from bot.timeline import TimelineEvent

if TYPE_CHECKING:
    from bot.context import Context
    from storage.records import Client


def nudges_sent(ctx: "Context", client: "Client") -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=sent.delivered_at,
            type="nudge",
            summary=ctx.t.n("nudge.timeline", sent.overdue_days, ref=sent.ref, stage=stage_label(ctx, sent.stage)),
            ref=sent.ref,
        )
        for sent in ctx.store.nudges.sent_for_client(ctx.owner, client.id)
    ]
