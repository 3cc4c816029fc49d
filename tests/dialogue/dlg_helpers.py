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


def checklist_answers(chosen: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """The ticks each checklist step gets, from per-sign answers ("scope-creep": "often", ...)."""
    from bot.dialogue import plan as P

    ground = [k for k in ("ground.contract", "ground.obligations", "ground.unfinished", "ground.ongoing") if chosen.get(k) == "yes"]
    if chosen.get("ground.owed") == "collect":
        ground.append("ground.owed")
    if chosen.get("ground.cool") == "calm":
        ground.append("ground.cool")
    return {
        P.SIGNS_OFTEN: tuple(s for s in P.FREQUENCY_SIGNS if chosen.get(s) == "often"),
        P.SIGNS_SOME: tuple(s for s in P.FREQUENCY_SIGNS if chosen.get(s) == "sometimes"),
        P.SIGNS_TRIED: tuple(f for f in P.FOLLOW_UPS.values() if chosen.get(f) == "yes"),
        P.SELF: tuple(s for s in P.SELF_ITEMS if chosen.get(s) == "yes"),
        P.GROUND: tuple(ground),
    }


def walk(store, click, replies: list[Reply], answers: dict[str, str] | None = None, until: str | None = None) -> tuple[list[Reply], list[str]]:
    """Answer every step (DEFAULTS overridden by `answers`) until the verdict, or until step `until`.

    Per-sign answers ("scope-creep": "often", "capacity": "yes") are given the
    way the user gives them: by ticking the sign on its checklist, then Done.
    Returns the last replies and the steps visited, in order.
    """
    chosen = {**DEFAULTS, **(answers or {})}
    ticks = checklist_answers(chosen)
    visited: list[str] = []
    for _ in range(60):
        buttons = dialogue_choices(replies)
        if not buttons or buttons[0].id.endswith(":remind") or buttons[0].id.startswith("dlg:start"):
            return replies, visited
        step = current_step(store, replies)
        if step == until:
            return replies, visited
        visited.append(step)
        if step in ticks:
            offered = [c.id.split(":")[-1][2:] for c in dialogue_choices(replies) if c.id.split(":")[-1].startswith("t.")]
            for item in ticks[step]:
                if item in offered:
                    replies = click(choice(replies, "t." + item).id)
            replies = click(choice(replies, "done").id)
            continue
        replies = click(choice(replies, chosen[step]).id)
    raise AssertionError("the dialogue did not end")


def evidence(**kw) -> Evidence:
    base = dict(client_id=1, client_name="Acme", client_since=date(2026, 1, 10), client_days=319)
    base.update(kw)
    return Evidence(**base)
