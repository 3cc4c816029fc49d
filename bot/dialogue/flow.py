"""The decision dialogue as a small persisted state machine.

In the spirit of python-telegram-bot's ConversationHandler: an *entry*
(`start_for`, reached from `/fire <client>` or a reminder's button), *states*
(the steps of `bot/dialogue/plan.py`, whose docstring holds the states table:
one message each, a checklist for related signs), and *fallbacks*
(Back, Cancel, Resume / Start over, and clean refusals for buttons that no
longer apply). Unlike an in-memory conversation, every transition is written
to SQLite (`storage/dialogues.py`) before the reply is returned, so a restart
or a days-old button continues where the user was.

Back and Cancel are navigation choices (`Choice.nav`): surfaces keep them
apart from the answers, so they never take an answer's number or place.
On a checklist, `t.<item>` ticks or unticks an item (the step stays, with
its pending ticks stored as `~<step>`) and `done` answers it.

Button ids: `dlg:<dialogue id>:<step no>:<answer>`, plus `dlg:start:<client id>`
to open a dialogue from elsewhere. The step number grows with every change and
the store moves only when it still matches, so an outdated click changes
nothing and says so; a repeated click on the choice that produced the current
step just shows that step again.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import fmt, letters
from bot.context import Context
from bot.dialogue import plan as P
from bot.dialogue import scripts
from bot.dialogue.evidence import Evidence, for_client
from bot.dialogue.verdict import Reason, Verdict, decide
from bot.errors import UserError
from bot.replies import Choice, Reply
from storage.dialogues import CANCELLED, FINISHED, Dialogue
from storage.records import Client

PREFIX = "dlg"
REMIND_AFTER = timedelta(days=3)
FOLLOWUP_KIND = "decide"

BACK, CANCEL, RESUME, RESTART, REMIND, START = "back", "cancel", "resume", "restart", "remind", "start"


# -- ids ---------------------------------------------------------------------------
def button(dlg: Dialogue, answer: str) -> str:
    return f"{PREFIX}:{dlg.id}:{dlg.step_no}:{answer}"


def start_button(client_id: int) -> str:
    return f"{PREFIX}:{START}:{client_id}"


def _slug(step: str) -> str:
    return step.replace("-", "_").replace(".", "_")


def _days(ctx: Context, n: int) -> str:
    return ctx.t.n("value.days", n)


def _day(ctx: Context, dt: datetime) -> str:
    return fmt.day(ctx.language, dt.astimezone(ctx.tz).date())


def _kind_label(ctx: Context, kind: str) -> str:
    key = f"kind.{kind}"
    return ctx.t(key) if ctx.t.has(key) else kind


# -- entry -------------------------------------------------------------------------
def start_for(ctx: Context, client: Client) -> list[Reply]:
    """Open the dialogue for a client, or offer Resume / Start over when one is under way."""
    active = ctx.store.dialogues.active_for(ctx.owner, client.id)
    if active is not None:
        if ctx.request_id and active.last_action == f"req:{ctx.request_id}":  # a platform retry of this /fire
            return [_render(ctx, active, client, for_client(ctx, client), replaces=False)]
        return [_offer_resume(ctx, active, client)]
    dlg = ctx.store.dialogues.start(ctx.owner, ctx.address.platform, client.id, P.EVIDENCE, ctx.now, ctx.request_id)
    return [_render(ctx, dlg, client, for_client(ctx, client), replaces=False)]


def _offer_resume(ctx: Context, dlg: Dialogue, client: Client) -> Reply:
    return Reply(
        title=ctx.t("dialogue.title", name=client.name),
        text=ctx.t("dialogue.resume.offer", name=client.name, date=_day(ctx, dlg.started_at)),
        context=ctx.t("dialogue.resume.where", question=_question_line(ctx, dlg, client)),
        choices=(
            Choice(button(dlg, RESUME), ctx.t("dialogue.resume.resume"), "primary"),
            Choice(button(dlg, RESTART), ctx.t("dialogue.resume.restart")),
            Choice(button(dlg, CANCEL), ctx.t("dialogue.cancel"), nav=CANCEL),
        ),
    )


def _question_line(ctx: Context, dlg: Dialogue, client: Client) -> str:
    if dlg.step == P.EVIDENCE:
        return ctx.t("dialogue.resume.at_start")
    key = f"dialogue.short.{_slug(dlg.step)}"
    return ctx.t(key, name=client.name) if ctx.t.has(key) else ctx.t("dialogue.resume.at_start")


# -- the action handler -----------------------------------------------------------
def handle(ctx: Context, action_id: str) -> list[Reply]:
    parts = action_id.split(":")
    if len(parts) == 3 and parts[1] == START:
        return _start_by_id(ctx, parts[2])
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return [_refusal(ctx, "dialogue.refused.unknown")]
    dlg = ctx.store.dialogues.get(ctx.owner, int(parts[1]))
    if dlg is None:  # another user's, another workspace's, or never existed: all read the same
        return [_refusal(ctx, "dialogue.refused.unknown")]
    client = ctx.store.clients.get(ctx.owner, dlg.client_id)
    if client is None:
        return [_refusal(ctx, "dialogue.refused.unknown")]
    step_no, answer = int(parts[2]), parts[3]

    if dlg.status == CANCELLED:
        if answer == CANCEL and action_id == dlg.last_action:  # the cancel, clicked twice
            return [_cancelled(ctx, client)]
        if answer == RESTART:  # "Start over" clicked twice: show the fresh dialogue
            fresh = ctx.store.dialogues.active_for(ctx.owner, client.id)
            if fresh is not None and fresh.started_at >= dlg.updated_at:
                return [_render(ctx, fresh, client, for_client(ctx, client), replaces=True)]
        return [_refusal(ctx, "dialogue.refused.cancelled", client, restart=True)]
    if dlg.status == FINISHED:
        if answer == REMIND and step_no == dlg.step_no:
            return _remind(ctx, dlg, client)
        if action_id == dlg.last_action:  # the click that finished it, again
            return _verdict_replies(ctx, dlg, client, for_client(ctx, client), replaces=True)
        return [_refusal(ctx, "dialogue.refused.finished", client, restart=True, dlg=dlg)]

    evidence = for_client(ctx, client)
    if step_no != dlg.step_no:
        if action_id == dlg.last_action:  # a double click: show the step it already led to
            return [_render(ctx, dlg, client, evidence, replaces=True)]
        return [
            Reply(
                text=ctx.t("dialogue.refused.moved_on", name=client.name),
                choices=(Choice(button(dlg, RESUME), ctx.t("dialogue.resume.show")),),
                is_error=True,
            )
        ]

    if answer == RESUME:
        return [_render(ctx, dlg, client, evidence, replaces=True)]
    if answer == RESTART:
        fresh = ctx.store.dialogues.start(ctx.owner, ctx.address.platform, client.id, P.EVIDENCE, ctx.now)
        return [_render(ctx, fresh, client, evidence, replaces=True)]
    if answer == CANCEL:
        if ctx.store.dialogues.cancel(ctx.owner, dlg.id, dlg.step_no, action_id, ctx.now) is None:
            return [_moved_on(ctx, client, dlg)]
        return [_cancelled(ctx, client)]
    if answer == BACK:
        return _back(ctx, dlg, client, evidence, action_id)
    if answer == P.SLEEP and dlg.step in ("ground.cool", P.GROUND):
        return _sleep_on_it(ctx, dlg, client)

    # Any answer the step can take counts, even if new evidence has since turned
    # the question into a two-choice confirmation: the user answered what they saw.
    if not P.accepts(dlg.step, answer, evidence, dlg.answers):
        return [
            Reply(text=ctx.t("dialogue.refused.bad_answer"), is_error=True),
            _render(ctx, dlg, client, evidence, replaces=False),
        ]
    return _answer(ctx, dlg, client, evidence, answer, action_id)


def _cancelled(ctx: Context, client: Client) -> Reply:
    return Reply(
        text=ctx.t("dialogue.cancelled", name=client.name),
        context=ctx.t("dialogue.cancelled_hint", fire="/fire " + _quote(client.name)),
        replaces=True,
    )


def _quote(name: str) -> str:
    from bot.parser import quote

    return quote(name)


def _start_by_id(ctx: Context, raw: str) -> list[Reply]:
    client = ctx.store.clients.get(ctx.owner, int(raw)) if raw.isdigit() else None
    if client is None:
        return [_refusal(ctx, "dialogue.refused.unknown")]
    return start_for(ctx, client)


def _refusal(
    ctx: Context,
    key: str,
    client: Client | None = None,
    *,
    restart: bool = False,
    dlg: Dialogue | None = None,
) -> Reply:
    values: dict[str, Any] = {}
    if client is not None:
        values["name"] = client.name
        values["fire"] = "/fire " + _quote(client.name)
    if dlg is not None and dlg.verdict:
        values["verdict"] = ctx.t(f"dialogue.kind.{dlg.verdict}")
        values["date"] = _day(ctx, dlg.finished_at or dlg.updated_at)
    choices = (Choice(start_button(client.id), ctx.t("dialogue.start_again")),) if restart and client else ()
    return Reply(text=ctx.t(key, **values), choices=choices, is_error=True)


def _moved_on(ctx: Context, client: Client, dlg: Dialogue) -> Reply:
    current = ctx.store.dialogues.get(ctx.owner, dlg.id) or dlg
    return Reply(
        text=ctx.t("dialogue.refused.moved_on", name=client.name),
        choices=(Choice(button(current, RESUME), ctx.t("dialogue.resume.show")),) if current.active else (),
        is_error=True,
    )


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
    return [_render(ctx, moved, client, evidence, replaces=True)]


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
        return _verdict_replies(ctx, done, client, evidence, replaces=True)
    moved = ctx.store.dialogues.advance(
        ctx.owner, dlg.id, dlg.step_no, step=nxt, answers=answers, history=history, action=action_id, now=ctx.now
    )
    if moved is None:
        return [_moved_on(ctx, client, dlg)]
    return [_render(ctx, moved, client, evidence, replaces=True)]


def _back(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, action_id: str) -> list[Reply]:
    if not dlg.history:
        return [_render(ctx, dlg, client, evidence, replaces=True)]
    history = list(dlg.history)
    previous = history.pop()
    answers = dict(dlg.answers)
    answers.pop("~" + dlg.step, None)  # ticks not confirmed with Done are dropped
    moved = ctx.store.dialogues.advance(
        ctx.owner, dlg.id, dlg.step_no, step=previous, answers=answers, history=history, action=action_id, now=ctx.now
    )
    if moved is None:
        return [_moved_on(ctx, client, dlg)]
    return [_render(ctx, moved, client, evidence, replaces=True)]


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


def _remind(ctx: Context, dlg: Dialogue, client: Client) -> list[Reply]:
    due = _followup(ctx, dlg, client, "verdict")
    return [
        Reply(
            text=ctx.t("dialogue.remind.set", name=client.name, date=fmt.moment(ctx.language, ctx.tz, due)),
            context=ctx.t("dialogue.remind.hint"),
        )
    ]


def _sleep_on_it(ctx: Context, dlg: Dialogue, client: Client) -> list[Reply]:
    due = _followup(ctx, dlg, client, "cool")
    return [
        Reply(
            text=ctx.t("dialogue.cool.sleep", name=client.name, date=fmt.moment(ctx.language, ctx.tz, due)),
            context=ctx.t("dialogue.cool.saved", fire="/fire " + _quote(client.name)),
            choices=(Choice(button(dlg, RESUME), ctx.t("dialogue.cool.continue_now"), nav="continue"),),
            replaces=True,
        )
    ]


# -- rendering a step --------------------------------------------------------------
def _label(ctx: Context, step: str, answer: str, confirming: bool) -> str:
    specific = f"dialogue.a.{_slug(step)}.{answer}"
    if confirming:
        return ctx.t(f"dialogue.a.confirm.{answer}")
    if ctx.t.has(specific):
        return ctx.t(specific)
    return ctx.t(f"dialogue.a.{answer}")


def _nav(ctx: Context, dlg: Dialogue) -> list[Choice]:
    """Back and Cancel: kept apart from the answers by every surface, always in this order."""
    return [
        Choice(button(dlg, BACK), ctx.t("dialogue.back"), nav=BACK),
        Choice(button(dlg, CANCEL), ctx.t("dialogue.cancel"), "danger", nav=CANCEL),
    ]


def _progress(ctx: Context, dlg: Dialogue, evidence: Evidence) -> str:
    """"Question n of about m": m counts the questions this path can still ask (see plan.py)."""
    steps = P.plan(evidence, dlg.answers)
    questions = [s for s in steps if s not in (P.EVIDENCE, P.VERDICT)]
    position = questions.index(dlg.step) + 1 if dlg.step in questions else len(dlg.history)
    return ctx.t("dialogue.progress", n=position, total=max(len(questions), position))


def _render(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, *, replaces: bool) -> Reply:
    if dlg.step == P.EVIDENCE:
        return _render_evidence(ctx, dlg, client, evidence, replaces)
    if P.is_checklist(dlg.step):
        return _render_checklist(ctx, dlg, client, evidence, replaces)
    step = dlg.step
    name = client.name
    confirming = P.confirms(evidence, step)
    lines: list[str] = []
    if confirming:
        text = _confirm_text(ctx, step, evidence, name)
        if step == "late-payment":
            lines.extend(_late_lines(ctx, evidence))
    else:
        text = ctx.t(f"dialogue.q.{_slug(step)}", name=name, owed=scripts.owed_text(ctx.language, evidence.owed))
        on_file = _on_file(ctx, step, evidence, name)
        if on_file:
            lines.append(on_file)
    hint_key = f"dialogue.hint.{_slug(step)}"
    if ctx.t.has(hint_key):
        lines.append(ctx.t(hint_key, name=name))
    previous = dlg.answers.get(step)
    choices: list[Choice] = []
    for answer in P.spec(step, evidence).answers:
        label = _label(ctx, step, answer, confirming)
        if answer == previous:
            label = ctx.t("dialogue.chosen", label=label)
        choices.append(Choice(button(dlg, answer), label, "primary" if answer == previous else "default"))
    choices.extend(_nav(ctx, dlg))
    context = _progress(ctx, dlg, evidence)
    if previous is not None and previous in P.spec(step, evidence).answers:
        context += " · " + ctx.t("dialogue.previous", label=_label(ctx, step, previous, confirming))
    return Reply(
        title=ctx.t("dialogue.title", name=name),
        text=text,
        lines=tuple(lines),
        context=context,
        choices=tuple(choices),
        replaces=replaces,
    )


def _item_label(ctx: Context, item: str, evidence: Evidence, name: str) -> str:
    label = ctx.t(f"dialogue.pick.{_slug(item)}", name=name, owed=scripts.owed_text(ctx.language, evidence.owed))
    n = P.signal(evidence, item) if item in P.FREQUENCY_SIGNS else 0
    return ctx.t("dialogue.pick.on_file", label=label, n=n) if n else label


def _render_checklist(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, replaces: bool) -> Reply:
    """A step that asks several related signs at once: tick each that applies, then Done."""
    step, name = dlg.step, client.name
    spec = P.spec(step, evidence, dlg.answers)
    ticked = set(P.picks(dlg.answers, step))
    choices: list[Choice] = []
    for item in spec.items:
        label = _item_label(ctx, item, evidence, name)
        on = item in ticked
        choices.append(Choice(button(dlg, P.TOGGLE + item), ctx.t("dialogue.chosen", label=label) if on else label, "primary" if on else "default"))
    done = ctx.t("dialogue.a.done") if ticked & set(spec.items) else ctx.t("dialogue.a.none")
    choices.append(Choice(button(dlg, P.DONE), done, "primary"))
    if P.SLEEP in spec.answers:
        choices.append(Choice(button(dlg, P.SLEEP), ctx.t("dialogue.a.sleep")))
    choices.extend(_nav(ctx, dlg))
    lines = [ctx.t("dialogue.pick.hint")]
    if step == P.GROUND and evidence.hot:
        lines.insert(0, ctx.t("dialogue.ground.recent", name=name))
    return Reply(
        title=ctx.t("dialogue.title", name=name),
        text=ctx.t(f"dialogue.q.{_slug(step)}", name=name),
        lines=tuple(lines),
        context=_progress(ctx, dlg, evidence),
        choices=tuple(choices),
        replaces=replaces,
    )


def _confirm_text(ctx: Context, step: str, evidence: Evidence, name: str) -> str:
    if step == "late-payment":
        return ctx.t.n("dialogue.c.late_payment", evidence.late_signals, name=name)
    last = evidence.last(step)
    return ctx.t.n(
        "dialogue.c.sign",
        evidence.count(step),
        name=name,
        kind=_kind_label(ctx, step),
        date=_day(ctx, last) if last else "",
    )


def _on_file(ctx: Context, step: str, evidence: Evidence, name: str) -> str:
    if step == "late-payment":
        if evidence.late_signals:
            return ctx.t.n("dialogue.onfile.late", evidence.late_signals)
        return ""
    if step in P.FREQUENCY_SIGNS or step in ("abuse", "unethical", "hate-work"):
        n = evidence.count(step)
        last = evidence.last(step)
        if n and last:
            return ctx.t.n("dialogue.onfile.sign", n, kind=_kind_label(ctx, step), date=_day(ctx, last), name=name)
    return ""


def _late_lines(ctx: Context, evidence: Evidence) -> list[str]:
    lines: list[str] = []
    if evidence.paid_late:
        lines.append(
            ctx.t.n(
                "dialogue.ev.late",
                evidence.paid_late,
                avg=_days(ctx, evidence.late_avg_days),
                worst=_days(ctx, evidence.late_worst_days),
            )
        )
    if evidence.overdue_now:
        lines.append(ctx.t.n("dialogue.ev.overdue", evidence.overdue_now))
    return lines


def _evidence_lines(ctx: Context, evidence: Evidence) -> list[str]:
    if evidence.client_days:
        since = ctx.t.n("dialogue.ev.since", evidence.client_days, name=evidence.client_name, date=fmt.day(ctx.language, evidence.client_since))
    else:
        since = ctx.t("dialogue.ev.since_today", name=evidence.client_name)
    lines = [since]
    if evidence.kinds:
        lines.append(ctx.t("dialogue.ev.incidents"))
        lines.append(
            "\n".join(
                "• " + ctx.t("dialogue.ev.kind", kind=_kind_label(ctx, k.kind), n=k.count, date=_day(ctx, k.last))
                for k in evidence.kinds
            )
        )
    else:
        lines.append(ctx.t("dialogue.ev.no_incidents"))
    lines.extend(_late_lines(ctx, evidence))
    if not evidence.paid_late and not evidence.overdue_now:
        lines.append(ctx.t("dialogue.ev.on_time" if evidence.invoices else "dialogue.ev.no_invoices"))
    if evidence.owed:
        lines.append(ctx.t("dialogue.ev.owed", owed=scripts.owed_text(ctx.language, evidence.owed)))
    else:
        lines.append(ctx.t("dialogue.ev.owed_none"))
    if evidence.decided_lately:
        lines.append(ctx.t.n("dialogue.ev.again", evidence.decided_lately, name=evidence.client_name))
    if evidence.hot:
        lines.append(ctx.t.n("dialogue.ev.recent", evidence.recent))
    answered = P.answered_by_evidence(evidence)
    if answered:
        lines.append(ctx.t("dialogue.ev.answered"))
        lines.append(
            "\n".join(
                "• " + ctx.t("dialogue.ev.answered_sign", kind=_kind_label(ctx, sign), n=P.signal(evidence, sign))
                for sign in answered
            )
        )
    return lines


def _render_evidence(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, replaces: bool) -> Reply:
    return Reply(
        title=ctx.t("dialogue.title", name=client.name),
        text=ctx.t("dialogue.ev.head", name=client.name),
        lines=tuple(_evidence_lines(ctx, evidence)) + (ctx.t("dialogue.ev.intro"),),
        choices=(
            Choice(button(dlg, P.GO), ctx.t("dialogue.a.evidence.go"), "primary"),
            *((Choice(button(dlg, P.CORRECT), ctx.t("dialogue.a.evidence.correct")),) if P.answered_by_evidence(evidence) else ()),
            Choice(button(dlg, CANCEL), ctx.t("dialogue.cancel"), "danger", nav=CANCEL),
        ),
        replaces=replaces,
    )


# -- the verdict -------------------------------------------------------------------
def render_reason(ctx: Context, reason: Reason, name: str) -> str:
    values: dict[str, Any] = {"name": name}
    for key, value in reason.values:
        values[key] = _days(ctx, value) if key in ("avg", "worst", "days") and isinstance(value, int) else value
    if reason.count is not None:
        return ctx.t.n(reason.key, reason.count, **values)
    return ctx.t(reason.key, **values)


def _evidence_snapshot(evidence: Evidence) -> dict[str, Any]:
    return {"owed": [list(o) for o in evidence.owed], "today_days": evidence.client_days}


def _verdict_replies(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, *, replaces: bool) -> list[Reply]:
    assert dlg.outcome is not None
    verdict = Verdict.from_dict(dlg.outcome["verdict"])
    name = client.name
    decided_on = (dlg.finished_at or ctx.now).astimezone(ctx.tz).date()
    script = scripts.compose(ctx.t, verdict, evidence, decided_on, letters.letterhead(ctx, client))

    why = [ctx.t("dialogue.verdict.why")] + ["• " + render_reason(ctx, r, name) for r in verdict.reasons]
    lines: list[str] = []
    if verdict.renegotiate:
        lines.append(ctx.t("dialogue.verdict.renegotiate"))
        lines.append("\n".join("• " + ctx.t(f"dialogue.item.{slug}", name=name) for slug in verdict.renegotiate))
    if verdict.advice:
        lines.append(ctx.t("dialogue.verdict.advice"))
        lines.append("\n".join("• " + ctx.t(f"dialogue.advice.{slug}", name=name) for slug in verdict.advice))
    facts: list[str] = []
    if verdict.kind == "fire_notice":
        end = fmt.day(ctx.language, scripts.notice_end(decided_on, verdict))
        facts.append(ctx.t("dialogue.verdict.notice", days=_days(ctx, verdict.notice_days), end=end))
    elif verdict.kind == "fire_now":
        facts.append(ctx.t("dialogue.verdict.no_notice"))
    if verdict.kind in ("fire_notice", "fire_now"):
        facts.append(ctx.t("dialogue.verdict.referral_yes" if verdict.referral else "dialogue.verdict.referral_no"))
        facts.append(ctx.t("dialogue.verdict.refund_yes" if verdict.refund else "dialogue.verdict.refund_no"))
    if evidence.owed:
        owed = scripts.owed_text(ctx.language, evidence.owed)
        facts.append(ctx.t("dialogue.verdict.owed_collect" if verdict.collect_first else "dialogue.verdict.owed", owed=owed))
    if facts:
        lines.append("\n".join("• " + f for f in facts))

    head = Reply(
        title=ctx.t(f"dialogue.verdict.title.{verdict.kind}", name=name),
        text="\n".join(why),
        lines=tuple(lines),
        context=ctx.t("dialogue.verdict.recorded", name=name),
        replaces=replaces,
    )
    letter = Reply(title=ctx.t(f"dialogue.script.title.{verdict.kind}", name=name), text=script.message,
                   context=letters.ask_signature_once(ctx))
    steps = Reply(
        title=ctx.t("dialogue.checklist.title"),
        text="\n".join("• " + line for line in script.checklist),
        choices=(
            Choice(button(dlg, REMIND), ctx.t("dialogue.remind.button"), "primary"),
            Choice(start_button(client.id), ctx.t("dialogue.start_again")),
        ),
    )
    return [head, letter, steps]


# -- what others call --------------------------------------------------------------
def followup_replies(ctx: Context, followup: Any) -> list[Reply]:
    """The DM for a `decide` follow-up (storage/followups.py), for the reminder sweep to send.

    `ctx` is the recipient's context (their language and zone). A client that
    was deleted meanwhile still gets a plain reminder, without a button.
    """
    payload = followup.payload or {}
    client = ctx.store.clients.get(ctx.owner, followup.client_id) if followup.client_id else None
    name = client.name if client else payload.get("client_name", "")
    verdict = payload.get("verdict")
    text = ctx.t("dialogue.followup.text", name=name)
    lines: tuple[str, ...] = ()
    if verdict:
        lines = (ctx.t("dialogue.followup.last", verdict=ctx.t(f"dialogue.kind.{verdict}")),)
    choices = (Choice(start_button(client.id), ctx.t("dialogue.followup.open"), "primary"),) if client else ()
    return [Reply(title=ctx.t("dialogue.followup.title"), text=text, lines=lines, choices=choices)]


def command(ctx: Context, text: str) -> list[Reply]:
    """`/fire <client>`."""
    from bot.parser import find_client, tokenize

    tokens = tokenize(text)
    if not tokens:
        raise UserError("error.client_missing", usage="dialogue.usage")
    name = " ".join(t.value for t in tokens)
    client = find_client(ctx, name, "dialogue.usage")
    return start_for(ctx, client)


__all__ = ["start_for", "handle", "command", "followup_replies"]
