"""The plan of an import, computed without writing: what is new, what changed, what cannot be read.

Each row becomes an invoice candidate or a problem with its reason. The
candidates are compared, by reference, with what is already on file: a new
reference is added, a known one is updated where the file differs, a payment
that appeared is recorded, nothing is ever duplicated. The same function
runs for the preview and again at confirmation, so what is written matches
what is on file at that moment.
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Iterable

from bot.importing import values
from bot.importing.layouts import Mapping
from bot.importing.reader import Table
from bot.parser import MAX_NAME, MAX_REF
from storage.clients import name_key
from storage.invoices import ref_key
from storage.records import Client, Invoice

DEFAULT_TERMS = 30
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PAID_WORDS = {"paid", "betaald", "voldaan", "odendi", "ödendi", "dathanhtoan", "đã thanh toán", "closed", "paid in full"}
_CREDIT = re.compile(r"credit|creditnota|creditfactuur|iade|iade faturası|hoàn|accreccredit", re.I)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Candidate:
    line: int
    client: str
    ref: str
    minor: int
    currency: str
    issued: date
    due: date
    paid: int  # minor units paid according to the file


@dataclass(frozen=True)
class Problem:
    line: int
    key: str  # catalog id under import.row.
    values: dict


@dataclass(frozen=True)
class Update:
    candidate: Candidate
    invoice: Invoice
    changes: dict  # field -> new value (amount_minor, currency, issued_on, due_on)
    payment: int  # minor units newly paid


@dataclass
class Plan:
    mapping: Mapping
    rows: int
    decimal: str
    date_order: str
    date_certain: bool
    new: list[Candidate] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    new_clients: list[tuple[str, str | None]] = field(default_factory=list)  # (name, did-you-mean)
    credit_notes: int = 0

    @property
    def writes(self) -> int:
        return len(self.new) + len(self.updates)

    def totals(self) -> dict[str, int]:
        sums: dict[str, int] = defaultdict(int)
        for c in self.new:
            sums[c.currency] += c.minor
        for u in self.updates:
            sums[u.candidate.currency] += u.candidate.minor
        return dict(sums)

    def outstanding(self) -> dict[str, int]:
        sums: dict[str, int] = defaultdict(int)
        for c in [*self.new, *(u.candidate for u in self.updates)]:
            if c.minor > c.paid:
                sums[c.currency] += c.minor - c.paid
        return dict(sums)


def _cell(cells: tuple[str, ...], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def build(
    table: Table,
    mapping: Mapping,
    *,
    today: date,
    default_currency: str,
    clients: Iterable[Client],
    invoices: Iterable[Invoice],
    progress: Progress | None = None,
) -> Plan:
    cols = mapping.columns
    layout = mapping.layout
    amounts = [_cell(c, cols.get("amount")) for _, c in table.rows[:2000]]
    mark = layout.decimal or values.decimal_mark(amounts)
    if mapping.dates in ("dmy", "mdy"):
        order, certain = mapping.dates, True
    elif layout.dates in ("iso", "dmy", "mdy"):
        order, certain = layout.dates, True
    else:
        samples = [_cell(c, cols.get(k)) for _, c in table.rows for k in ("issued", "due")]
        order, certain = values.date_order(samples)
    plan = Plan(mapping, len(table.rows), mark, order, certain)
    by_key = {name_key(c.name): c for c in clients}
    client_of_id = {c.id: c for c in by_key.values()}
    existing = {ref_key(i.ref): i for i in invoices}
    seen: dict[str, Candidate] = {}
    new_names: dict[str, str] = {}
    total = len(table.rows)
    for n, (line, cells) in enumerate(table.rows, start=1):
        if progress is not None and n % 500 == 0:
            progress(n, total)
        try:
            cand = _candidate(line, cells, mapping, mark, order, today, default_currency, by_key)
        except values.ValueProblem as p:
            if p.key == "import.row.credit_note":
                plan.credit_notes += 1
            plan.problems.append(Problem(line, p.key, p.values))
            continue
        rk = ref_key(cand.ref)
        first = seen.get(rk)
        if first is not None:
            same = (first.client, first.minor, first.issued, first.due) == (cand.client, cand.minor, cand.issued, cand.due)
            if not (layout.lines and same):
                plan.problems.append(Problem(line, "import.row.duplicate_ref", {"ref": cand.ref, "first": first.line}))
            continue
        seen[rk] = cand
        old = existing.get(rk)
        if old is None:
            plan.new.append(cand)
            ck = name_key(cand.client)
            if ck not in by_key and ck not in new_names:
                new_names[ck] = cand.client
            continue
        owner = client_of_id.get(old.client_id)
        if owner is None or name_key(owner.name) != name_key(cand.client):
            plan.problems.append(Problem(line, "import.row.other_client",
                                         {"ref": old.ref, "name": owner.name if owner else "?", "other": cand.client}))
            continue
        update = _compare(cand, old)
        if update is None:
            plan.unchanged += 1
        else:
            plan.updates.append(update)
    known = list(by_key)
    for ck, name in new_names.items():
        close = difflib.get_close_matches(ck, known, n=1, cutoff=0.75)
        plan.new_clients.append((name, by_key[close[0]].name if close else None))
    if progress is not None:
        progress(total, total)
    return plan


def _candidate(line, cells, mapping: Mapping, mark: str, order: str, today: date, default_currency: str,
               clients: dict[str, Client]) -> Candidate:
    cols = mapping.columns
    client = " ".join(_cell(cells, cols.get("client")).split())
    ref = _cell(cells, cols.get("ref"))
    raw_amount = _cell(cells, cols.get("amount"))
    if not client:
        raise values.ValueProblem("import.row.no_client")
    if not ref:
        raise values.ValueProblem("import.row.no_ref")
    if len(client) > MAX_NAME or len(ref) > MAX_REF or _CONTROL.search(client + ref):
        raise values.ValueProblem("import.row.too_long", ref=ref[:MAX_REF])
    if not raw_amount:
        raise values.ValueProblem("import.row.no_amount", ref=ref)
    known = clients.get(name_key(client))
    raw_currency = _cell(cells, cols.get("currency"))
    currency = (values.currency_code(raw_currency) if raw_currency
                else mapping.layout.currency or (known.currency if known else default_currency))
    kind = _cell(cells, cols.get("type"))
    minor = values.amount(raw_amount, mark, currency)
    if minor < 0 or (kind and _CREDIT.search(kind)):
        raise values.ValueProblem("import.row.credit_note", ref=ref)
    if minor == 0:
        raise values.ValueProblem("import.row.zero", ref=ref)
    raw_issued, raw_due = _cell(cells, cols.get("issued")), _cell(cells, cols.get("due"))
    issued = values.day(raw_issued, order, today) if raw_issued else None
    due = values.day(raw_due, order, today) if raw_due else None
    terms = known.terms_days if known else DEFAULT_TERMS
    if issued is None and due is None:
        raise values.ValueProblem("import.row.no_dates", ref=ref)
    issued = issued or (due - timedelta(days=terms))  # type: ignore[operator]
    due = due or issued + timedelta(days=terms)
    if due < issued:
        raise values.ValueProblem("import.row.due_before_issued", ref=ref)
    paid = 0
    raw_paid, raw_open = _cell(cells, cols.get("paid")), _cell(cells, cols.get("outstanding"))
    if raw_paid:
        paid = values.amount(raw_paid, mark, currency)
    elif raw_open:
        paid = minor - values.amount(raw_open, mark, currency)
    elif _cell(cells, cols.get("status")).casefold() in _PAID_WORDS:
        paid = minor
    return Candidate(line, client, ref, minor, currency, issued, due, max(0, min(paid, minor)))


def _compare(cand: Candidate, old: Invoice) -> Update | None:
    changes: dict = {}
    if cand.minor != old.amount_minor and cand.minor >= old.paid_minor:
        changes["amount_minor"] = cand.minor
    if cand.currency != old.currency and not old.paid_minor:
        changes["currency"] = cand.currency
    if cand.issued != old.issued_on:
        changes["issued_on"] = cand.issued
    if cand.due != old.due_on:
        changes["due_on"] = cand.due
    payment = cand.paid - old.paid_minor if old.status == "open" and cand.paid > old.paid_minor else 0
    if not changes and not payment:
        return None
    return Update(cand, old, changes, payment)
