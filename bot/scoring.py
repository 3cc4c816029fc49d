"""The trouble score: one number that says how much grief a client causes.

    score = Σ over incidents   weight(kind) × ½^(age_days / 180)
          + Σ over invoices    min(days_late, 90) / 30

* `weight(kind)` is in `bot/kinds.py` (abuse 5, late payment 3, scope creep 2, …).
* An incident loses half its weight every 180 days: old grudges fade.
* Each invoice adds up to 3 points for lateness: paid late by its days late,
  still open and overdue by the days it is overdue so far (capped at 90 days,
  so one ancient invoice cannot drown everything else).

It never mixes currencies: lateness is counted in days, not money. The
result is rounded to one decimal so lists and reports agree.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from bot.kinds import WEIGHTS
from storage.records import Invoice

HALF_LIFE_DAYS = 180.0
LATE_CAP_DAYS = 90
LATE_DAYS_PER_POINT = 30.0


def days_late(invoice: Invoice, today: date) -> int:
    """Days past due: until the settling payment, or until today while unpaid."""
    if invoice.status == "paid" and invoice.paid_on is not None:
        end = invoice.paid_on
    elif invoice.status == "written_off":
        end = today
    else:
        end = today
    return max((end - invoice.due_on).days, 0)


def is_late(invoice: Invoice, today: date) -> bool:
    return days_late(invoice, today) > 0


def incident_points(kind: str, when: datetime, today: date) -> float:
    """One incident's share of the score today (unrounded)."""
    age = max((today - when.date()).days, 0)
    return WEIGHTS.get(kind, 1.0) * 0.5 ** (age / HALF_LIFE_DAYS)


def trouble_points(incidents: Iterable[tuple[str, datetime]], invoices: Iterable[Invoice], today: date) -> float:
    """The score before rounding: the pattern checker adds one new incident's points to it (bot/alerts/ranking.py)."""
    score = 0.0
    for kind, when in incidents:
        score += incident_points(kind, when, today)
    for invoice in invoices:
        score += min(days_late(invoice, today), LATE_CAP_DAYS) / LATE_DAYS_PER_POINT
    return score


def trouble_score(incidents: Iterable[tuple[str, datetime]], invoices: Iterable[Invoice], today: date) -> float:
    return round(trouble_points(incidents, invoices, today), 1)


def average_days_late(invoices: Iterable[Invoice], today: date) -> float | None:
    """Mean days late over invoices that are settled or already due; None when none are."""
    counted = [days_late(i, today) for i in invoices if i.status == "paid" or i.due_on < today]
    return round(sum(counted) / len(counted), 1) if counted else None
