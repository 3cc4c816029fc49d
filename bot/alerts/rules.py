"""The pattern rules: when Redflag speaks first about a client, and how often.

Pure functions over plain facts (no database, no clock: `now` is passed in),
so every threshold is testable on its own. The checker (`bot/alerts/check.py`)
gathers the facts after an incident or a payment is written, calls
`evaluate`, and queues what it returns.

The rules and their thresholds (DOMAIN.md §1–§3):

* **repeat** — the same kind logged `REPEAT_COUNT` (3) times within
  `REPEAT_WINDOW` (30 days), for the kinds that taming fixes
  (`TAMING_ADVICE`: scope creep → revision limit and a rate for extras,
  haggling → a payment-expectations policy, indecision → clear goals before
  work starts, after-hours → a line about working hours).
* **late** — the last `LATE_STREAK` (2) invoices that fell due were both paid
  more than `LATE_GRACE_DAYS` (3) days late (or are still overdue by more),
  or the days late grew with every one of the last `LATE_TREND` (3) paid
  invoices (1, 2, 3 days: creeping lateness, caught while it is small) →
  a late-fee clause and pausing work until paid.
* **urgent** — any `abuse` or `unethical` incident that happened in the last
  7 days (an old one typed in from memory is history, not news): delivered at
  once, not at the send hour, with "Should I fire them?".
* **pareto** — with at least `PARETO_MIN_CLIENTS` (5) clients, the client is in
  the top 20 % by trouble score while bringing under `PARETO_REVENUE_SHARE`
  (20 %) of the revenue in every currency anyone paid in (never converted).

Each rule fires once per *pattern* (its `key` names the evidence that makes
it, so a retry or a second check finds the same key) and then is quiet for
`RULE_QUIET[rule]` for that client. "Not now" holds a rule for a client for
`NOT_NOW` (30 days). Repeats are held per kind (`Finding.family`). Apart from urgent ones, at most one alert DM goes to a
user per client per `CLIENT_QUIET` (7 days): a later one waits.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Iterable, Mapping, Sequence

from bot.money import per_currency

REPEAT_COUNT = 3
REPEAT_WINDOW = timedelta(days=30)
#: Kind -> the taming advice (and clause) the alert offers.
TAMING_ADVICE: dict[str, str] = {
    "scope-creep": "revisions",
    "haggling": "payment_policy",
    "indecision": "goals",
    "after-hours": "hours",
}
URGENT_KINDS = ("abuse", "unethical")
LATE_STREAK = 2
LATE_GRACE_DAYS = 3  # a day or two late is noise for the streak (the trend still sees it grow)
LATE_TREND = 3
PARETO_MIN_CLIENTS = 5
PARETO_TOP_SHARE = 0.2  # the top fifth of clients by trouble (rounded up, as in bot/report.py)
PARETO_REVENUE_SHARE = 0.2

RULES = ("repeat", "late", "urgent", "pareto")
#: After a rule fired for a client, it stays quiet this long for that client.
RULE_QUIET: dict[str, timedelta] = {
    "repeat": timedelta(days=30),
    "late": timedelta(days=30),
    "urgent": timedelta(days=7),
    "pareto": timedelta(days=90),
}
NOT_NOW = timedelta(days=30)
CLIENT_QUIET = timedelta(days=7)
#: Advice ids that come with a clause to paste into a contract.
CLAUSES = ("revisions", "payment_policy", "goals", "hours", "late_fee")


@dataclass(frozen=True)
class IncidentFact:
    """The little of an incident the pattern rules need."""
    id: int
    kind: str
    at: datetime  # UTC, when it happened


_AT = attrgetter("at")


def _by_time(fact: IncidentFact) -> tuple[datetime, int]:
    return fact.at, fact.id


class Timeline:
    """A client's incidents per kind, each kind's oldest first by (time, id).

    A rule asks how many of a kind fell in a window and which came first or last: two binary
    searches, not a scan of the client's history, which runs after every `/incident` (issue 20:
    a scan per check grew with the history and was the check's whole cost).
    """

    __slots__ = ("_kinds",)

    def __init__(self, incidents: Iterable[IncidentFact] = (), *,
                 kinds: Mapping[str, Sequence[IncidentFact]] | None = None) -> None:
        """From incidents in any order, or from `kinds` already sorted (kept as given: never mutate them after)."""
        if kinds is None:
            grouped: dict[str, list[IncidentFact]] = {}
            for fact in incidents:
                grouped.setdefault(fact.kind, []).append(fact)
            kinds = {kind: sorted(facts, key=_by_time) for kind, facts in grouped.items()}
        self._kinds = kinds

    def _span(self, kind: str, since: datetime, until: datetime) -> tuple[Sequence[IncidentFact], int, int]:
        facts = self._kinds.get(kind, ())
        return facts, bisect_left(facts, since, key=_AT), bisect_right(facts, until, key=_AT)

    def count(self, kind: str, since: datetime, until: datetime) -> int:
        """How many of `kind` happened from `since` to `until`, both included."""
        _, lo, hi = self._span(kind, since, until)
        return max(hi - lo, 0)

    def first(self, kind: str, since: datetime, until: datetime) -> IncidentFact | None:
        facts, lo, hi = self._span(kind, since, until)
        return facts[lo] if lo < hi else None

    def last(self, kind: str, since: datetime, until: datetime) -> IncidentFact | None:
        facts, lo, hi = self._span(kind, since, until)
        return facts[hi - 1] if lo < hi else None

    def kinds(self) -> Mapping[str, Sequence[IncidentFact]]:
        """Each kind's incidents, oldest first."""
        return self._kinds

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted((f for facts in self._kinds.values() for f in facts), key=_by_time))

    def __len__(self) -> int:
        return sum(len(facts) for facts in self._kinds.values())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timeline) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Timeline({list(self)!r})"


@dataclass(frozen=True)
class InvoiceFact:
    """The little of an invoice the pattern rules need."""
    id: int
    ref: str
    due_on: date
    paid_on: date | None  # the settling payment's day; None while open
    status: str  # "open" | "paid" | ...


@dataclass(frozen=True)
class ParetoFact:
    """Where the client stands among all the user's clients."""

    clients: int
    rank: int  # 1 = most trouble
    top_count: int
    score: float
    revenue_shares: tuple[tuple[str, float], ...]  # (currency, this client's share of it), for currencies with revenue


@dataclass(frozen=True)
class Facts:
    """Everything the pattern rules see about one client, read once per check."""
    client_id: int
    incidents: Timeline | Iterable[IncidentFact] = ()  # any order; kept as a `Timeline`
    invoices: tuple[InvoiceFact, ...] = ()
    pareto: ParetoFact | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.incidents, Timeline):
            object.__setattr__(self, "incidents", Timeline(self.incidents))

    @property
    def timeline(self) -> Timeline:
        return self.incidents  # type: ignore[return-value]  # made a Timeline by __post_init__


@dataclass(frozen=True)
class Finding:
    """A pattern a rule found, keyed by its evidence so it alerts once."""
    rule: str
    client_id: int
    key: str  # the pattern: the same evidence always gives the same key
    advice: str  # revisions | payment_policy | goals | hours | late_fee | stop | pareto
    urgent: bool = False
    evidence: Mapping[str, object] = field(default_factory=dict)

    @property
    def family(self) -> str:
        """What "Not now" and the quiet period hold: the rule, per kind for repeats (`repeat:haggling`)."""
        return f"repeat:{self.evidence.get('kind')}" if self.rule == "repeat" else self.rule

    @property
    def has_clause(self) -> bool:
        return self.advice in CLAUSES


def days_late(inv: InvoiceFact, today: date) -> int:
    end = inv.paid_on if inv.paid_on is not None else today
    return max((end - inv.due_on).days, 0)


def _repeat(facts: Facts, now: datetime) -> list[Finding]:
    since, timeline = now - REPEAT_WINDOW, facts.timeline
    out = []
    for kind, advice in TAMING_ADVICE.items():
        count = timeline.count(kind, since, now)
        if count >= REPEAT_COUNT:
            first = timeline.first(kind, since, now)
            assert first is not None
            out.append(Finding("repeat", facts.client_id, f"repeat:{kind}:{facts.client_id}:{first.id}", advice,
                               evidence={"kind": kind, "count": count, "days": REPEAT_WINDOW.days}))
    return out


def _late(facts: Facts, today: date) -> list[Finding]:
    fell_due = sorted((i for i in facts.invoices if i.status in ("open", "paid") and i.due_on < today),
                      key=lambda i: (i.due_on, i.id))
    streak = fell_due[-LATE_STREAK:]
    lates = [days_late(i, today) for i in streak]
    if len(streak) == LATE_STREAK and all(d > LATE_GRACE_DAYS for d in lates):
        return [Finding("late", facts.client_id, f"late:{facts.client_id}:{streak[-1].id}", "late_fee",
                        evidence={"refs": [i.ref for i in streak], "days": lates, "why": "streak"})]
    paid = [i for i in fell_due if i.paid_on is not None][-LATE_TREND:]
    days = [days_late(i, today) for i in paid]
    if len(paid) == LATE_TREND and all(a < b for a, b in zip(days, days[1:])) and days[-1] > 0:
        return [Finding("late", facts.client_id, f"late:{facts.client_id}:{paid[-1].id}", "late_fee",
                        evidence={"refs": [i.ref for i in paid], "days": days, "why": "trend"})]
    return []


def _urgent(facts: Facts, now: datetime) -> list[Finding]:
    since, until = now - RULE_QUIET["urgent"], now + timedelta(minutes=5)
    latest = [f for kind in URGENT_KINDS if (f := facts.timeline.last(kind, since, until)) is not None]
    if not latest:
        return []
    inc = max(latest, key=_by_time)  # the latest one speaks for them all
    return [Finding("urgent", facts.client_id, f"urgent:{inc.id}", "stop", urgent=True, evidence={"kind": inc.kind})]


def _pareto(facts: Facts) -> list[Finding]:
    p = facts.pareto
    if p is None or p.clients < PARETO_MIN_CLIENTS or p.score <= 0 or p.rank > p.top_count:
        return []
    if any(share >= PARETO_REVENUE_SHARE for _, share in p.revenue_shares):
        return []
    top = max((share for _, share in p.revenue_shares), default=0.0)
    return [Finding("pareto", facts.client_id, f"pareto:{facts.client_id}", "pareto",
                    evidence={"rank": p.rank, "clients": p.clients, "revenue_share": round(top, 3)})]


def evaluate(facts: Facts, now: datetime, today: date, *, last_fired: Mapping[str, datetime] | None = None,
             silenced_until: Mapping[str, datetime] | None = None, known_keys: Iterable[str] = ()) -> list[Finding]:
    """Every rule that fires now for this client and is not quiet, silenced or already known."""
    last_fired = last_fired or {}
    silenced_until = silenced_until or {}
    known = set(known_keys)
    found = _urgent(facts, now) + _repeat(facts, now) + _late(facts, today) + _pareto(facts)
    out = []
    for f in found:
        if f.key in known:
            continue
        until = silenced_until.get(f.family)
        if until is not None and now < until:
            continue
        last = last_fired.get(f.family)
        if last is not None and now - last < RULE_QUIET[f.rule]:
            continue
        out.append(f)
    return out


def deliver_at(finding_urgent: bool, now: datetime, next_send_hour: datetime,
               last_client_alert: datetime | None) -> datetime:
    """When the DM may go: urgent at once; the rest at the send hour, one per client per week."""
    if finding_urgent:
        return now
    when = next_send_hour
    if last_client_alert is not None and when < last_client_alert + CLIENT_QUIET:
        when = last_client_alert + CLIENT_QUIET
    return when


def pareto_fact(rows: Iterable[tuple[int, float, Mapping[str, int]]], client_id: int) -> ParetoFact | None:
    """From (client id, trouble score, revenue per currency) of every client: where `client_id` stands."""
    rows = list(rows)
    totals = dict(per_currency(pair for _, _, rev in rows for pair in rev.items()))
    scores = {cid: score for cid, score, _ in rows}
    for cid, _, rev in rows:
        if cid == client_id:
            return standing_of(scores, totals, client_id, rev)
    return None


def standing_of(scores: Mapping[int, float], totals: Mapping[str, int], client_id: int,
                revenue: Mapping[str, int]) -> ParetoFact:
    """The client's place when ranked by score, highest first, ties by id; counted, not sorted
    (the pattern check asks on every incident, with every client's score kept: bot/alerts/ranking.py)."""
    score = scores[client_id]
    rank = 1 + sum(1 for cid, s in scores.items() if s > score or (s == score and cid < client_id))
    return standing_at(rank, len(scores), score, totals, revenue)


def rank_key(client_id: int, score: float) -> tuple[float, int]:
    """The ranking's order, highest score first, ties by id: a client's rank is 1 + the clients before its key."""
    return -score, client_id


def standing_at(rank: int, clients: int, score: float, totals: Mapping[str, int],
                revenue: Mapping[str, int]) -> ParetoFact:
    """The client's place, its rank known (`standing_of` counts it; `bot/alerts/ranking.py` keeps it in order)."""
    top = -(-clients // 5) if clients else 0
    shares = tuple(sorted((cur, revenue.get(cur, 0) / total) for cur, total in totals.items() if total > 0))
    return ParetoFact(clients, rank, top, score, shares)
