"""Helpers for walking the decision dialogue through `Core.handle` as a user would."""
from __future__ import annotations

from datetime import date

from bot.dialogue.evidence import Evidence
from bot.replies import Choice, Reply
from storage.records import Owner

OWNER = Owner("W1", "U1")

#: A calm default for every question; tests override the steps they care about.
DEFAULTS = {
    "evidence": "go",
    "abuse": "never",
    "abuse.confirm": "no",
    "unethical": "no",
    "unethical.confirm": "no",
    "late-payment": "never",
    "scope-creep": "never",
    "haggling": "never",
    "indecision": "never",
    "disagreement": "never",
    "style-mismatch": "never",
    "after-hours": "never",
    "hate-work": "no",
    "capacity": "no",
    "ground.contract": "yes",
    "ground.obligations": "yes",
    "ground.unfinished": "no",
    "ground.owed": "collect",
    "ground.ongoing": "no",
    "ground.cool": "calm",
}


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.plain() for r in replies)


def dialogue_choices(replies: list[Reply]) -> list[Choice]:
    for reply in reversed(replies):
        if any(c.id.startswith("dlg:") for c in reply.choices):
            return list(reply.choices)
    return []


def choice(replies: list[Reply], answer: str) -> Choice:
    """The button for an answer on the current step (fails if the user could not see it)."""
    for c in dialogue_choices(replies):
        if c.id.split(":")[-1] == answer:
            return c
    raise AssertionError(f"no {answer!r} button in {[c.id for c in dialogue_choices(replies)]}\n{text_of(replies)}")


def current_step(store, replies: list[Reply], owner: Owner = OWNER) -> str:
    dialogue_id = int(dialogue_choices(replies)[0].id.split(":")[1])
    dlg = store.dialogues.get(owner, dialogue_id)
    assert dlg is not None
    return dlg.step


def walk(store, click, replies: list[Reply], answers: dict[str, str] | None = None, until: str | None = None) -> tuple[list[Reply], list[str]]:
    """Answer every step (DEFAULTS overridden by `answers`) until the verdict, or until step `until`.

    Returns the last replies and the steps visited, in order.
    """
    chosen = {**DEFAULTS, **(answers or {})}
    visited: list[str] = []
    for _ in range(60):
        buttons = dialogue_choices(replies)
        if not buttons or buttons[0].id.endswith(":remind") or buttons[0].id.startswith("dlg:start"):
            return replies, visited
        step = current_step(store, replies)
        if step == until:
            return replies, visited
        visited.append(step)
        replies = click(choice(replies, chosen[step]).id)
    raise AssertionError("the dialogue did not end")


def evidence(**kw) -> Evidence:
    base = dict(client_id=1, client_name="Acme", client_since=date(2026, 1, 10), client_days=319)
    base.update(kw)
    return Evidence(**base)
