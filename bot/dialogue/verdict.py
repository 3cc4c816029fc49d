"""The weighing: a pure, deterministic function of the evidence and the answers.

`decide(evidence, answers) -> Verdict`. No store, no clock, no language:
reasons and items are catalog keys with values, rendered by the dialogue.

How it weighs (DOMAIN.md §§1, 3, 4):

1. **fire_now** when abuse (answered "more than once") or unethical requests
   were confirmed: a hard stop, no notice, no referral.
2. Otherwise every warning sign answered "often" is a *pattern*, "sometimes"
   is *present*. Abuse answered "once" (or "more than once" but not confirmed
   as a reason to end it) counts as a fixable pattern: name it, once.
   A pattern is *stuck* when the usual repair was already tried and it goes
   on — late payment after a late fee or pause, scope creep despite a
   revision cap in the contract, haggling after the pricing was explained,
   indecision after goals were set in writing — and always for a style
   mismatch or a lost ability to compromise (taste and trust cannot be
   renegotiated). Every other pattern is *fixable*.
3. **fire_notice** when any pattern is stuck, when the user hates the work,
   when they are over capacity (or the client outgrew them), or when three
   or more signs are patterns at once.
4. **repair** when any pattern is fixable, or two or more signs are present.
5. **keep** otherwise, with the taming advice that fits what was found.

The notice is 30 days, 60 when the client relies on the user for ongoing
work, none for fire_now. A referral is offered on fire_notice unless there
was abuse or an unethical request. A refund is due when paid work will not be
finished. Money still owed, if the user chose to, is collected before the
announcement. A fresh incident (last 48 hours) puts "sleep on it" on the
checklist unless the user said they are calm, or has weighed this client
twice already within a month (then the advice is to trust the feeling).
The ground check (contract, obligations, refund, money owed, ongoing work,
cool head) shapes notice, refund and checklist, never the kind of verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.dialogue.evidence import Evidence
from bot.dialogue.plan import (
    COLLECT,
    FOLLOW_UPS,
    FREQUENCY_SIGNS,
    NEVER,
    NO,
    OFTEN,
    ONCE,
    SOMETIMES,
    YES,
    CALM,
    hard_stop,
)

KINDS = ("keep", "repair", "fire_notice", "fire_now")

#: Script cases (see `bot/dialogue/scripts.py`).
CASES = ("late_payment", "scope_creep", "style_mismatch", "abuse", "unethical", "hate_work", "capacity", "repair", "keep")

DEFAULT_NOTICE_DAYS = 30
ONGOING_NOTICE_DAYS = 60
MANY_PATTERNS = 3

#: Signs whose pattern is stuck by nature: nothing to renegotiate.
STUCK_BY_NATURE = ("style-mismatch", "disagreement")

#: The renegotiation each fixable sign calls for (repair), in this order.
REPAIRS: dict[str, tuple[str, ...]] = {
    "late-payment": ("late_fee", "pause_until_paid"),
    "scope-creep": ("revision_cap",),
    "haggling": ("pricing_policy",),
    "indecision": ("clear_goals",),
    "after-hours": ("office_hours",),
    "abuse": ("name_behaviour",),
}

#: Taming advice (DOMAIN.md §3) for a sign that shows up now and then (keep).
ADVICE: dict[str, str] = {
    "late-payment": "remind_terms",
    "scope-creep": "revision_cap",
    "haggling": "explain_pricing",
    "indecision": "clear_goals",
    "disagreement": "walk_through_plan",
    "style-mismatch": "note_preferences",
    "after-hours": "office_hours",
    "abuse": "name_behaviour",
}
GENERAL_ADVICE = ("keep_informed", "quick_fixes")

#: Which sign's script speaks for a firing, most pressing first.
CASE_OF_SIGN: tuple[tuple[str, str], ...] = (
    ("late-payment", "late_payment"),
    ("scope-creep", "scope_creep"),
    ("style-mismatch", "style_mismatch"),
    ("disagreement", "style_mismatch"),
    ("indecision", "style_mismatch"),
    ("haggling", "style_mismatch"),
    ("after-hours", "style_mismatch"),
    ("abuse", "style_mismatch"),
)


@dataclass(frozen=True)
class Reason:
    """One line of "why": a catalog key, its values, and a count for plural forms."""

    key: str
    values: tuple[tuple[str, int | str], ...] = ()
    count: int | None = None

    def as_dict(self) -> dict:
        return {"key": self.key, "values": dict(self.values), "count": self.count}

    @classmethod
    def from_dict(cls, data: dict) -> "Reason":
        return cls(data["key"], tuple(sorted(data.get("values", {}).items())), data.get("count"))


@dataclass(frozen=True)
class Verdict:
    kind: str  # keep | repair | fire_notice | fire_now
    case: str  # which script speaks for it (CASES)
    reasons: tuple[Reason, ...]  # two or three, citing answers and evidence
    renegotiate: tuple[str, ...] = ()  # repair items (catalog `dialogue.item.<slug>`)
    advice: tuple[str, ...] = ()  # taming advice (catalog `dialogue.advice.<slug>`)
    notice_days: int = 0
    referral: bool = False
    refund: bool = False
    collect_first: bool = False
    checklist: tuple[str, ...] = field(default_factory=tuple)  # catalog `dialogue.check.<slug>`

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "case": self.case,
            "reasons": [r.as_dict() for r in self.reasons],
            "renegotiate": list(self.renegotiate),
            "advice": list(self.advice),
            "notice_days": self.notice_days,
            "referral": self.referral,
            "refund": self.refund,
            "collect_first": self.collect_first,
            "checklist": list(self.checklist),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Verdict":
        return cls(
            kind=data["kind"],
            case=data["case"],
            reasons=tuple(Reason.from_dict(r) for r in data["reasons"]),
            renegotiate=tuple(data.get("renegotiate", ())),
            advice=tuple(data.get("advice", ())),
            notice_days=data.get("notice_days", 0),
            referral=data.get("referral", False),
            refund=data.get("refund", False),
            collect_first=data.get("collect_first", False),
            checklist=tuple(data.get("checklist", ())),
        )


@dataclass(frozen=True)
class _Signs:
    patterns: tuple[str, ...]
    present: tuple[str, ...]
    stuck: tuple[str, ...]
    fixable: tuple[str, ...]


def _abuse_level(answers: dict[str, str]) -> str:
    value = answers.get("abuse", NEVER)
    if value == OFTEN and answers.get("abuse.confirm") != YES:
        return ONCE  # declined as a reason to end it: handled like a first time
    return value


def _signs(answers: dict[str, str]) -> _Signs:
    patterns: list[str] = []
    present: list[str] = []
    stuck: list[str] = []
    fixable: list[str] = []
    if _abuse_level(answers) == ONCE:
        patterns.append("abuse")
        fixable.append("abuse")
    for sign in FREQUENCY_SIGNS:
        value = answers.get(sign)
        if value == SOMETIMES:
            present.append(sign)
        if value != OFTEN:
            continue
        patterns.append(sign)
        follow_up = FOLLOW_UPS.get(sign)
        if sign in STUCK_BY_NATURE or (follow_up and answers.get(follow_up) == YES):
            stuck.append(sign)
        else:
            fixable.append(sign)
    return _Signs(tuple(patterns), tuple(present), tuple(stuck), tuple(fixable))


def weigh_kind(evidence: Evidence, answers: dict[str, str]) -> str:
    """Steps 1–5 above: only the kind (the dialogue plans its ground check with it)."""
    if hard_stop(answers):
        return "fire_now"
    signs = _signs(answers)
    if (
        signs.stuck
        or answers.get("hate-work") == YES
        or answers.get("capacity") == YES
        or len(signs.patterns) >= MANY_PATTERNS
    ):
        return "fire_notice"
    if signs.fixable or len(signs.present) >= 2:
        return "repair"
    return "keep"


def _evidence_reason(evidence: Evidence) -> Reason:
    if evidence.paid_late:
        return Reason(
            "dialogue.reason.ev_late",
            (("avg", evidence.late_avg_days), ("worst", evidence.late_worst_days)),
            count=evidence.paid_late,
        )
    if evidence.overdue_now:
        return Reason("dialogue.reason.ev_overdue", (("worst", evidence.overdue_worst_days),), count=evidence.overdue_now)
    if evidence.incidents:
        return Reason("dialogue.reason.ev_incidents", count=evidence.incidents)
    return Reason("dialogue.reason.ev_clean")


#: Why a sign counts: (when it can still be fixed, when it is stuck). Signs with one reason list it twice.
SIGN_REASONS: dict[str, tuple[str, str]] = {
    "late-payment": ("dialogue.reason.late_payment_fixable", "dialogue.reason.late_payment_stuck"),
    "scope-creep": ("dialogue.reason.scope_creep_fixable", "dialogue.reason.scope_creep_stuck"),
    "haggling": ("dialogue.reason.haggling_fixable", "dialogue.reason.haggling_stuck"),
    "indecision": ("dialogue.reason.indecision_fixable", "dialogue.reason.indecision_stuck"),
    "disagreement": ("dialogue.reason.disagreement", "dialogue.reason.disagreement"),
    "style-mismatch": ("dialogue.reason.style_mismatch", "dialogue.reason.style_mismatch"),
    "after-hours": ("dialogue.reason.after_hours", "dialogue.reason.after_hours"),
    # a first time (a confirmed pattern is a hard stop, with its own reason)
    "abuse": ("dialogue.reason.abuse_once", "dialogue.reason.abuse_once"),
}

#: Why a hard stop ends it now.
STOP_REASONS: dict[str, str] = {"abuse": "dialogue.reason.abuse", "unethical": "dialogue.reason.unethical"}


def _sign_reason(sign: str, stuck: bool) -> Reason:
    return Reason(SIGN_REASONS[sign][1 if stuck else 0])


def _with_evidence(first: list[Reason], evidence: Evidence) -> tuple[Reason, ...]:
    """Two or three reasons: the strongest answers, then what is on file."""
    return tuple(first[:2]) + (_evidence_reason(evidence),)


def outcome_key(verdict: Verdict) -> tuple:
    """What an answer can change that the user acts on: the kind, the letter, the terms and the checklist.

    The "why" lines are left out: a question that would only add a second
    reason to a verdict already settled is not worth asking.
    """
    data = verdict.as_dict()
    data.pop("reasons")
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in data.items()))


def decide(evidence: Evidence, answers: dict[str, str]) -> Verdict:
    """The verdict for these per-sign answers (the dialogue passes `plan.final_answers`)."""
    kind = weigh_kind(evidence, answers)
    signs = _signs(answers)
    refund = answers.get("ground.unfinished") == YES
    collect_first = bool(evidence.owed) and answers.get("ground.owed") == COLLECT

    if kind == "fire_now":
        stop = hard_stop(answers)
        assert stop is not None
        checklist = ["short_message"]
        if collect_first:
            checklist.append("collect_first")
        if refund:
            checklist.append("refund")
        checklist += ["paper_trail", "export"]
        return Verdict(
            kind=kind,
            case=stop,
            reasons=_with_evidence([Reason(STOP_REASONS[stop])], evidence),
            notice_days=0,
            referral=False,
            refund=refund,
            collect_first=collect_first,
            checklist=tuple(checklist),
        )

    if kind == "fire_notice":
        reasons: list[Reason] = [_sign_reason(s, True) for s in signs.stuck]
        case = next((c for s, c in CASE_OF_SIGN if s in signs.stuck), None)
        if answers.get("hate-work") == YES:
            reasons.append(Reason("dialogue.reason.hate_work"))
            case = case or "hate_work"
        if answers.get("capacity") == YES:
            reasons.append(Reason("dialogue.reason.capacity"))
            case = case or "capacity"
        if len(signs.patterns) >= MANY_PATTERNS:
            reasons.insert(0, Reason("dialogue.reason.many", count=len(signs.patterns)))
            case = case or next(c for s, c in CASE_OF_SIGN if s in signs.patterns)
        assert case is not None
        checklist = ["call"]
        if answers.get("ground.contract") != YES:
            checklist.append("review_contract")
        if answers.get("ground.obligations") == NO:
            checklist.append("obligations")
        if collect_first:
            checklist.append("collect_first")
        if refund:
            checklist.append("refund")
        if evidence.hot and answers.get("ground.cool") != CALM:
            checklist.append("sleep_on_it")
        checklist += ["paper_trail", "export"]
        ongoing = answers.get("ground.ongoing") == YES
        abusive = _abuse_level(answers) != NEVER or answers.get("unethical") == YES
        return Verdict(
            kind=kind,
            case=case,
            reasons=_with_evidence(reasons, evidence),
            notice_days=ONGOING_NOTICE_DAYS if ongoing else DEFAULT_NOTICE_DAYS,
            referral=not abusive,
            refund=refund,
            collect_first=collect_first,
            checklist=tuple(checklist),
        )

    if kind == "repair":
        fixing = [s for s in signs.fixable] + [s for s in signs.present if s in REPAIRS and s not in signs.fixable]
        items: list[str] = []
        for sign in fixing:
            for item in REPAIRS[sign]:
                if item not in items:
                    items.append(item)
        if not items:  # two signs now and then, none with a standard repair: agree on goals
            items.append("clear_goals")
        if signs.fixable:
            reasons = [_sign_reason(s, False) for s in signs.fixable]
        else:
            reasons = [Reason("dialogue.reason.some", count=len(signs.present))]
        return Verdict(
            kind=kind,
            case="repair",
            reasons=_with_evidence(reasons, evidence),
            renegotiate=tuple(items),
            checklist=("call", "in_writing", "paper_trail", "revisit"),
        )

    advice: list[str] = [ADVICE[s] for s in signs.present if s in ADVICE]
    for item in GENERAL_ADVICE:
        if item not in advice:
            advice.append(item)
    first = [Reason("dialogue.reason.calm")]
    if signs.present:
        first.append(Reason("dialogue.reason.now_and_then", count=len(signs.present)))
    return Verdict(
        kind="keep",
        case="keep",
        reasons=_with_evidence(first, evidence),
        advice=tuple(advice[:4]),
        checklist=("checkin", "paper_trail", "revisit"),
    )
