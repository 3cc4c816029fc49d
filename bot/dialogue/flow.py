"""The decision dialogue's transitions: a small persisted state machine.

Its states, entry points and fallbacks are the table of
`bot/dialogue/states.py`; which state comes next is `bot/dialogue/plan.py`;
what each looks like is `bot/dialogue/render.py`. Unlike an in-memory
conversation, every transition is written to SQLite (`storage/dialogues.py`)
before the reply is returned, so a restart or a days-old button continues
where the user was.

On a checklist, `t.<item>` ticks or unticks an item (the step stays, with
its pending ticks stored as `~<step>`) and `done` answers it. The step
number in a button id grows with every change and the store moves only when
it still matches, so an outdated click changes nothing and says so; a
repeated click on the choice that produced the current step just shows that
step again.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.context import Context
from bot.dialogue import plan as P
from bot.dialogue import render
from bot.dialogue.evidence import Evidence, for_client
from bot.dialogue.states import BACK, CANCEL, PREFIX, REMIND, RESTART, RESUME, START, button
from bot.dialogue.verdict import decide
from bot.replies import Choice, Reply
from storage.dialogues import CANCELLED, FINISHED, Dialogue
from storage.records import Client

REMIND_AFTER = timedelta(days=3)
FOLLOWUP_KIND = "decide"


# -- entry -------------------------------------------------------------------------
def start_for(ctx: Context, client: Client) -> list[Reply]:
    """Open the dialogue for a client, or offer Resume / Start over when one is under way."""
    active = ctx.store.dialogues.active_for(ctx.owner, client.id)
    if active is not None:
        if ctx.request_id and active.last_action == f"req:{ctx.request_id}":  # a platform retry of this /fire
            return [render.step(ctx, active, client, for_client(ctx, client), replaces=False)]
        return [render.offer_resume(ctx, active, client)]
    dlg = ctx.store.dialogues.start(ctx.owner, ctx.address.platform, client.id, P.EVIDENCE, ctx.now, ctx.request_id)
    return [render.step(ctx, dlg, client, for_client(ctx, client), replaces=False)]


def _start_by_id(ctx: Context, raw: str) -> list[Reply]:
    client = ctx.store.clients.get(ctx.owner, int(raw)) if raw.isdigit() else None
    if client is None:
        return [render.refusal(ctx, "dialogue.refused.unknown")]
    return start_for(ctx, client)


# -- the action handler -----------------------------------------------------------
def handle(ctx: Context, action_id: str) -> list[Reply]:
    """A click on `dlg:…`: move the stored dialogue if the click still applies, and show where it is."""
    parts = action_id.split(":")
    if len(parts) == 3 and parts[1] == START:
        return _start_by_id(ctx, parts[2])
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return [render.refusal(ctx, "dialogue.refused.unknown")]
    dlg = ctx.store.dialogues.get(ctx.owner, int(parts[1]))
    if dlg is None:  # another user's, another workspace's, or never existed: all read the same
        return [render.refusal(ctx, "dialogue.refused.unknown")]
    client = ctx.store.clients.get(ctx.owner, dlg.client_id)
    if client is None:
        return [render.refusal(ctx, "dialogue.refused.unknown")]
    step_no, answer = int(parts[2]), parts[3]

    if dlg.status == CANCELLED:
        if answer == CANCEL and action_id == dlg.last_action:  # the cancel, clicked twice
            return [render.cancelled(ctx, client)]
        if answer == RESTART:  # "Start over" clicked twice: show the fresh dialogue
            fresh = ctx.store.dialogues.active_for(ctx.owner, client.id)
            if fresh is not None and fresh.started_at >= dlg.updated_at:
                return [render.step(ctx, fresh, client, for_client(ctx, client), replaces=True)]
        return [render.refusal(ctx, "dialogue.refused.cancelled", client, restart=True)]
    if dlg.status == FINISHED:
        if answer == REMIND and step_no == dlg.step_no:
            return [render.remind_set(ctx, client, _followup(ctx, dlg, client, "verdict"))]
        if action_id == dlg.last_action:  # the click that finished it, again
            return render.verdict_replies(ctx, dlg, client, for_client(ctx, client), replaces=True)
        return [render.refusal(ctx, "dialogue.refused.finished", client, restart=True, dlg=dlg)]

    evidence = for_client(ctx, client)
    if step_no != dlg.step_no:
        if action_id == dlg.last_action:  # a double click: show the step it already led to
            return [render.step(ctx, dlg, client, evidence, replaces=True)]
        return [
            Reply(
                text=ctx.t("dialogue.refused.moved_on", name=client.name),
                choices=(Choice(button(dlg, RESUME), ctx.t("dialogue.resume.show")),),
                is_error=True,
            )
        ]

    if answer == RESUME:
        return [render.step(ctx, dlg, client, evidence, replaces=True)]
    if answer == RESTART:
        fresh = ctx.store.dialogues.start(ctx.owner, ctx.address.platform, client.id, P.EVIDENCE, ctx.now)
        return [render.step(ctx, fresh, client, evidence, replaces=True)]
    if answer == CANCEL:
        if ctx.store.dialogues.cancel(ctx.owner, dlg.id, dlg.step_no, action_id, ctx.now) is None:
            return [_moved_on(ctx, client, dlg)]
        return [render.cancelled(ctx, client)]
    if answer == BACK:
        return _back(ctx, dlg, client, evidence, action_id)
    if answer == P.SLEEP and dlg.step in ("ground.cool", P.GROUND):
        return [render.slept_on(ctx, dlg, client, _followup(ctx, dlg, client, "cool"))]

    # Any answer the step can take counts, even if new evidence has since turned
    # the question into a two-choice confirmation: the user answered what they saw.
    if not P.accepts(dlg.step, answer, evidence, dlg.answers):
        return [
            Reply(text=ctx.t("dialogue.refused.bad_answer"), is_error=True),
            render.step(ctx, dlg, client, evidence, replaces=False),
        ]
    return _answer(ctx, dlg, client, evidence, answer, action_id)


def _moved_on(ctx: Context, client: Client, dlg: Dialogue) -> Reply:
    return render.moved_on(ctx, client, ctx.store.dialogues.get(ctx.owner, dlg.id) or dlg)


# -- transitions -------------------------------------------------------------------
def _toggle(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, item: str, action_id: str) -> list[Reply]:
    """Tick or untick one item of a checklist step: the step stays, its pending ticks change."""
    answers = dict(dlg.answers)
    ticked = list(P.picks(answers, dlg.step))
    ticked = [i for i in ticked if i != item] if item in ticked else ticked + [item]
    answers["~" + dlg.step] = ",".join(ticked)
    moved = ctx.store.dialogues.advance(
        ctx.owner, dlg.id, dlg.step_no, step=dlg.step, answers=answers, history=list(dlg.history), action=action_id, now=ctx.now
    )
    if moved is None:
        return [_moved_on(ctx, client, dlg)]
    return [render.step(ctx, moved, client, evidence, replaces=True)]


def _answer(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, answer: str, action_id: str) -> list[Reply]:
    answers = dict(dlg.answers)
    if P.is_checklist(dlg.step):
        if answer.startswith(P.TOGGLE):
            return _toggle(ctx, dlg, client, evidence, answer[len(P.TOGGLE) :], action_id)
        items = P.checklist_items(evidence, answers, dlg.step)
        answers[dlg.step] = ",".join(i for i in P.picks(answers, dlg.step) if i in items)
        answers.pop("~" + dlg.step, None)
    else:
        answers[dlg.step] = answer
    nxt = P.next_step(evidence, answers, dlg.step)
    history = list(dlg.history) + [dlg.step]
    if nxt == P.VERDICT:
        verdict = decide(evidence, P.final_answers(evidence, answers))
        outcome = {"verdict": verdict.as_dict(), "evidence": _evidence_snapshot(evidence)}
        done = ctx.store.dialogues.finish(
            ctx.owner,
            dlg.id,
            dlg.step_no,
            step=P.VERDICT,
            answers=answers,
            history=history,
            action=action_id,
            verdict=verdict.kind,
            outcome=outcome,
            now=ctx.now,
        )
        if done is None:
            return [_moved_on(ctx, client, dlg)]
        return render.verdict_replies(ctx, done, client, evidence, replaces=True)
    moved = ctx.store.dialogues.advance(
        ctx.owner, dlg.id, dlg.step_no, step=nxt, answers=answers, history=history, action=action_id, now=ctx.now
    )
    if moved is None:
        return [_moved_on(ctx, client, dlg)]
    return [render.step(ctx, moved, client, evidence, replaces=True)]


def _back(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, action_id: str) -> list[Reply]:
    if not dlg.history:
        return [render.step(ctx, dlg, client, evidence, replaces=True)]
    history = list(dlg.history)
    previous = history.pop()
    answers = dict(dlg.answers)
    answers.pop("~" + dlg.step, None)  # ticks not confirmed with Done are dropped
    moved = ctx.store.dialogues.advance(
        ctx.owner, dlg.id, dlg.step_no, step=previous, answers=answers, history=history, action=action_id, now=ctx.now
    )
    if moved is None:
        return [_moved_on(ctx, client, dlg)]
    return [render.step(ctx, moved, client, evidence, replaces=True)]


def _followup(ctx: Context, dlg: Dialogue, client: Client, reason: str) -> datetime:
    from bot.nudges.policy import at_send_hour

    # On the chosen day at the user's send hour, in their zone (not +72 h, which may be the middle of the night).
    due = at_send_hour(ctx.now, REMIND_AFTER.days, ctx.settings.send_hour, ctx.tz)
    followup, _ = ctx.store.followups.add(
        ctx.owner,
        ctx.address.platform,
        FOLLOWUP_KIND,
        due,
        {"dialogue_id": dlg.id, "client_name": client.name, "verdict": dlg.verdict, "reason": reason},
        client_id=client.id,
        key=f"{PREFIX}:{dlg.id}:{reason}",
        now=ctx.now,
    )
    return followup.due_at


def _evidence_snapshot(evidence: Evidence) -> dict[str, Any]:
    return {"owed": [list(o) for o in evidence.owed], "today_days": evidence.client_days}


# -- what others call --------------------------------------------------------------
def followup_replies(ctx: Context, followup: Any) -> list[Reply]:
    """The DM for a `decide` follow-up (storage/followups.py), for the reminder sweep to send.

    `ctx` is the recipient's context (their language and zone). A client that
    was deleted meanwhile still gets a plain reminder, without a button.
    """
    payload = followup.payload or {}
    client = ctx.store.clients.get(ctx.owner, followup.client_id) if followup.client_id else None
    name = client.name if client else payload.get("client_name", "")
    return [render.followup(ctx, client, name, payload.get("verdict"))]


__all__ = ["start_for", "handle", "followup_replies"]
