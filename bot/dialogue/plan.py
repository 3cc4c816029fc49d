"""The steps of the decision dialogue and the order they come in.

`plan(evidence, answers)` is pure: the path from the first step to the
verdict, as far as it can be foreseen from what has been answered so far
(a question not answered yet is assumed to get its calm answer, so the plan
is also the progress line's estimate). The dialogue walks it one step at a
time; Back walks its own history.

The states themselves (what each asks, its answers, when it is asked, the
ids of its words), the entry points and the fallbacks are declared once, in
the table of `bot/dialogue/states.py`; this module decides which of them
come, in which order.

Answers are stored per step (a checklist's answer is the comma-separated
ids it ticked); `final_answers` expands them to the per-sign answers the
weighing (`bot/dialogue/verdict.py`) reads, counting only steps of the final
plan, so an answer to a step that no longer applies is kept for Back but
ignored. A question is skipped when no answer to it could change the verdict
(what the letter says and what the checklist asks), which the verdict
function itself tells (`can_matter`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.dialogue.evidence import Evidence
from bot.dialogue.states import (  # noqa: F401  (the answer ids, read here as P.YES, P.DONE, ...)
    CALM,
    CHECKLISTS,
    COLLECT,
    CORRECT,
    DONE,
    EVIDENCE,
    GO,
    GROUND,
    NEVER,
    NO,
    NOW,
    OFTEN,
    ONCE,
    SELF,
    SIGNS_OFTEN,
    SIGNS_SOME,
    SIGNS_TRIED,
    SLEEP,
    SOMETIMES,
    STATES,
    TOGGLE,
    VERDICT,
    YES,
)

#: Signs answered "often / sometimes / never", in the order they are listed.
FREQUENCY_SIGNS: tuple[str, ...] = (
    "late-payment",
    "scope-creep",
    "haggling",
    "indecision",
    "disagreement",
    "style-mismatch",
    "after-hours",
)

#: The follow-up a pattern gets: has the usual repair been tried?
FOLLOW_UPS: dict[str, str] = {
    "late-payment": "late-payment.tried",  # a late fee or a pause until paid
    "scope-creep": "scope-creep.cap",  # does the contract cap revisions (with a rate)?
    "haggling": "haggling.explained",  # have you walked them through your pricing?
    "indecision": "indecision.goals",  # were clear goals agreed in writing?
}

SELF_ITEMS = ("hate-work", "capacity")

#: How many records of a sign make the evidence speak for itself (no question, unless corrected).
CONFIRM_AT = 2

#: The calm answer a not-yet-answered question is assumed to get when planning ahead.
_CALM = {"abuse": NEVER, "abuse.confirm": NO, "unethical": NO, "unethical.confirm": NO}


@dataclass(frozen=True)
class StepSpec:
    name: str
    answers: tuple[str, ...]  # the stable answer ids its buttons carry
    items: tuple[str, ...] = ()  # a checklist's items (toggled with `t.<item>`)


def signal(evidence: Evidence, sign: str) -> int:
    """How many records on file speak to a sign."""
    if sign == "late-payment":
        return evidence.late_signals
    return evidence.count(sign)


def confirms(evidence: Evidence, sign: str) -> bool:
    """Does the evidence answer this sign by itself?"""
    return sign in answered_by_evidence(evidence)


@lru_cache(maxsize=1024)
def answered_by_evidence(evidence: Evidence) -> tuple[str, ...]:
    return tuple(s for s in FREQUENCY_SIGNS if signal(evidence, s) >= CONFIRM_AT)


def picks(answers: dict[str, str], step: str) -> tuple[str, ...]:
    """The items a checklist step has ticked (pending ticks first, then the stored answer)."""
    raw = answers.get("~" + step, answers.get(step, ""))
    return tuple(i for i in raw.split(",") if i)


def checklist_items(evidence: Evidence, answers: dict[str, str], step: str) -> tuple[str, ...]:
    """What a checklist step lists, given the answers before it."""
    corrected = answers.get(EVIDENCE) == CORRECT
    own = tuple(s for s in FREQUENCY_SIGNS if not confirms(evidence, s))
    if step == SIGNS_OFTEN:
        return own
    if step == SIGNS_SOME:
        often = set(picks(answers, SIGNS_OFTEN))
        return tuple(s for s in own if s not in often)
    if step == SIGNS_TRIED:
        values = _sign_values(evidence, answers, corrected)
        return tuple(FOLLOW_UPS[s] for s in FOLLOW_UPS if values.get(s) == OFTEN)
    if step == SELF:
        return SELF_ITEMS
    if step == GROUND:
        return ground_items(evidence, answers)
    return ()


def ground_items(evidence: Evidence, answers: dict[str, str]) -> tuple[str, ...]:
    """The checks before a firing (DOMAIN.md §4 steps 1–3, 6)."""
    from bot.dialogue.verdict import weigh_kind

    kind = weigh_kind(evidence, expand(evidence, answers, questions(evidence, answers)))
    owed = ("ground.owed",) if evidence.owed else ()
    if kind == "fire_now":
        return ("ground.unfinished", *owed)
    cool = ("ground.cool",) if evidence.hot else ()
    return ("ground.contract", "ground.obligations", "ground.unfinished", "ground.ongoing", *owed, *cool)


def spec(step: str, evidence: Evidence | None = None, answers: dict[str, str] | None = None) -> StepSpec:
    """The answers a step accepts: the states table's, except where the evidence shapes them."""
    if step in FREQUENCY_SIGNS and evidence is not None and confirms(evidence, step):
        return StepSpec(step, (OFTEN, SOMETIMES))  # only asked as a confirmation of the records
    if step in CHECKLISTS:
        items = checklist_items(evidence, answers or {}, step) if evidence is not None else ()
        extra = (SLEEP,) if step == GROUND and evidence is not None and "ground.cool" in items else ()
        return StepSpec(step, tuple(TOGGLE + i for i in items) + (DONE,) + extra, items)
    row = STATES.get(step)
    return StepSpec(step, row.answers if row is not None else (YES, NO))


def universe(step: str) -> tuple[str, ...]:
    """Every item a checklist step can ever list (a tick on one the evidence has since answered still counts)."""
    return {
        SIGNS_OFTEN: FREQUENCY_SIGNS,
        SIGNS_SOME: FREQUENCY_SIGNS,
        SIGNS_TRIED: tuple(FOLLOW_UPS.values()),
        SELF: SELF_ITEMS,
        GROUND: ("ground.contract", "ground.obligations", "ground.unfinished", "ground.ongoing", "ground.owed", "ground.cool"),
    }.get(step, ())


def accepts(step: str, answer: str, evidence: Evidence, answers: dict[str, str]) -> bool:
    """Is this answer one the step's buttons ever carried?"""
    if is_checklist(step) and answer.startswith(TOGGLE):
        return answer[len(TOGGLE) :] in universe(step)
    return answer in spec(step).answers or answer in spec(step, evidence, answers).answers


def is_checklist(step: str) -> bool:
    return step in CHECKLISTS


def hard_stop(answers: dict[str, str]) -> str | None:
    """The sign that ends it now (abuse or unethical requests, confirmed once), or None."""
    if answers.get("abuse") == OFTEN and answers.get("abuse.confirm") == YES:
        return "abuse"
    if answers.get("unethical") == YES and answers.get("unethical.confirm") == YES:
        return "unethical"
    return None


# -- expanding step answers to the per-sign answers the weighing reads -----------------
def _sign_values(evidence: Evidence, answers: dict[str, str], corrected: bool) -> dict[str, str]:
    """Each frequency sign's answer, from the records, a confirmation, or the two checklists."""
    confirmed = answered_by_evidence(evidence)
    often = picks(answers, SIGNS_OFTEN)
    some_answered = SIGNS_SOME in answers or "~" + SIGNS_SOME in answers
    some = picks(answers, SIGNS_SOME) if some_answered else ()
    out: dict[str, str] = {}
    for sign in FREQUENCY_SIGNS:
        if sign in confirmed:
            out[sign] = answers.get(sign, OFTEN) if corrected else OFTEN
        elif sign in often:
            out[sign] = OFTEN
        elif some_answered:
            out[sign] = SOMETIMES if sign in some else NEVER
    return out


def expand(evidence: Evidence, answers: dict[str, str], steps: list[str] | None = None) -> dict[str, str]:
    """Per-sign answers (`late-payment: often`, `capacity: yes`, ...) from the steps in `steps`."""
    counted = set(steps) if steps is not None else None

    def on(step: str) -> bool:
        return counted is None or step in counted

    view = {k: v for k, v in answers.items() if on(k.lstrip("~"))}
    corrected = view.get(EVIDENCE) == CORRECT
    out: dict[str, str] = {}
    for step in ("abuse", "abuse.confirm", "unethical", "unethical.confirm"):
        if step in view:
            out[step] = view[step]
    out.update(_sign_values(evidence, view, corrected))
    for checklist, items in ((SIGNS_TRIED, tuple(FOLLOW_UPS.values())), (SELF, SELF_ITEMS)):
        if checklist in view:
            ticked = picks(view, checklist)
            for item in items:
                out[item] = YES if item in ticked else NO
    if GROUND in view:
        ticked = picks(view, GROUND)
        for item in ("ground.contract", "ground.obligations", "ground.unfinished", "ground.ongoing"):
            out[item] = YES if item in ticked else NO
        out["ground.owed"] = COLLECT if "ground.owed" in ticked else NOW
        out["ground.cool"] = CALM if "ground.cool" in ticked else NO
    return out


# -- which questions are asked -----------------------------------------------------------
def can_matter(evidence: Evidence, answers: dict[str, str], steps: list[str], step: str) -> bool:
    """Could any answer to `step` change the verdict, given the answers to `steps` before it?

    Compares the verdict for each answer (a checklist: nothing, each item
    alone, everything) with the questions still ahead assumed calm.
    """
    base = tuple(sorted((k, v) for k, v in answers.items() if k.lstrip("~") in steps))
    return _can_matter(evidence, base, tuple(steps), step)


@lru_cache(maxsize=8192)
def _can_matter(evidence: Evidence, frozen: tuple[tuple[str, str], ...], prior: tuple[str, ...], step: str) -> bool:
    from bot.dialogue.verdict import decide, outcome_key

    base, steps = dict(frozen), list(prior)
    options: list[dict[str, str]] = []
    if is_checklist(step):
        items = checklist_items(evidence, base, step)
        if not items:
            return False
        for chosen in ((), *((i,) for i in items), items):
            options.append({**base, step: ",".join(chosen)})
    else:
        options = [{**base, step: a} for a in spec(step, evidence).answers]
    keys = {outcome_key(decide(evidence, expand(evidence, o, steps + [step]))) for o in options}
    return len(keys) > 1


def _calm(answers: dict[str, str], step: str) -> dict[str, str]:
    if step in answers:
        return answers
    return {**answers, step: "" if is_checklist(step) else _CALM.get(step, OFTEN)}


def questions(evidence: Evidence, answers: dict[str, str]) -> list[str]:
    """The question steps before the ground check, foreseen with calm answers for what is still open."""
    return list(_questions(evidence, tuple(sorted(answers.items()))))


@lru_cache(maxsize=4096)
def _questions(evidence: Evidence, frozen: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    answers = dict(frozen)
    return tuple(_plan_questions(evidence, answers))


def _plan_questions(evidence: Evidence, answers: dict[str, str]) -> list[str]:
    steps = [EVIDENCE]
    seen = _calm(answers, EVIDENCE) if EVIDENCE in answers else {**answers, EVIDENCE: GO}
    if seen.get(EVIDENCE) == CORRECT:
        for sign in answered_by_evidence(evidence):
            steps.append(sign)
            seen = _calm(seen, sign)
    for step, follows in (("abuse", None), ("abuse.confirm", ("abuse", OFTEN))):
        if follows is None or seen.get(follows[0]) == follows[1]:
            steps.append(step)
            seen = _calm(seen, step)
    if hard_stop(seen) == "abuse":
        return steps
    steps.append("unethical")
    seen = _calm(seen, "unethical")
    if seen.get("unethical") == YES:
        steps.append("unethical.confirm")
        seen = _calm(seen, "unethical.confirm")
        if hard_stop(seen):
            return steps
    for step in (SIGNS_OFTEN, SIGNS_SOME, SIGNS_TRIED, SELF):
        if not checklist_items(evidence, seen, step):
            continue
        if step != SIGNS_OFTEN and not can_matter(evidence, seen, steps, step):
            continue
        steps.append(step)
        seen = _calm(seen, step)
    return steps


def plan(evidence: Evidence, answers: dict[str, str]) -> list[str]:
    """Every step foreseen, in order, ending with the verdict.

    The ground check comes once the questions point to a firing; its
    answers never change the kind of verdict, so the plan cannot flip under
    the user's feet.
    """
    from bot.dialogue.verdict import weigh_kind

    steps = questions(evidence, answers)
    seen = answers
    for step in steps:
        seen = _calm(seen, step)
    if weigh_kind(evidence, expand(evidence, seen, steps)) in ("fire_now", "fire_notice"):
        steps.append(GROUND)
    return steps + [VERDICT]


def question_count(steps: list[str]) -> int:
    return len([s for s in steps if s not in (EVIDENCE, VERDICT)])


def next_step(evidence: Evidence, answers: dict[str, str], current: str) -> str:
    """The step after `current` once it has been answered."""
    return first_open(evidence, answers)


def first_open(evidence: Evidence, answers: dict[str, str]) -> str:
    for step in plan(evidence, answers):
        if step not in answers:
            return step
    return VERDICT


def final_answers(evidence: Evidence, answers: dict[str, str]) -> dict[str, str]:
    """The per-sign answers that count: those to steps of the final plan."""
    return expand(evidence, answers, plan(evidence, answers))
