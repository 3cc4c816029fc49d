"""Every path through the decision dialogue, measured: at most 8 questions on the common paths.

The walk enumerates every answer to every question (every subset of every
checklist; the closing checks before a firing get one answer, since their
ticks shape the letter and never the path) with the pure plan the dialogue
follows (`bot/dialogue/plan.py`),
for a client with a clean record and one whose records already show late
payment (with money owed and a fresh incident). It prints the
distribution of path lengths and checks the progress line: its "of about m"
never grows by more than one from one question to the next, and the
position never passes it.

"Common" leaves out only the paths where the user declined to end it over
abuse *and* over an unethical request (each a yes followed by "no, look at
everything first"), and the paths where they chose to correct what the
records say: those ask one or two more questions by design.
"""
from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime, timezone

import pytest

from bot.dialogue import plan as P
from bot.dialogue.evidence import KindCount
from dlg_helpers import evidence

NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
EVIDENCE = {
    "clean": evidence(),
    # late payment answered by the records, money owed, an incident in the last two days
    "late-payer": evidence(
        paid_late=3, late_avg_days=21, late_worst_days=30, overdue_now=1, owed=(("EUR", 120000),),
        kinds=(KindCount("scope-creep", 1, NOW),), recent=1,
    ),
}
LIMIT = 8


def options(ev, answers: dict[str, str], step: str) -> list[str]:
    spec = P.spec(step, ev, answers)
    if step == P.EVIDENCE:  # "Correct this" is offered only when the records answer something
        return [P.GO, P.CORRECT] if P.answered_by_evidence(ev) else [P.GO]
    if not P.is_checklist(step):
        return list(spec.answers)
    if step == P.GROUND:  # the last question: its ticks shape the letter, never the path
        return [",".join(spec.items)]
    return [",".join(c) for r in range(len(spec.items) + 1) for c in itertools.combinations(spec.items, r)]


def paths(ev):
    """Yield (questions asked, the progress totals shown at each, the answers) for every path."""
    stack = [({}, [], [])]
    while stack:
        answers, asked, totals = stack.pop()
        steps = P.plan(ev, answers)
        step = next((s for s in steps if s not in answers), P.VERDICT)
        if step == P.VERDICT:
            yield asked, totals, answers
            continue
        shown = totals + [P.question_count(steps)] if step != P.EVIDENCE else totals
        now_asked = asked + [step] if step != P.EVIDENCE else asked
        for answer in options(ev, answers, step):
            stack.append(({**answers, step: answer}, now_asked, shown))


def common(answers: dict[str, str]) -> bool:
    declined = answers.get("abuse.confirm") == P.NO and answers.get("unethical.confirm") == P.NO
    return not declined and answers.get(P.EVIDENCE) != P.CORRECT


@pytest.mark.parametrize("name", sorted(EVIDENCE))
def test_every_path_is_short_and_its_progress_line_steady(name: str, capsys) -> None:
    ev = EVIDENCE[name]
    lengths: Counter[int] = Counter()
    common_lengths: Counter[int] = Counter()
    longest: list[str] = []
    for asked, totals, answers in paths(ev):
        lengths[len(asked)] += 1
        if common(answers):
            common_lengths[len(asked)] += 1
            if len(asked) > len(longest):
                longest = asked
        for before, after in zip(totals, totals[1:]):
            assert after <= before + 1, (asked, totals)
        for position, total in enumerate(totals, 1):
            assert position <= total, (asked, totals)
    with capsys.disabled():
        print(f"\n{name}: {sum(lengths.values())} paths; questions per path {dict(sorted(lengths.items()))}")
        print(f"{name}: common paths {dict(sorted(common_lengths.items()))}; longest common: {' → '.join(longest)}")
    assert max(common_lengths) <= LIMIT, longest
    assert max(lengths) <= LIMIT + 2  # a declined "end it now" twice, after correcting the records
