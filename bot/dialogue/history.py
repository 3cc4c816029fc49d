"""Decisions on the client's timeline: when, which verdict, and why."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue.verdict import Verdict
from bot.dialogue.wording import KIND_NAMES
from bot.timeline import TimelineEvent

if TYPE_CHECKING:
    from bot.context import Context
    from storage.records import Client


def decisions(ctx: "Context", client: "Client") -> list[TimelineEvent]:
    from bot.dialogue.render import reason

    events: list[TimelineEvent] = []
    for dlg in ctx.store.dialogues.finished_for(ctx.owner, client.id):
        if not dlg.outcome or not dlg.finished_at:
            continue
        verdict = Verdict.from_dict(dlg.outcome["verdict"])
        reasons = " ".join(reason(ctx, r, client.name) for r in verdict.reasons)
        events.append(
            TimelineEvent(
                at=dlg.finished_at,
                type="decision",
                summary=ctx.t("dialogue.timeline", verdict=ctx.t(KIND_NAMES[verdict.kind]), reasons=reasons),
            )
        )
    return events
