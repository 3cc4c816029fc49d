""""Client since": the earliest record on file, as a day in the user's own time zone.

A client typed in today with invoices from months before has been a client
since the first of those; `/client show`, the decision dialogue and anything
else that says "client since" read it from here, so they always agree, also
after local midnight in zones ahead of UTC.
"""
from __future__ import annotations

from datetime import date, tzinfo
from typing import Iterable

from storage.records import Client, Incident, Invoice


def client_since(client: Client, invoices: Iterable[Invoice], incidents: Iterable[Incident], tz: tzinfo) -> date:
    days = [client.created_at.astimezone(tz).date()]
    days += [inv.issued_on for inv in invoices if inv.issued_on is not None]
    days += [inc.occurred_at.astimezone(tz).date() for inc in incidents]
    return min(days)
