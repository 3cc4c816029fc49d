"""Pattern alerts end to end: real commands, a real SQLite file, the reminder sweep with an injected clock."""
from __future__ import annotations

from datetime import timedelta

from storage.records import Owner
from tests.nudges.conftest import utc

OWNER = Owner("W1", "U1")


def log_three(say, clock, kind: str = "scope-creep", client: str = "Acme") -> None:
    for i in range(3):
        replies = say(f'/incident "{client}" {kind} one more round {i}', request_id=f"req-{kind}-{i}")
        assert not replies[0].is_error, replies[0].plain()
        clock.advance(minutes=1)


def alert_texts(notifier) -> list[str]:
    return [t for t in notifier.texts if "Your week" not in t]


async def test_scope_creep_three_times_alerts_once_at_the_send_hour(books, say, click, clock, store, notifier, sweep):
    books.user("UTC", 9, digest="monday")
    books.client("Acme")
    log_three(say, clock)
    [alert] = store.alerts.for_owner(OWNER, "alert")
    assert alert.rule == "repeat:scope-creep" and alert.due_at == utc(2026, 11, 26, 9)
    await sweep(utc(2026, 11, 25, 12))  # the same day, after the send hour: it waits for tomorrow's
    assert alert_texts(notifier) == []
    await sweep(utc(2026, 11, 26, 9, 1))
    await sweep(utc(2026, 11, 26, 9, 4))
    [text] = alert_texts(notifier)
    assert "A pattern with Acme" in text and "logged 3 times in the last 30 days" in text
    assert "number of revisions in the contract" in text
    [(_, replies)] = [s for s in notifier.sent if "pattern" in s[1][0].title]
    labels = [c.label for c in replies[0].choices]
    assert labels == ["Show me", "Start the decision", "Copy the clause", "Not now"]
    # a fourth one is the same pattern: nothing new, and the retried request writes nothing twice
    say('/incident "Acme" scope-creep and another', request_id="req-scope-creep-2")
    say('/incident "Acme" scope-creep and another')
    await sweep(utc(2026, 11, 27, 9, 1))
    assert len(alert_texts(notifier)) == 1 and len(store.alerts.for_owner(OWNER, "alert")) == 1
    # the buttons: the clause, the dossier, the decision
    ids = {c.label: c.id for c in replies[0].choices}
    clause = click(ids["Copy the clause"])[0]
    assert "two rounds of revisions" in clause.text and "[rate]" in clause.text
    assert "Acme" in click(ids["Show me"])[0].plain()
    assert not click(ids["Start the decision"])[0].is_error


async def test_not_now_holds_the_rule_for_this_client(books, say, click, clock, store, notifier, sweep):
    books.user("UTC", 9, digest="monday")
    books.client("Acme")
    log_three(say, clock, "haggling")
    await sweep(utc(2026, 11, 26, 9, 1))
    [(_, replies)] = notifier.sent
    later = next(c.id for c in replies[0].choices if c.label == "Not now")
    answer = click(later)[0].plain()
    assert "won't raise this pattern about Acme for 30 days" in answer
    client_id = store.alerts.for_owner(OWNER, "alert")[0].client_id
    assert set(store.alerts.silenced(OWNER, client_id)) == {"repeat:haggling"}
    # 25 days on, a new run of haggling: held by "Not now"
    clock.set(utc(2026, 12, 20, 10))
    log_three(say, clock, "haggling")
    assert len(store.alerts.for_owner(OWNER, "alert")) == 1  # still within the 30 days
    # another kind for the same client is its own rule
    log_three(say, clock, "indecision")
    assert [a.rule for a in store.alerts.for_owner(OWNER, "alert")] == ["repeat:haggling", "repeat:indecision"]


async def test_alerts_off_queues_nothing_and_on_again_works(books, say, clock, store, notifier, sweep):
    books.user("UTC", 9, digest="monday")
    books.client("Acme")
    assert "Pattern alerts" in say("/redflag settings alerts=off")[0].plain()
    log_three(say, clock)
    say('/incident "Acme" abuse shouted at me')
    await sweep(utc(2026, 11, 26, 9, 1))
    assert store.alerts.for_owner(OWNER, "alert") == [] and alert_texts(notifier) == []
    bad = say("/redflag settings alerts=maybe")[0]
    assert bad.is_error and "on or off" in bad.plain()
    say("/redflag settings alerts=on")
    say('/incident "Acme" unethical asked me to fake reviews')
    alerts = {a.rule: a for a in store.alerts.for_owner(OWNER, "alert")}
    assert alerts["urgent"].due_at == clock.now  # on again: the next check sees what is open now
    assert set(alerts) == {"urgent", "repeat:scope-creep"}


async def test_abuse_alert_arrives_at_once_even_at_night(books, say, clock, store, notifier, sweep):
    books.user("UTC", 9, digest="monday")
    books.client("Acme")
    clock.set(utc(2026, 11, 25, 23, 30))
    say('/incident "Acme" abuse called me an idiot in the channel')
    await sweep(utc(2026, 11, 25, 23, 31))
    [text] = alert_texts(notifier)
    assert "Red flag: Acme" in text and "the dialogue stops early" in text
    [(_, replies)] = notifier.sent
    assert replies[0].choices[0].label == "Should I fire them?" and replies[0].choices[0].style == "danger"
    await sweep(utc(2026, 11, 25, 23, 34))
    assert len(alert_texts(notifier)) == 1


async def test_late_payments_in_a_row_alert_after_the_payment(books, say, clock, store, notifier, sweep):
    clock.set(utc(2026, 10, 9, 10))
    books.user("UTC", 9, digest="monday")
    books.client("Acme", terms=30)
    books.invoice("INV-1", "2026-10-01", issued="2026-09-01")
    books.invoice("INV-2", "2026-11-01", issued="2026-10-01")
    say("/invoice paid INV-1 on=2026-10-09")
    assert store.alerts.for_owner(OWNER, "alert") == []  # once late is not yet a pattern
    clock.set(utc(2026, 11, 20, 10))
    say("/invoice paid INV-2 on=2026-11-20", request_id="pay-2")
    say("/invoice paid INV-2 on=2026-11-20", request_id="pay-2")  # a retry
    [alert] = store.alerts.for_owner(OWNER, "alert")
    assert alert.rule == "late" and alert.evidence["refs"] == ["INV-1", "INV-2"]
    await sweep(utc(2026, 11, 21, 9, 1))
    [text] = alert_texts(notifier)
    assert "pays later and later" in text and "late-fee clause" in text and "8 → 19" in text


async def test_one_alert_dm_per_client_per_week(books, say, clock, store, notifier, sweep):
    books.user("UTC", 9, digest="monday")
    books.client("Acme")
    log_three(say, clock, "scope-creep")
    log_three(say, clock, "after-hours")
    first, second = store.alerts.for_owner(OWNER, "alert")
    assert second.due_at - first.due_at == timedelta(days=7)
    await sweep(utc(2026, 11, 26, 9, 1))
    await sweep(utc(2026, 11, 30, 9, 1))
    assert len(alert_texts(notifier)) == 1
    await sweep(utc(2026, 12, 3, 9, 1))
    assert len(alert_texts(notifier)) == 2 and "working hours" in alert_texts(notifier)[1]


async def test_pareto_alert_once_with_the_chart(books, say, clock, store, notifier, sweep):
    books.user("UTC", 9, digest="monday")
    for i, name in enumerate(["Big A", "Big B", "Big C", "Big D", "Tiny"]):
        books.client(name)
        amount = "100" if name == "Tiny" else "1000"
        books.invoice(f"P-{i}", "2026-11-20", amount=amount, client=name, issued="2026-10-21")
        say(f"/invoice paid P-{i} on=2026-11-20")
    assert store.alerts.for_owner(OWNER, "alert") == []  # nobody causes trouble yet
    say('/incident "Tiny" disagreement the project stalls again')
    say('/incident "Tiny" disagreement and again')
    [alert] = store.alerts.for_owner(OWNER, "alert")
    assert alert.rule == "pareto" and alert.evidence["rank"] == 1 and alert.evidence["clients"] == 5
    await sweep(utc(2026, 11, 26, 9, 1))
    [(_, replies)] = notifier.sent
    assert replies[0].title == "Tiny costs more than it brings"
    assert "Number 1 of 5 clients by trouble score" in replies[0].text
    assert replies[0].files and replies[0].files[0].content.startswith(b"\x89PNG")
    assert "Copy the clause" not in [c.label for c in replies[0].choices]
