"""The dialogue's states table (`bot/dialogue/states.py`) is the one list of its steps and their words."""
from __future__ import annotations

import subprocess
import sys

from bot.dialogue import plan as P
from bot.dialogue.states import ANSWER_LABELS, CONFIRM_LABELS, ENTRY_POINTS, FALLBACKS, ITEM_LABELS, STATES
from bot.dialogue.wording import ADVICE_LINES, CHECKS, KIND_NAMES, REPAIR_ITEMS, SCRIPT_BODIES, SCRIPT_ITEMS
from bot.dialogue import verdict as V
from bot.i18n import messages


def test_every_step_the_plan_can_reach_is_a_row() -> None:
    reachable = {P.EVIDENCE, P.VERDICT, *P.CHECKLISTS, *P.FREQUENCY_SIGNS, "abuse", "abuse.confirm", "unethical", "unethical.confirm"}
    assert reachable <= set(STATES), reachable - set(STATES)


def test_every_id_a_row_names_is_in_the_english_catalog() -> None:
    en = messages("en")
    for row in STATES.values():
        for msgid in (row.question, row.short, row.hint, *row.labels.values()):
            assert msgid is None or en.has(msgid), (row.name, msgid)
        for answer in row.answers:
            if answer not in (P.GO, P.CORRECT):  # the opening draws its own two buttons
                assert en.has(row.label(answer)), (row.name, answer)
    for table in (ANSWER_LABELS, CONFIRM_LABELS, ITEM_LABELS, KIND_NAMES, ADVICE_LINES, CHECKS, REPAIR_ITEMS, SCRIPT_BODIES, SCRIPT_ITEMS):
        for msgid in table.values():
            assert en.has(msgid), msgid


def test_the_tables_cover_what_the_plan_and_the_verdict_can_name() -> None:
    for checklist in P.CHECKLISTS:
        assert set(P.universe(checklist)) <= set(ITEM_LABELS), checklist
    assert set(V.KINDS) == set(KIND_NAMES)
    assert set(V.CASES) == set(SCRIPT_BODIES)
    assert {i for items in V.REPAIRS.values() for i in items} <= set(REPAIR_ITEMS) == set(SCRIPT_ITEMS)
    assert {*V.ADVICE.values(), *V.GENERAL_ADVICE} <= set(ADVICE_LINES)
    assert set(V.SIGN_REASONS) >= set(P.FREQUENCY_SIGNS)


def test_the_static_answers_are_the_ones_the_plan_accepts() -> None:
    for name, row in STATES.items():
        if name not in P.CHECKLISTS:
            assert P.spec(name).answers == row.answers, name


def test_entry_points_and_fallbacks_are_declared() -> None:
    assert any(where.startswith("/fire") for where, _ in ENTRY_POINTS)
    assert {answer for answer, _ in FALLBACKS} >= {"back", "cancel", "resume", "restart", "remind", "sleep"}


def test_the_timeline_lists_its_sources_whatever_was_imported() -> None:
    """Nudges, decisions and corrections are on the timeline without importing any command module first."""
    code = "import bot.timeline as t; print(sorted(s.__name__ for s in t.sources()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(sorted(["incidents", "invoices", "nudges_sent", "decisions", "corrections"]))
