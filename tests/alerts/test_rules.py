"""The pattern rules on their own: plain facts in, findings out, the clock passed in."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from bot.alerts import rules
from bot.alerts.rules import Facts, IncidentFact, InvoiceFact, evaluate

NOW = datetime(2026, 11, 25, 10, tzinfo=timezone.utc)
TODAY = NOW.date()


def incidents(kind: str, days_ago: list[int], start: int = 1) -> tuple[IncidentFact, ...]:
    return tuple(IncidentFact(start + i, kind, NOW - timedelta(days=d)) for i, d in enumerate(days_ago))


def test_same_kind_three_times_in_thirty_days_fires_with_its_advice() -> None:
    for kind, advice in rules.TAMING_ADVICE.items():
        [f] = evaluate(Facts(7, incidents(kind, [20, 10, 0])), NOW, TODAY)
        assert (f.rule, f.advice, f.urgent, f.has_clause) == ("repeat", advice, False, True)
        assert f.evidence["count"] == 3 and f.key == f"repeat:{kind}:7:1"


def test_two_in_thirty_days_or_three_spread_out_do_not_fire() -> None:
    assert evaluate(Facts(7, incidents("scope-creep", [10, 0])), NOW, TODAY) == []
    assert evaluate(Facts(7, incidents("scope-creep", [45, 10, 0])), NOW, TODAY) == []
    assert evaluate(Facts(7, incidents("style-mismatch", [3, 2, 1])), NOW, TODAY) == []  # nothing to tame with a clause


def test_a_fourth_incident_is_the_same_pattern_and_the_rule_is_quiet_after_firing() -> None:
    first = evaluate(Facts(7, incidents("haggling", [20, 10, 5])), NOW, TODAY)
    later = evaluate(Facts(7, incidents("haggling", [20, 10, 5, 0])), NOW, TODAY, known_keys=[first[0].key])
    assert later == []  # same first incident in the window: the same key
    # a new window (the first incident fell out) is a new key, yet the rule is quiet for 30 days
    moved = evaluate(Facts(7, incidents("haggling", [29, 28, 27], start=10)), NOW, TODAY,
                     last_fired={"repeat:haggling": NOW - timedelta(days=10)}, known_keys=[first[0].key])
    assert moved == []
    again = evaluate(Facts(7, incidents("haggling", [29, 28, 27], start=10)), NOW, TODAY,
                     last_fired={"repeat:haggling": NOW - timedelta(days=31)}, known_keys=[first[0].key])
    assert [f.rule for f in again] == ["repeat"]


def test_the_key_names_the_earliest_incident_in_the_window_in_any_order_of_facts() -> None:
    """The key is the first incident by time, then id, whatever order the facts come in; kinds are counted apart."""
    same_time = NOW - timedelta(days=3)
    facts = (IncidentFact(9, "haggling", NOW), IncidentFact(5, "haggling", same_time),
             IncidentFact(40, "haggling", NOW - timedelta(days=31)),  # out of the window
             IncidentFact(4, "haggling", same_time), IncidentFact(2, "scope-creep", NOW),
             IncidentFact(1, "scope-creep", NOW - timedelta(days=1)), IncidentFact(3, "haggling", NOW + timedelta(hours=1)))
    [f] = evaluate(Facts(7, facts), NOW, TODAY)
    assert (f.key, f.evidence["count"]) == ("repeat:haggling:7:4", 3)
    [a, b] = evaluate(Facts(7, facts + (IncidentFact(8, "scope-creep", NOW - timedelta(days=2)),)), NOW, TODAY)
    assert (a.key, b.key, b.evidence["count"]) == ("repeat:scope-creep:7:8", "repeat:haggling:7:4", 3)


def test_not_now_holds_a_rule_for_thirty_days() -> None:
    facts = Facts(7, incidents("indecision", [3, 2, 1]))
    assert evaluate(facts, NOW, TODAY, silenced_until={"repeat:indecision": NOW + timedelta(days=1)}) == []
    assert len(evaluate(facts, NOW, TODAY, silenced_until={"repeat:indecision": NOW - timedelta(seconds=1)})) == 1


def inv(i: int, due: date, paid: date | None) -> InvoiceFact:
    return InvoiceFact(i, f"INV-{i}", due, paid, "paid" if paid else "open")


def paid_late(*days: int) -> tuple[InvoiceFact, ...]:
    """Monthly invoices from June, paid these many days late."""
    d = date(2026, 6, 1)
    return tuple(inv(i + 1, d + timedelta(days=30 * i), d + timedelta(days=30 * i + late)) for i, late in enumerate(days))


def test_second_late_payment_in_a_row() -> None:
    [f] = evaluate(Facts(7, invoices=paid_late(0, 5, 10)), NOW, TODAY)
    assert (f.rule, f.advice, f.evidence["why"], f.evidence["days"]) == ("late", "late_fee", "streak", [5, 10])
    assert f.evidence["refs"] == ["INV-2", "INV-3"] and f.key == "late:7:3"
    assert evaluate(Facts(7, invoices=paid_late(9, 0)), NOW, TODAY) == []  # on time last
    assert evaluate(Facts(7, invoices=paid_late(9)), NOW, TODAY) == []  # once is not a pattern
    # still open and overdue counts as late
    open_now = paid_late(6) + (InvoiceFact(9, "INV-9", TODAY - timedelta(days=10), None, "open"),)
    assert [f.rule for f in evaluate(Facts(7, invoices=open_now), NOW, TODAY)] == ["late"]


def test_days_late_growing_over_three_invoices() -> None:
    [f] = evaluate(Facts(7, invoices=paid_late(0, 1, 2, 3)), NOW, TODAY)
    assert (f.evidence["why"], f.evidence["days"]) == ("trend", [1, 2, 3])
    assert evaluate(Facts(7, invoices=paid_late(1, 3, 2)), NOW, TODAY) == []
    assert evaluate(Facts(7, invoices=paid_late(0, 0, 0)), NOW, TODAY) == []
    assert evaluate(Facts(7, invoices=paid_late(1, 2)), NOW, TODAY) == []  # two are not yet a trend


def test_abuse_and_unethical_are_urgent_at_once() -> None:
    for kind in rules.URGENT_KINDS:
        [f] = evaluate(Facts(7, incidents(kind, [0])), NOW, TODAY)
        assert f.urgent and f.advice == "stop" and not f.has_clause
        assert rules.deliver_at(True, NOW, NOW + timedelta(hours=20), NOW - timedelta(days=1)) == NOW


def test_one_alert_per_client_per_week_at_the_send_hour() -> None:
    send = NOW + timedelta(hours=23)
    assert rules.deliver_at(False, NOW, send, None) == send
    last = NOW - timedelta(days=2)
    assert rules.deliver_at(False, NOW, send, last) == last + rules.CLIENT_QUIET


def test_pareto_top_fifth_with_little_revenue() -> None:
    rows = [(1, 9.0, {"EUR": 100}), (2, 1.0, {"EUR": 5000}), (3, 1.0, {"EUR": 5000}), (4, 0.5, {"EUR": 5000}),
            (5, 0.0, {"EUR": 5000, "USD": 100})]
    p = rules.pareto_fact(rows, 1)
    assert (p.rank, p.top_count, p.clients) == (1, 1, 5)
    [f] = evaluate(Facts(1, pareto=p), NOW, TODAY)
    assert f.rule == "pareto" and f.evidence["rank"] == 1
    # the top client who brings a fifth of the revenue is worth the trouble
    rich = [(1, 9.0, {"EUR": 6000})] + rows[1:]
    assert evaluate(Facts(1, pareto=rules.pareto_fact(rich, 1)), NOW, TODAY) == []
    # not in the top fifth, or too few clients to speak of a fifth
    assert evaluate(Facts(2, pareto=rules.pareto_fact(rows, 2)), NOW, TODAY) == []
    assert evaluate(Facts(1, pareto=rules.pareto_fact(rows[:4], 1)), NOW, TODAY) == []


def test_a_window_includes_both_ends_and_urgent_speaks_for_the_latest_of_either_kind() -> None:
    edge = incidents("scope-creep", [30, 15], start=1) + (IncidentFact(3, "scope-creep", NOW),)
    [f] = evaluate(Facts(7, edge), NOW, TODAY)
    assert (f.key, f.evidence["count"]) == ("repeat:scope-creep:7:1", 3)  # exactly 30 days ago and now both count
    later = (IncidentFact(4, "scope-creep", NOW + timedelta(seconds=1)),)
    assert evaluate(Facts(7, edge[1:] + later), NOW, TODAY) == []  # after `now` is not in the window
    mixed = (IncidentFact(10, "abuse", NOW - timedelta(days=2)), IncidentFact(11, "unethical", NOW - timedelta(days=1)),
             IncidentFact(12, "abuse", NOW - timedelta(days=8)), IncidentFact(13, "abuse", NOW + timedelta(minutes=6)))
    [u] = evaluate(Facts(7, mixed), NOW, TODAY)
    assert (u.key, u.evidence["kind"]) == ("urgent:11", "unethical")
    assert evaluate(Facts(7, mixed[2:]), NOW, TODAY) == []  # 8 days old, or beyond the five minutes' grace


def test_a_timeline_counts_per_kind_by_binary_search_in_any_input_order() -> None:
    facts = [IncidentFact(n, "haggling" if n % 3 else "abuse", NOW - timedelta(hours=n)) for n in range(300, 0, -1)]
    timeline = rules.Timeline(reversed(facts))
    assert len(timeline) == 300 and list(timeline) == sorted(facts, key=lambda f: (f.at, f.id))
    since = NOW - timedelta(hours=100)
    assert timeline.count("haggling", since, NOW) == sum(1 for f in facts if f.kind == "haggling" and since <= f.at <= NOW)
    assert timeline.first("haggling", since, NOW).id == 100 and timeline.last("haggling", since, NOW).id == 1
    assert timeline.count("indecision", since, NOW) == 0 and timeline.first("indecision", since, NOW) is None
