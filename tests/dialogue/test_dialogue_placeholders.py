"""No `{placeholder}` survives in anything the dialogue says, in any language.

Every verdict kind and script case, every piece of advice and every
renegotiation item is rendered the way the dialogue renders it (the verdict,
its "why", the letter and the checklist) for a client on file, in all four
languages, together with every question and checklist of the dialogue.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.dialogue import render
from bot.dialogue import plan as P
from bot.dialogue.evidence import for_client
from bot.dialogue.verdict import ADVICE, CASES as SCRIPT_CASES, GENERAL_ADVICE, KINDS, REPAIRS, decide
from bot.i18n import LANGUAGES
from dlg_helpers import DEFAULTS, OWNER
from redflag_testkit import address
from storage.dialogues import Dialogue

LEFTOVER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
CALM = {k: v for k, v in DEFAULTS.items() if not k.startswith("ground.")}
GROUND = {"ground.contract": "no", "ground.obligations": "no", "ground.unfinished": "yes", "ground.owed": "collect", "ground.ongoing": "yes"}


def answer_sets() -> list[dict[str, str]]:
    """Answers reaching every kind, every script case, every advice and every repair item."""
    sets = [dict(CALM)]
    for sign in P.FREQUENCY_SIGNS:
        sets.append({**CALM, sign: "sometimes"})  # keep, with that sign's advice
        sets.append({**CALM, sign: "often", **GROUND})  # repair, or a firing for a stuck sign
        if sign in P.FOLLOW_UPS:
            sets.append({**CALM, sign: "often", P.FOLLOW_UPS[sign]: "yes", **GROUND})  # stuck: fire with notice
    sets += [
        {**CALM, "abuse": "once"},
        {**CALM, "abuse": "often", "abuse.confirm": "yes", **GROUND},
        {**CALM, "unethical": "yes", "unethical.confirm": "yes", **GROUND},
        {**CALM, "hate-work": "yes", **GROUND},
        {**CALM, "capacity": "yes", **GROUND},
        {**CALM, "haggling": "often", "indecision": "often", "after-hours": "often", **GROUND},
        {**CALM, "haggling": "sometimes", "disagreement": "sometimes"},
    ]
    return sets


def visible(replies) -> str:
    parts = []
    for r in replies:
        parts += [r.title, r.text, *r.lines, r.context, *(c.label for c in r.choices), *(f.value for f in r.fields)]
    return "\n".join(parts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_verdict_advice_and_letter_is_filled_in(language: str, say, core, store, clock) -> None:
    say("/client add Acme currency=EUR")
    say("/invoice add Acme 1200 EUR due=2026-10-01 ref=A1")
    say("/incident Acme scope-creep a fourth logo round")
    client = store.clients.by_name(OWNER, "Acme")
    ctx = core.context(address(locale=language))
    evidence = for_client(ctx, client)
    seen_kinds, seen_cases, seen_advice, seen_items = set(), set(), set(), set()
    base = Dialogue(1, "W1", "U1", "console", client.id, "finished", "verdict", 9, {}, (), None, None, None, clock.now, clock.now, clock.now)
    for answers in answer_sets():
        verdict = decide(evidence, answers)
        dlg = replace(base, verdict=verdict.kind, outcome={"verdict": verdict.as_dict()})
        text = visible(render.verdict_replies(ctx, dlg, client, evidence, replaces=False))
        assert not LEFTOVER.findall(text), (language, answers, LEFTOVER.findall(text), text)
        seen_kinds.add(verdict.kind)
        seen_cases.add(verdict.case)
        seen_advice.update(verdict.advice)
        seen_items.update(verdict.renegotiate)
    assert seen_kinds == set(KINDS)
    assert seen_cases == set(SCRIPT_CASES)
    assert seen_advice >= set(ADVICE.values()) - {"name_behaviour"} | set(GENERAL_ADVICE)
    assert seen_items == {item for items in REPAIRS.values() for item in items} | {"clear_goals"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_and_checklist_is_filled_in(language: str, say, core, store, clock) -> None:
    say("/client add Acme currency=EUR")
    say("/invoice add Acme 1200 EUR due=2026-10-01 ref=A1")
    say("/incident Acme late-payment again")
    client = store.clients.by_name(OWNER, "Acme")
    ctx = core.context(address(locale=language))
    evidence = replace(for_client(ctx, client), recent=1)
    patterns = {P.SIGNS_OFTEN: ",".join(P.FOLLOW_UPS)}
    steps = ["evidence", "abuse", "abuse.confirm", "unethical", "unethical.confirm", *P.CHECKLISTS, *P.FREQUENCY_SIGNS]
    base = Dialogue(1, "W1", "U1", "console", client.id, "active", "evidence", 3, {}, ("evidence",), None, None, None, clock.now, clock.now, None)
    for step in steps:
        dlg = replace(base, step=step, answers={**patterns, "~" + step: ",".join(P.universe(step))} if P.is_checklist(step) else dict(patterns))
        text = visible([render.step(ctx, dlg, client, evidence, replaces=False)])
        assert not LEFTOVER.findall(text), (language, step, text)
        assert "Acme" in text or step in ("abuse.confirm", "unethical.confirm", P.SIGNS_SOME, P.SIGNS_TRIED), (step, text)
