"""Two connections racing the same write, on both engines (PostgreSQL's READ COMMITTED is the hard case).

Each test opens two stores on one database (two processes, as far as the
database can tell), lines their threads up on a barrier and lets them write
at once, many rounds over, then checks what the database holds.
"""
from __future__ import annotations

import threading
from datetime import date
from typing import Callable

import pytest

from storage.invoices import PaymentRefused
from storage.records import Owner
from storage.store import Store
from storage.users import LATE_FEE_KEY, OFFSETS_KEY

ME = Owner("W1", "U1")
ROUNDS = 12


@pytest.fixture
def two(store: Store, store_url: str):
    """The test's store and a second one on the same database."""
    other = Store(store_url)
    try:
        yield store, other
    finally:
        other.close()


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at once, one thread each; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as err:  # noqa: BLE001 - returned for the test to look at
            results[i] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_the_same_request_id_from_two_connections_makes_one_incident(two) -> None:
    a, b = two
    client = a.clients.add(ME, "Acme", 30, "EUR", None)
    for n in range(ROUNDS):
        rid = f"req-{n}"
        results = race(lambda: a.incidents.add(ME, client.id, "scope-creep", "again", request_id=rid),
                       lambda: b.incidents.add(ME, client.id, "scope-creep", "again", request_id=rid))
        assert not [r for r in results if isinstance(r, Exception)], results
        (first, made_a), (second, made_b) = results  # type: ignore[misc]
        assert first.id == second.id and {made_a, made_b} == {True, False}
    rows = a.database.query("SELECT request_id, count(*) AS n FROM incidents GROUP BY request_id")
    assert len(rows) == ROUNDS and all(r["n"] == 1 for r in rows)


def test_incident_numbers_stay_unique_when_two_connections_log_at_once(two) -> None:
    a, b = two
    client = a.clients.add(ME, "Acme", 30, "EUR", None)
    for n in range(ROUNDS):
        results = race(lambda: a.incidents.add(ME, client.id, "late-payment", "a", request_id=f"a-{n}"),
                       lambda: b.incidents.add(ME, client.id, "late-payment", "b", request_id=f"b-{n}"))
        assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [r["number"] for r in a.database.query("SELECT number FROM incidents ORDER BY number")]
    assert numbers == list(range(1, 2 * ROUNDS + 1))


def test_two_settings_written_at_once_are_both_kept(two) -> None:
    a, b = two
    with a.database.transaction():
        a.workspaces.ensure("W1", "console", "2026-11-25T10:00:00+00:00")
    for n in range(ROUNDS):
        results = race(lambda: a.workspaces._set("W1", OFFSETS_KEY, {"first": n}),
                       lambda: b.workspaces._set("W1", LATE_FEE_KEY, n + 0.5))
        assert results == [None, None]
        assert a.workspaces.offsets("W1") == {"first": n}
        assert a.workspaces.late_fee_percent("W1") == n + 0.5


def test_two_payments_at_once_never_pay_more_than_the_invoice(two) -> None:
    a, b = two
    client = a.clients.add(ME, "Acme", 30, "EUR", None)
    for n in range(ROUNDS):
        invoice = a.invoices.add(ME, client.id, f"INV-{n}", 10_000, "EUR", date(2026, 11, 1), date(2026, 12, 1))
        results = race(lambda: a.invoices.pay(ME, invoice.id, 6_000, date(2026, 11, 20), request_id=f"pa-{n}"),
                       lambda: b.invoices.pay(ME, invoice.id, 6_000, date(2026, 11, 20), request_id=f"pb-{n}"))
        refused = [r for r in results if isinstance(r, PaymentRefused)]
        assert len(refused) == 1 and refused[0].reason == "too_much", results
        assert sum(p.amount_minor for p in a.invoices.payments(ME, invoice.id)) == 6_000
