"""What each state of the decision dialogue looks like, as neutral replies.

Pure rendering: a stored `Dialogue`, the client and the evidence in, `Reply`s
out, in the user's language and zone. Which state it is and what moved it
there is `bot/dialogue/flow.py`; the ids of every word a state shows are in
its row of `bot/dialogue/states.py` and the verdict's in
`bot/dialogue/wording.py`.

Back and Cancel are navigation choices (`Choice.nav`): surfaces keep them
apart from the answers, so they never take an answer's number or place.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import fmt, kinds, letters, money
from bot.context import Context
from bot.dialogue import plan as P
from bot.dialogue import scripts
from bot.dialogue.evidence import Evidence
from bot.dialogue.states import ANSWER_LABELS, BACK, CANCEL, CONFIRM_LABELS, ITEM_LABELS, REMIND, RESTART, RESUME, STATES, button, start_button
from bot.dialogue.verdict import Reason, Verdict
from bot.dialogue.wording import ADVICE_LINES, KIND_NAMES, REPAIR_ITEMS, SCRIPT_TITLES, VERDICT_TITLES
from bot.parser import quote
from bot.replies import Choice, Reply
from storage.dialogues import Dialogue
from storage.records import Client


def fire_command(name: str) -> str:
    """`/fire "<name>"`, as the user would type it to come back."""
    return "/fire " + quote(name)


def _days(ctx: Context, n: int) -> str:
    return ctx.t.n("value.days", n)


def _day(ctx: Context, dt: datetime) -> str:
    return fmt.day(ctx.language, dt.astimezone(ctx.tz).date())


def _kind_label(ctx: Context, kind: str) -> str:
    key = kinds.NAMES.get(kind)
    return ctx.t(key) if key else kind


# -- resuming, refusing, cancelling ---------------------------------------------------
def offer_resume(ctx: Context, dlg: Dialogue, client: Client) -> Reply:
    return Reply(
        title=ctx.t("dialogue.title", name=client.name),
        text=ctx.t("dialogue.resume.offer", name=client.name, date=_day(ctx, dlg.started_at)),
        context=ctx.t("dialogue.resume.where", question=question_line(ctx, dlg, client)),
        choices=(
            Choice(button(dlg, RESUME), ctx.t("dialogue.resume.resume"), "primary"),
            Choice(button(dlg, RESTART), ctx.t("dialogue.resume.restart")),
            Choice(button(dlg, CANCEL), ctx.t("dialogue.cancel"), nav=CANCEL),
        ),
    )


def question_line(ctx: Context, dlg: Dialogue, client: Client) -> str:
    """The open step in one line ("where you were"), for Resume and the open-dialogue hint."""
    row = STATES.get(dlg.step)
    if row is None or row.short is None:
        return ctx.t("dialogue.resume.at_start")
    return ctx.t(row.short, name=client.name)


def cancelled(ctx: Context, client: Client) -> Reply:
    return Reply(
        text=ctx.t("dialogue.cancelled", name=client.name),
        context=ctx.t("dialogue.cancelled_hint", fire=fire_command(client.name)),
        replaces=True,
    )


def refusal(
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
        values["fire"] = fire_command(client.name)
    if dlg is not None and dlg.verdict:
        values["verdict"] = ctx.t(KIND_NAMES[dlg.verdict])
        values["date"] = _day(ctx, dlg.finished_at or dlg.updated_at)
    choices = (Choice(start_button(client.id), ctx.t("dialogue.start_again")),) if restart and client else ()
    return Reply(text=ctx.t(key, **values), choices=choices, is_error=True)


def moved_on(ctx: Context, client: Client, current: Dialogue) -> Reply:
    """A click on a step the dialogue has left: say so, and offer the step it is at."""
    return Reply(
        text=ctx.t("dialogue.refused.moved_on", name=client.name),
        choices=(Choice(button(current, RESUME), ctx.t("dialogue.resume.show")),) if current.active else (),
        is_error=True,
    )


def remind_set(ctx: Context, client: Client, due: datetime) -> Reply:
    return Reply(
        text=ctx.t("dialogue.remind.set", name=client.name, date=fmt.moment(ctx.language, ctx.tz, due)),
        context=ctx.t("dialogue.remind.hint"),
    )


def slept_on(ctx: Context, dlg: Dialogue, client: Client, due: datetime) -> Reply:
    return Reply(
        text=ctx.t("dialogue.cool.sleep", name=client.name, date=fmt.moment(ctx.language, ctx.tz, due)),
        context=ctx.t("dialogue.cool.saved", fire=fire_command(client.name)),
        choices=(Choice(button(dlg, RESUME), ctx.t("dialogue.cool.continue_now"), nav="continue"),),
        replaces=True,
    )


# -- a step -------------------------------------------------------------------------------
def _label(ctx: Context, step: str, answer: str, confirming: bool) -> str:
    if confirming:
        return ctx.t(CONFIRM_LABELS[answer])
    row = STATES.get(step)
    return ctx.t(row.label(answer) if row is not None else ANSWER_LABELS[answer])


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


def step(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, *, replaces: bool) -> Reply:
    """The dialogue's current step: the opening, a checklist, or one question."""
    if dlg.step == P.EVIDENCE:
        return _evidence(ctx, dlg, client, evidence, replaces)
    if P.is_checklist(dlg.step):
        return _checklist(ctx, dlg, client, evidence, replaces)
    name, row = client.name, STATES[dlg.step]
    confirming = P.confirms(evidence, dlg.step)
    lines: list[str] = []
    if confirming:
        text = _confirm_text(ctx, dlg.step, evidence, name)
        if dlg.step == "late-payment":
            lines.extend(_late_lines(ctx, evidence))
    else:
        text = ctx.t(row.question, name=name, owed=money.text(ctx.language, evidence.owed))
        on_file = _on_file(ctx, dlg.step, evidence, name)
        if on_file:
            lines.append(on_file)
    if row.hint:
        lines.append(ctx.t(row.hint, name=name))
    previous = dlg.answers.get(dlg.step)
    answers = P.spec(dlg.step, evidence).answers
    choices: list[Choice] = []
    for answer in answers:
        label = _label(ctx, dlg.step, answer, confirming)
        if answer == previous:
            label = ctx.t("dialogue.chosen", label=label)
        choices.append(Choice(button(dlg, answer), label, "primary" if answer == previous else "default"))
    choices.extend(_nav(ctx, dlg))
    context = _progress(ctx, dlg, evidence)
    if previous is not None and previous in answers:
        context += " · " + ctx.t("dialogue.previous", label=_label(ctx, dlg.step, previous, confirming))
    return Reply(
        title=ctx.t("dialogue.title", name=name),
        text=text,
        lines=tuple(lines),
        context=context,
        choices=tuple(choices),
        replaces=replaces,
    )


def _item_label(ctx: Context, item: str, evidence: Evidence, name: str) -> str:
    label = ctx.t(ITEM_LABELS[item], name=name, owed=money.text(ctx.language, evidence.owed))
    n = P.signal(evidence, item) if item in P.FREQUENCY_SIGNS else 0
    return ctx.t("dialogue.pick.on_file", label=label, n=n) if n else label


def _checklist(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, replaces: bool) -> Reply:
    """A step that asks several related signs at once: tick each that applies, then Done."""
    name = client.name
    spec = P.spec(dlg.step, evidence, dlg.answers)
    ticked = set(P.picks(dlg.answers, dlg.step))
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
    if dlg.step == P.GROUND and evidence.hot:
        lines.insert(0, ctx.t("dialogue.ground.recent", name=name))
    return Reply(
        title=ctx.t("dialogue.title", name=name),
        text=ctx.t(STATES[dlg.step].question, name=name),
        lines=tuple(lines),
        context=_progress(ctx, dlg, evidence),
        choices=tuple(choices),
        replaces=replaces,
    )


def _confirm_text(ctx: Context, sign: str, evidence: Evidence, name: str) -> str:
    if sign == "late-payment":
        return ctx.t.n("dialogue.c.late_payment", evidence.late_signals, name=name)
    last = evidence.last(sign)
    return ctx.t.n(
        "dialogue.c.sign",
        evidence.count(sign),
        name=name,
        kind=_kind_label(ctx, sign),
        date=_day(ctx, last) if last else "",
    )


def _on_file(ctx: Context, sign: str, evidence: Evidence, name: str) -> str:
    if sign == "late-payment":
        if evidence.late_signals:
            return ctx.t.n("dialogue.onfile.late", evidence.late_signals)
        return ""
    if sign in P.FREQUENCY_SIGNS or sign in ("abuse", "unethical", "hate-work"):
        n = evidence.count(sign)
        last = evidence.last(sign)
        if n and last:
            return ctx.t.n("dialogue.onfile.sign", n, kind=_kind_label(ctx, sign), date=_day(ctx, last), name=name)
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
        lines.append(ctx.t("dialogue.ev.owed", owed=money.text(ctx.language, evidence.owed)))
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


def _evidence(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, replaces: bool) -> Reply:
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
def reason(ctx: Context, why: Reason, name: str) -> str:
    """One line of "why" (the key is stored with the dialogue's outcome)."""
    values: dict[str, Any] = {"name": name}
    for key, value in why.values:
        values[key] = _days(ctx, value) if key in ("avg", "worst", "days") and isinstance(value, int) else value
    if why.count is not None:
        return ctx.t.n(why.key, why.count, **values)
    return ctx.t(why.key, **values)


def verdict_replies(ctx: Context, dlg: Dialogue, client: Client, evidence: Evidence, *, replaces: bool) -> list[Reply]:
    """The verdict with its reasons, the letter to send, and the next steps."""
    assert dlg.outcome is not None
    verdict = Verdict.from_dict(dlg.outcome["verdict"])
    name = client.name
    decided_on = (dlg.finished_at or ctx.now).astimezone(ctx.tz).date()
    script = scripts.compose(ctx.t, verdict, evidence, decided_on, letters.letterhead(ctx, client))

    why = [ctx.t("dialogue.verdict.why")] + ["• " + reason(ctx, r, name) for r in verdict.reasons]
    lines: list[str] = []
    if verdict.renegotiate:
        lines.append(ctx.t("dialogue.verdict.renegotiate"))
        lines.append("\n".join("• " + ctx.t(REPAIR_ITEMS[slug], name=name) for slug in verdict.renegotiate))
    if verdict.advice:
        lines.append(ctx.t("dialogue.verdict.advice"))
        lines.append("\n".join("• " + ctx.t(ADVICE_LINES[slug], name=name) for slug in verdict.advice))
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
        owed = money.text(ctx.language, evidence.owed)
        facts.append(ctx.t("dialogue.verdict.owed_collect" if verdict.collect_first else "dialogue.verdict.owed", owed=owed))
    if facts:
        lines.append("\n".join("• " + f for f in facts))

    head = Reply(
        title=ctx.t(VERDICT_TITLES[verdict.kind], name=name),
        text="\n".join(why),
        lines=tuple(lines),
        context=ctx.t("dialogue.verdict.recorded", name=name),
        replaces=replaces,
    )
    letter = Reply(title=ctx.t(SCRIPT_TITLES[verdict.kind], name=name), text=script.message,
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


def followup(ctx: Context, client: Client | None, name: str, verdict: str | None) -> Reply:
    """The "remind me in 3 days" DM; a client deleted meanwhile gets it without a button."""
    lines: tuple[str, ...] = ()
    if verdict:
        lines = (ctx.t("dialogue.followup.last", verdict=ctx.t(KIND_NAMES[verdict])),)
    choices = (Choice(start_button(client.id), ctx.t("dialogue.followup.open"), "primary"),) if client else ()
    return Reply(title=ctx.t("dialogue.followup.title"), text=ctx.t("dialogue.followup.text", name=name), lines=lines, choices=choices)
