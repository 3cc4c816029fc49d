"""The message ids of the verdict's parts, one table per family, listed literally.

`bot/dialogue/verdict.py` names its kinds, cases, repairs, advice and
checklist lines by slug (they are stored with a finished dialogue); these
tables turn each slug into the `.po` id that words it, so a search for any
id finds the one place it is chosen. Question and answer ids are in the
states table (`bot/dialogue/states.py`).
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

#: A verdict kind's name ("Keep them", ...), as the timeline and refusals say it.
KIND_NAMES: Mapping[str, str] = MappingProxyType({
    "keep": "dialogue.kind.keep",
    "repair": "dialogue.kind.repair",
    "fire_notice": "dialogue.kind.fire_notice",
    "fire_now": "dialogue.kind.fire_now",
})

#: The heading of the verdict message.
VERDICT_TITLES: Mapping[str, str] = MappingProxyType({
    "keep": "dialogue.verdict.title.keep",
    "repair": "dialogue.verdict.title.repair",
    "fire_notice": "dialogue.verdict.title.fire_notice",
    "fire_now": "dialogue.verdict.title.fire_now",
})

#: The heading over the ready-to-send letter.
SCRIPT_TITLES: Mapping[str, str] = MappingProxyType({
    "keep": "dialogue.script.title.keep",
    "repair": "dialogue.script.title.repair",
    "fire_notice": "dialogue.script.title.fire_notice",
    "fire_now": "dialogue.script.title.fire_now",
})

#: The body of the letter, per script case (`verdict.CASES`).
SCRIPT_BODIES: Mapping[str, str] = MappingProxyType({
    "late_payment": "dialogue.script.late_payment",
    "scope_creep": "dialogue.script.scope_creep",
    "style_mismatch": "dialogue.script.style_mismatch",
    "abuse": "dialogue.script.abuse",
    "unethical": "dialogue.script.unethical",
    "hate_work": "dialogue.script.hate_work",
    "capacity": "dialogue.script.capacity",
    "repair": "dialogue.script.repair",
    "keep": "dialogue.script.keep",
})

#: A renegotiation item (`verdict.REPAIRS`): as the user reads it, and as the letter proposes it.
REPAIR_ITEMS: Mapping[str, str] = MappingProxyType({
    "late_fee": "dialogue.item.late_fee",
    "pause_until_paid": "dialogue.item.pause_until_paid",
    "revision_cap": "dialogue.item.revision_cap",
    "pricing_policy": "dialogue.item.pricing_policy",
    "clear_goals": "dialogue.item.clear_goals",
    "office_hours": "dialogue.item.office_hours",
    "name_behaviour": "dialogue.item.name_behaviour",
})
SCRIPT_ITEMS: Mapping[str, str] = MappingProxyType({
    "late_fee": "dialogue.script.item.late_fee",
    "pause_until_paid": "dialogue.script.item.pause_until_paid",
    "revision_cap": "dialogue.script.item.revision_cap",
    "pricing_policy": "dialogue.script.item.pricing_policy",
    "clear_goals": "dialogue.script.item.clear_goals",
    "office_hours": "dialogue.script.item.office_hours",
    "name_behaviour": "dialogue.script.item.name_behaviour",
})

#: Taming advice (`verdict.ADVICE`, `verdict.GENERAL_ADVICE`).
ADVICE_LINES: Mapping[str, str] = MappingProxyType({
    "remind_terms": "dialogue.advice.remind_terms",
    "revision_cap": "dialogue.advice.revision_cap",
    "explain_pricing": "dialogue.advice.explain_pricing",
    "clear_goals": "dialogue.advice.clear_goals",
    "walk_through_plan": "dialogue.advice.walk_through_plan",
    "note_preferences": "dialogue.advice.note_preferences",
    "office_hours": "dialogue.advice.office_hours",
    "name_behaviour": "dialogue.advice.name_behaviour",
    "keep_informed": "dialogue.advice.keep_informed",
    "quick_fixes": "dialogue.advice.quick_fixes",
})

#: The next steps after a verdict (`Verdict.checklist`).
CHECKS: Mapping[str, str] = MappingProxyType({
    "call": "dialogue.check.call",
    "checkin": "dialogue.check.checkin",
    "collect_first": "dialogue.check.collect_first",
    "export": "dialogue.check.export",
    "in_writing": "dialogue.check.in_writing",
    "obligations": "dialogue.check.obligations",
    "paper_trail": "dialogue.check.paper_trail",
    "refund": "dialogue.check.refund",
    "review_contract": "dialogue.check.review_contract",
    "revisit": "dialogue.check.revisit",
    "short_message": "dialogue.check.short_message",
    "sleep_on_it": "dialogue.check.sleep_on_it",
})
