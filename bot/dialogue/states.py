"""The decision dialogue's states, entry points and fallbacks, declared once.

In the manner of python-telegram-bot's ConversationHandler: `ENTRY_POINTS`
open a dialogue, `STATES` are its steps (one message each; a checklist asks
several related signs at once), `FALLBACKS` are the choices every step
offers besides its answers. Which state comes next is decided by the pure
planning functions in `bot/dialogue/plan.py`; moving between states, with
every transition written to SQLite first, is `bot/dialogue/flow.py`; what a
state looks like is `bot/dialogue/render.py`.

Every row names its message ids literally, so a search for a `.po` id finds
the state that says it. A state's answers are the stable ids its buttons
carry: `dlg:<dialogue id>:<step no>:<answer>` (`button`), plus
`dlg:start:<client id>` (`start_button`) to open a dialogue from elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from bot.dialogue import PREFIX  # declared with /fire, before this table is imported (issue 20)

if TYPE_CHECKING:
    from storage.dialogues import Dialogue


# -- answer ids (what a button carries after the step number) ---------------------------
EVIDENCE, VERDICT = "evidence", "verdict"
OFTEN, SOMETIMES, NEVER, ONCE = "often", "sometimes", "never", "once"
YES, NO = "yes", "no"
COLLECT, NOW = "collect", "now"
CALM, SLEEP = "calm", "sleep"
GO, CORRECT, DONE = "go", "correct", "done"
#: A checklist answer button toggles one item: `t.<item>`.
TOGGLE = "t."

# -- the fallbacks: offered beside the answers (Back and Cancel as navigation, `Choice.nav`) ---
BACK, CANCEL, RESUME, RESTART, REMIND, START = "back", "cancel", "resume", "restart", "remind", "start"

#: (answer id, what it does). Back and Cancel are on every step; the others where the row says.
FALLBACKS: tuple[tuple[str, str], ...] = (
    (BACK, "the step before, from the dialogue's own history (ticks not confirmed with Done are dropped)"),
    (CANCEL, "ends the dialogue; a second click says it was cancelled"),
    (RESUME, "shows the current step again (offered by /fire while one is under way, and after a moved-on click)"),
    (RESTART, "starts a fresh dialogue for the same client"),
    (SLEEP, "on the ground check when the trouble is recent: a follow-up in three days, the step kept"),
    (REMIND, "after the verdict: a follow-up in three days"),
)

#: How a dialogue is opened: (where, what it carries).
ENTRY_POINTS: tuple[tuple[str, str], ...] = (
    ("/fire <client>", "bot/commands/fire.py, with the dialogue already under way offered as Resume / Start over"),
    (f"{PREFIX}:{START}:<client id>", "a button elsewhere: a reminder's “Should I fire them?”, “Start again”, a follow-up DM"),
)

SIGNS_OFTEN, SIGNS_SOME, SIGNS_TRIED, SELF, GROUND = "signs.often", "signs.some", "signs.tried", "self", "ground"
CHECKLISTS = (SIGNS_OFTEN, SIGNS_SOME, SIGNS_TRIED, SELF, GROUND)

#: The label of an answer on a step without one of its own.
ANSWER_LABELS: Mapping[str, str] = MappingProxyType({
    OFTEN: "dialogue.a.often",
    SOMETIMES: "dialogue.a.sometimes",
    NEVER: "dialogue.a.never",
    ONCE: "dialogue.a.once",
    YES: "dialogue.a.yes",
    NO: "dialogue.a.no",
    COLLECT: "dialogue.a.collect",
    NOW: "dialogue.a.now",
    CALM: "dialogue.a.calm",
})

#: The labels when the records already answer a sign and the step only confirms it.
CONFIRM_LABELS: Mapping[str, str] = MappingProxyType({
    OFTEN: "dialogue.a.confirm.often",
    SOMETIMES: "dialogue.a.confirm.sometimes",
})


@dataclass(frozen=True)
class State:
    """One step: what it asks, the answers its buttons carry, and the ids of every word it shows."""

    name: str
    asks: str  # for the reader of this table
    asked_when: str  # likewise
    answers: tuple[str, ...]  # static answers; a checklist's are computed (`plan.spec`)
    question: str | None  # msgid of the question (None: rendered apart, the opening and the verdict)
    short: str | None  # msgid of the one-line "where you were" (Resume, the open-dialogue hint)
    labels: Mapping[str, str] = field(default_factory=dict)  # answer -> msgid, when it differs from ANSWER_LABELS
    hint: str | None = None  # msgid of a line under the question

    def label(self, answer: str) -> str:
        return self.labels.get(answer) or ANSWER_LABELS[answer]



_ROWS: tuple[State, ...] = (
    State(EVIDENCE, "the opening: what is on file, what it answers", "always", (GO, CORRECT), None, None),
    # -- a sign the records answered (asked only after "correct this") -------------------
    State("late-payment", "confirm: late payment", "after “correct this”", (OFTEN, SOMETIMES, NEVER),
         "dialogue.q.late_payment", "dialogue.short.late_payment"),
    State("scope-creep", "confirm: scope creep", "after “correct this”", (OFTEN, SOMETIMES, NEVER),
         "dialogue.q.scope_creep", "dialogue.short.scope_creep"),
    State("haggling", "confirm: haggling", "after “correct this”", (OFTEN, SOMETIMES, NEVER),
         "dialogue.q.haggling", "dialogue.short.haggling"),
    State("indecision", "confirm: indecision", "after “correct this”", (OFTEN, SOMETIMES, NEVER),
         "dialogue.q.indecision", "dialogue.short.indecision"),
    State("disagreement", "confirm: disagreement", "after “correct this”", (OFTEN, SOMETIMES, NEVER),
         "dialogue.q.disagreement", "dialogue.short.disagreement"),
    State("style-mismatch", "confirm: style mismatch", "after “correct this”", (OFTEN, SOMETIMES, NEVER),
         "dialogue.q.style_mismatch", "dialogue.short.style_mismatch"),
    State("after-hours", "confirm: after-hours demands", "after “correct this”", (OFTEN, SOMETIMES, NEVER),
         "dialogue.q.after_hours", "dialogue.short.after_hours"),
    # -- the hard stops ---------------------------------------------------------------
    State("abuse", "personal attacks?", "always", (OFTEN, ONCE, NEVER), "dialogue.q.abuse", "dialogue.short.abuse",
         {OFTEN: "dialogue.a.abuse.often", ONCE: "dialogue.a.abuse.once", NEVER: "dialogue.a.abuse.never"}),
    State("abuse.confirm", "end it now?", "abuse “more than once”", (YES, NO), "dialogue.q.abuse_confirm",
         "dialogue.short.abuse_confirm", {YES: "dialogue.a.abuse_confirm.yes", NO: "dialogue.a.abuse_confirm.no"}),
    State("unethical", "unethical requests?", "no hard stop yet", (YES, NO), "dialogue.q.unethical",
         "dialogue.short.unethical", {YES: "dialogue.a.unethical.yes", NO: "dialogue.a.unethical.no"}),
    State("unethical.confirm", "end it now?", "unethical “yes”", (YES, NO), "dialogue.q.unethical_confirm",
         "dialogue.short.unethical_confirm", {YES: "dialogue.a.unethical_confirm.yes", NO: "dialogue.a.unethical_confirm.no"}),
    # -- the checklists ---------------------------------------------------------------------
    State(SIGNS_OFTEN, "which signs are a pattern (tick all)", "signs left that the records don't answer", (),
         "dialogue.q.signs_often", "dialogue.short.signs_often"),
    State(SIGNS_SOME, "which of the rest happen now and then", "it can still change the verdict", (),
         "dialogue.q.signs_some", "dialogue.short.signs_some"),
    State(SIGNS_TRIED, "the usual repair already tried, per pattern", "a pattern has one and it can change the verdict", (),
         "dialogue.q.signs_tried", "dialogue.short.signs_tried"),
    State(SELF, "dislike the work / more work than you can handle", "it can still change the verdict", (),
         "dialogue.q.self", "dialogue.short.self"),
    State(GROUND, "the checks before a firing (+ sleep on it)", "on the way to a firing", (),
         "dialogue.q.ground", "dialogue.short.ground"),
    State(VERDICT, "—", "at the end", (), None, "dialogue.short.verdict"),
    # -- single questions that are checklist items now: a dialogue saved at one still resumes there ---
    State("late-payment.tried", "late fee or pause tried?", "saved before the checklists", (YES, NO),
         "dialogue.q.late_payment_tried", "dialogue.short.late_payment_tried",
         {YES: "dialogue.a.late_payment_tried.yes", NO: "dialogue.a.late_payment_tried.no"}, "dialogue.hint.late_payment_tried"),
    State("scope-creep.cap", "contract caps revisions?", "saved before the checklists", (YES, NO),
         "dialogue.q.scope_creep_cap", "dialogue.short.scope_creep_cap",
         {YES: "dialogue.a.scope_creep_cap.yes", NO: "dialogue.a.scope_creep_cap.no"}, "dialogue.hint.scope_creep_cap"),
    State("haggling.explained", "pricing explained?", "saved before the checklists", (YES, NO),
         "dialogue.q.haggling_explained", "dialogue.short.haggling_explained",
         {YES: "dialogue.a.haggling_explained.yes", NO: "dialogue.a.haggling_explained.no"}),
    State("indecision.goals", "goals agreed in writing?", "saved before the checklists", (YES, NO),
         "dialogue.q.indecision_goals", "dialogue.short.indecision_goals",
         {YES: "dialogue.a.indecision_goals.yes", NO: "dialogue.a.indecision_goals.no"}),
    State("hate-work", "dislike the work?", "saved before the checklists", (YES, NO),
         "dialogue.q.hate_work", "dialogue.short.hate_work", {YES: "dialogue.a.hate_work.yes", NO: "dialogue.a.hate_work.no"}),
    State("capacity", "more work than you can handle?", "saved before the checklists", (YES, NO),
         "dialogue.q.capacity", "dialogue.short.capacity", {YES: "dialogue.a.capacity.yes", NO: "dialogue.a.capacity.no"}),
    State("ground.contract", "contract checked?", "saved before the checklists", (YES, NO),
         "dialogue.q.ground_contract", "dialogue.short.ground_contract",
         {YES: "dialogue.a.ground_contract.yes", NO: "dialogue.a.ground_contract.no"}),
    State("ground.obligations", "obligations met?", "saved before the checklists", (YES, NO),
         "dialogue.q.ground_obligations", "dialogue.short.ground_obligations",
         {YES: "dialogue.a.ground_obligations.yes", NO: "dialogue.a.ground_obligations.no"}),
    State("ground.unfinished", "work left unfinished?", "saved before the checklists", (YES, NO),
         "dialogue.q.ground_unfinished", "dialogue.short.ground_unfinished",
         {YES: "dialogue.a.ground_unfinished.yes", NO: "dialogue.a.ground_unfinished.no"}),
    State("ground.ongoing", "ongoing projects?", "saved before the checklists", (YES, NO),
         "dialogue.q.ground_ongoing", "dialogue.short.ground_ongoing",
         {YES: "dialogue.a.ground_ongoing.yes", NO: "dialogue.a.ground_ongoing.no"}),
    State("ground.owed", "collect what is owed first?", "saved before the checklists", (YES, NO),
         "dialogue.q.ground_owed", "dialogue.short.ground_owed", {}, "dialogue.hint.ground_owed"),
    State("ground.cool", "slept on it?", "saved before the checklists", (YES, NO),
         "dialogue.q.ground_cool", "dialogue.short.ground_cool"),
)

#: Every state by name.
STATES: Mapping[str, State] = MappingProxyType({row.name: row for row in _ROWS})

#: A checklist item's label (`t.<item>` toggles it): signs, the repairs tried, the self checks, the ground checks.
ITEM_LABELS: Mapping[str, str] = MappingProxyType({
    "late-payment": "dialogue.pick.late_payment",
    "scope-creep": "dialogue.pick.scope_creep",
    "haggling": "dialogue.pick.haggling",
    "indecision": "dialogue.pick.indecision",
    "disagreement": "dialogue.pick.disagreement",
    "style-mismatch": "dialogue.pick.style_mismatch",
    "after-hours": "dialogue.pick.after_hours",
    "late-payment.tried": "dialogue.pick.late_payment_tried",
    "scope-creep.cap": "dialogue.pick.scope_creep_cap",
    "haggling.explained": "dialogue.pick.haggling_explained",
    "indecision.goals": "dialogue.pick.indecision_goals",
    "hate-work": "dialogue.pick.hate_work",
    "capacity": "dialogue.pick.capacity",
    "ground.contract": "dialogue.pick.ground_contract",
    "ground.obligations": "dialogue.pick.ground_obligations",
    "ground.unfinished": "dialogue.pick.ground_unfinished",
    "ground.ongoing": "dialogue.pick.ground_ongoing",
    "ground.owed": "dialogue.pick.ground_owed",
    "ground.cool": "dialogue.pick.ground_cool",
})


def state(name: str) -> State | None:
    return STATES.get(name)


# -- button ids --------------------------------------------------------------------------
def button(dlg: "Dialogue", answer: str) -> str:
    return f"{PREFIX}:{dlg.id}:{dlg.step_no}:{answer}"


def start_button(client_id: int) -> str:
    return f"{PREFIX}:{START}:{client_id}"
