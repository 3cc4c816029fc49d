"""What the pattern check needs about every client, kept a few seconds per user (issue 20).

The pareto rule ranks a client among all the user's clients, so each check
used to read every incident the user has (`bot.standings`) and every incident
of the client, on every `/incident`: O(all incidents) on the request path
(75 ms per incident with 20 000 on file). Here, per store and user, the
ranking (each client's unrounded points, revenue and invoices) and each
checked client's recent incidents are kept for `TTL` seconds. An incident
written in this process is added to both (its points and its fact), so the
client being checked is exact; a payment (revenue, lateness) drops the
user's entry. What another client gained in another process, or through a
write no check follows (an edit, an invoice added), shows within `TTL`
seconds: the rules' windows are days (repeat 30, urgent 7) and the pareto
rule is a 90-day pattern.
"""
from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from bot.alerts import rules
from bot.money import per_currency
from bot.scoring import incident_points

if TYPE_CHECKING:
    from bot.context import Context
    from storage.records import Incident, Invoice

#: Seconds an entry is trusted before everything is read again.
TTL = 30.0
#: How far back a client's incidents are kept: the longest rule window (repeat; urgent's 7 days are inside it), and a day.
KEEP = rules.REPEAT_WINDOW + timedelta(days=1)


@dataclass
class _Entry:
    born: float
    today: date
    points: dict[int, float]
    scores: dict[int, float]  # the points rounded as the score is
    revenue: dict[int, dict[str, int]]
    totals: dict[str, int]  # every client's revenue, per currency
    invoices: dict[int, tuple["Invoice", ...]]
    order: list[tuple[float, int]]  # every client's `rules.rank_key`, sorted: a rank is a binary search
    #: Per checked client, its recent incidents per kind, each a tuple sorted by (at, id). A tuple is
    #: replaced, never changed, so a `Timeline` handed out stays as it was while the next check adds.
    recent: dict[int, dict[str, tuple[rules.IncidentFact, ...]]] = field(default_factory=dict)

    def rescore(self, client_id: int, points: float) -> None:
        old, new = self.scores[client_id], round(points, 1)
        self.points[client_id] = points
        if new != old:
            del self.order[bisect.bisect_left(self.order, rules.rank_key(client_id, old))]
            bisect.insort(self.order, rules.rank_key(client_id, new))
            self.scores[client_id] = new

    def rank(self, client_id: int) -> int:
        return 1 + bisect.bisect_left(self.order, rules.rank_key(client_id, self.scores[client_id]))


_entries: "WeakKeyDictionary[object, dict[object, _Entry]]" = WeakKeyDictionary()
_lock = threading.Lock()


def _order(fact: rules.IncidentFact) -> tuple[datetime, int]:
    return fact.at, fact.id


def forget(ctx: "Context") -> None:
    """Drop the user's entry (after a payment: revenue and lateness changed)."""
    with _lock:
        _entries.get(ctx.store, {}).pop(ctx.owner, None)


def facts(ctx: "Context", client_id: int, added: "Incident | None" = None, *, pareto: bool = True) -> rules.Facts:
    """The client's facts for the rules; `added` is the incident just written (counted once)."""
    with _lock:
        per_store = _entries.setdefault(ctx.store, {})
        entry = per_store.get(ctx.owner)
        fresh = False
        if entry is None or entry.today != ctx.today or time.monotonic() - entry.born > TTL or client_id not in entry.points:
            entry = per_store[ctx.owner] = _load(ctx)
            fresh = True
        recent = entry.recent.get(client_id)
        if recent is None:
            since = ctx.now - KEEP
            loaded = rules.Timeline(
                rules.IncidentFact(id_, kind, at)
                for id_, kind, at in ctx.store.incidents.recent_for_client(ctx.owner, client_id, since)
            )
            recent = entry.recent[client_id] = {kind: tuple(facts) for kind, facts in loaded.kinds().items()}
        elif added is not None:
            fact = rules.IncidentFact(added.id, added.kind, added.occurred_at)
            # Kept sorted by (at, id): a binary search, not a scan comparing every kept fact (issue 20).
            kept = recent.get(fact.kind, ())
            at = bisect.bisect_left(kept, (fact.at, fact.id), key=_order)
            if at == len(kept):  # the usual case: the newest
                recent[fact.kind] = kept + (fact,)
            elif kept[at] != fact:
                recent[fact.kind] = kept[:at] + (fact,) + kept[at:]
        if added is not None and not fresh:
            entry.rescore(client_id, entry.points[client_id] + incident_points(added.kind, added.occurred_at, ctx.today))
        invoices = tuple(
            rules.InvoiceFact(i.id, i.ref, i.due_on, i.paid_on if i.status == "paid" else None, i.status)
            for i in entry.invoices.get(client_id, ())
        )
        standing = None
        if pareto:
            standing = rules.standing_at(entry.rank(client_id), len(entry.scores), entry.scores[client_id],
                                         entry.totals, entry.revenue[client_id])
        return rules.Facts(client_id, rules.Timeline(kinds=dict(recent)), invoices, standing)


def _load(ctx: "Context") -> _Entry:
    from bot.standings import standings

    points: dict[int, float] = {}
    revenue: dict[int, dict[str, int]] = {}
    invoices: dict[int, tuple["Invoice", ...]] = {}
    for row in standings(ctx):
        cid = row.client.id
        points[cid] = row.points
        revenue[cid] = dict(per_currency((inv.currency, inv.paid_minor) for inv in row.invoices))
        invoices[cid] = row.invoices
    scores = {cid: round(p, 1) for cid, p in points.items()}
    totals = dict(per_currency(pair for rev in revenue.values() for pair in rev.items()))
    order = sorted(rules.rank_key(cid, score) for cid, score in scores.items())
    return _Entry(time.monotonic(), ctx.today, points, scores, revenue, totals, invoices, order)
