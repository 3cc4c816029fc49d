"""The rows the core sees, as frozen dataclasses (no sqlite types leak out)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Owner:
    """Every row belongs to one workspace and one user; every read is scoped to both."""

    workspace: str
    user: str


@dataclass(frozen=True)
class UserSettings:
    """One person's settings: their explicit choices beside what their platform last reported."""
    workspace: str
    user: str
    language: str | None  # explicit choice with /redflag settings lang=
    timezone: str | None  # explicit choice with /redflag settings tz=
    send_hour: int  # local hour at which nudges go out
    platform: str
    platform_locale: str | None  # last locale the platform reported
    platform_timezone: str | None  # last zone the platform reported
    display_name: str | None = None  # the name letters are signed with (/redflag settings name=)
    signature: str | None = None  # lines under the name: role, company, phone (/redflag settings signature=)
    letter_prompted: bool = False  # asked once for name and signature when a letter was first shown


@dataclass(frozen=True)
class Client:
    """A client of one owner in one workspace; its name is unique per owner, compared case-blind."""
    id: int
    workspace: str
    owner: str
    name: str
    terms_days: int
    currency: str
    email: str | None
    paused: bool
    paused_until: date | None
    created_at: datetime
    contact: str | None = None  # the person letters go to; None: the company, addressed formally


@dataclass(frozen=True)
class Incident:
    """One logged incident of the paper trail; a correction keeps its earlier form in `History`."""
    id: int
    client_id: int
    kind: str
    note: str
    occurred_at: datetime  # UTC
    logged_at: datetime  # UTC
    logged_by: str
    source: str  # "command" | "form" | "nudge" | "shortcut" | ...
    source_ref: str | None
    number: int = 0  # the owner's short id, shown as "#12"
    occurred_on: date | None = None  # the day it happened, when given as a date (`on=`): no time of day is known


@dataclass(frozen=True)
class Payment:
    """A payment against an invoice, in the invoice's currency and minor units."""
    id: int
    invoice_id: int
    amount_minor: int
    currency: str
    paid_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class Invoice:
    """A tracked invoice: amount in minor units with its currency, never converted."""
    id: int
    client_id: int
    ref: str
    amount_minor: int
    currency: str
    issued_on: date
    due_on: date
    status: str  # "open" | "paid" | "written_off"
    snoozed_until: date | None
    paid_minor: int  # sum of payments
    paid_on: date | None  # date of the payment that settled it
    created_at: datetime

    @property
    def balance_minor(self) -> int:
        return max(self.amount_minor - self.paid_minor, 0)


@dataclass(frozen=True)
class Candidate:
    """An open invoice whose next check has come (a row of the sweep's index scan)."""

    invoice_id: int
    workspace: str
    owner: str
    client_id: int
    due_on: date
    snoozed_until: date | None
    next_nudge_on: date


@dataclass(frozen=True)
class PaymentRecord:
    """How a client has paid so far (the reminder DM's one-line history)."""

    paid: int  # invoices settled
    late: int  # of which settled after the due date
    late_days: int  # total days late over those
    overdue: int  # open and past due today

    @property
    def average_late(self) -> int:
        return round(self.late_days / self.late) if self.late else 0
