"""The steps of the decision dialogue and the order they come in.

`plan(evidence, answers)` is pure: it lists the steps that apply given what
has been answered so far. The dialogue walks it one step at a time; Back
walks its own history. Only answers to steps in the final plan count towards
the verdict (an answer to a follow-up that no longer applies is ignored), but
every answer is kept so Back can show it again.

Step names are the incident kinds of DOMAIN.md §1 where a step asks about a
warning sign, `<sign>.<follow-up>` for the adaptive follow-ups, `ground.*`
for the checks before a firing, and `evidence` / `verdict` at the ends.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.evidence import Evidence

EVIDENCE, VERDICT = "evidence", "verdict"

OFTEN, SOMETIMES, NEVER, ONCE = "often", "sometimes", "never", "once"
YES, NO = "yes", "no"
COLLECT, NOW = "collect", "now"
CALM, SLEEP = "calm", "sleep"

#: Signs answered "often / sometimes / never", in the order they are asked.
FREQUENCY_SIGNS: tuple[str, ...] = (
    "late-payment",
    "scope-creep",
    "haggling",
    "indecision",
    "disagreement",
    "style-mismatch",
    "after-hours",
)

#: The follow-up a sign gets when it shows up at all: has the usual repair been tried?
FOLLOW_UPS: dict[str, str] = {
    "late-payment": "late-payment.tried",  # a late fee or a pause until paid
    "scope-creep": "scope-creep.cap",  # does the contract cap revisions (with a rate)?
    "haggling": "haggling.explained",  # have you walked them through your pricing?
    "indecision": "indecision.goals",  # were clear goals agreed in writing?
}

#: How many records of a sign make the evidence speak for itself (a confirmation, not a question).
CONFIRM_AT = 2


@dataclass(frozen=True)
class StepSpec:
    name: str
    answers: tuple[str, ...]  # the stable answer ids its buttons carry


def spec(step: str, evidence: Evidence | None = None) -> StepSpec:
    """The answers a step accepts (the confirmation form of a sign accepts two)."""
    if step == EVIDENCE:
        return StepSpec(step, ("go",))
    if step == "abuse":
        return StepSpec(step, (OFTEN, ONCE, NEVER))
    if step in FREQUENCY_SIGNS:
        if evidence is not None and confirms(evidence, step):
            return StepSpec(step, (OFTEN, SOMETIMES))
        return StepSpec(step, (OFTEN, SOMETIMES, NEVER))
    if step == "ground.owed":
        return StepSpec(step, (COLLECT, NOW))
    if step == "ground.cool":
        return StepSpec(step, (CALM, SLEEP))
    if step == VERDICT:
        return StepSpec(step, ())
    return StepSpec(step, (YES, NO))


def signal(evidence: Evidence, sign: str) -> int:
    """How many records on file speak to a sign."""
    if sign == "late-payment":
        return evidence.late_signals
    return evidence.count(sign)


def confirms(evidence: Evidence, sign: str) -> bool:
    """Does the evidence answer this sign by itself (so the step only confirms it)?"""
    return sign in FREQUENCY_SIGNS and signal(evidence, sign) >= CONFIRM_AT


def hard_stop(answers: dict[str, str]) -> str | None:
    """The sign that ends it now (abuse or unethical requests, confirmed once), or None."""
    if answers.get("abuse") == OFTEN and answers.get("abuse.confirm") == YES:
        return "abuse"
    if answers.get("unethical") == YES and answers.get("unethical.confirm") == YES:
        return "unethical"
    return None


def questions(answers: dict[str, str]) -> list[str]:
    """The question steps (everything before the ground check) for these answers."""
    steps = [EVIDENCE, "abuse"]
    if answers.get("abuse") == OFTEN:
        steps.append("abuse.confirm")
        if answers.get("abuse.confirm") == YES:
            return steps
    steps.append("unethical")
    if answers.get("unethical") == YES:
        steps.append("unethical.confirm")
        if answers.get("unethical.confirm") == YES:
            return steps
    for sign in FREQUENCY_SIGNS:
        steps.append(sign)
        follow_up = FOLLOW_UPS.get(sign)
        if follow_up and answers.get(sign) in (OFTEN, SOMETIMES):
            steps.append(follow_up)
    steps += ["hate-work", "capacity"]
    return steps


def ground_steps(kind: str, evidence: Evidence) -> list[str]:
    """The checks before a firing (DOMAIN.md §4 steps 1–3, 6): none for keep or repair."""
    owed = ["ground.owed"] if evidence.owed else []
    if kind == "fire_now":
        return ["ground.unfinished", *owed]
    if kind == "fire_notice":
        cool = ["ground.cool"] if evidence.hot else []
        return ["ground.contract", "ground.obligations", "ground.unfinished", *owed, "ground.ongoing", *cool]
    return []


def plan(evidence: Evidence, answers: dict[str, str]) -> list[str]:
    """Every step that applies, in order, ending with the verdict.

    The ground check appears once every question before it is answered, and
    only on the way to a firing; its answers never change the kind of verdict,
    so the plan cannot flip under the user's feet.
    """
    from bot.dialogue.verdict import weigh_kind

    steps = questions(answers)
    if all(step in answers for step in steps):
        steps += ground_steps(weigh_kind(evidence, applicable(steps, answers)), evidence)
    return steps + [VERDICT]


def applicable(steps: list[str], answers: dict[str, str]) -> dict[str, str]:
    return {step: answers[step] for step in steps if step in answers}


def next_step(evidence: Evidence, answers: dict[str, str], current: str) -> str:
    """The step after `current` once it has been answered."""
    steps = plan(evidence, answers)
    if current not in steps:
        return first_open(evidence, answers)
    index = steps.index(current)
    return steps[index + 1] if index + 1 < len(steps) else VERDICT


def first_open(evidence: Evidence, answers: dict[str, str]) -> str:
    for step in plan(evidence, answers):
        if step not in answers:
            return step
    return VERDICT


def final_answers(evidence: Evidence, answers: dict[str, str]) -> dict[str, str]:
    """The answers that count: those to steps of the final plan."""
    return applicable(plan(evidence, answers), answers)
