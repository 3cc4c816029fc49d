"""The sweep end to end on a real SQLite file, with a fake clock and a recording notifier."""
from __future__ import annotations

from datetime import date

from storage.records import Owner
from tests.nudges.conftest import utc

OWNER = Owner("W1", "U1")


def next_check(store, ref: str) -> str | None:
    inv = store.invoices.by_ref(OWNER, ref)
    return store.database.one("SELECT next_nudge_on FROM invoices WHERE id = ?", (inv.id,))["next_nudge_on"]


async def test_each_stage_once_at_the_send_hour(books, sweep, notifier, store):
    books.user("Europe/Amsterdam", 9)
    books.client("Acme")
    books.invoice("INV-1", "2026-10-01")
    # 09:00 in Amsterdam is 07:00 UTC in summer time (to 25 Oct), 08:00 UTC after.
    expected = [
        (utc(2026, 10, 8, 7), "friendly reminder", "7 days overdue"),
        (utc(2026, 10, 15, 7), "firm reminder", "14 days overdue"),
        (utc(2026, 10, 31, 8), "final notice", "30 days overdue"),
        (utc(2026, 11, 30, 8), "stop-work notice", "60 days overdue"),
    ]
    for at, stage, days in expected:
        notifier.reset()
        await sweep(at.replace(hour=at.hour - 1))  # an hour before the send hour: nothing
        assert notifier.sent == []
        await sweep(at)
        await sweep(at.replace(minute=30))  # the same stage never twice
        assert len(notifier.sent) == 1, notifier.texts
        text = notifier.texts[0]
        assert f"time for a {stage}" in text and days in text and "€1,200.00" in text
        assert "Overdue: INV-1 from Acme" in text
    assert next_check(store, "INV-1") is None  # ladder finished: the scan never reads it again
    notifier.reset()
    await sweep(utc(2027, 1, 30, 8))
    assert notifier.sent == []


async def test_between_stages_nothing_is_read_twice(books, sweep, store):
    books.user("Europe/Amsterdam", 9)
    books.client()
    books.invoice("INV-1", "2026-11-20")
    report = await sweep(utc(2026, 11, 21, 8))
    assert report.checked == 1
    assert next_check(store, "INV-1") == "2026-11-27"  # the friendly stage's date
    report = await sweep(utc(2026, 11, 22, 8))
    assert report.checked == 0


async def test_stage_texts_match_the_tone(books, sweep, notifier, store):
    books.user("UTC", 9)
    books.client("Acme", terms=14)
    books.invoice("INV-7", "2026-10-01", amount="1000")
    await sweep(utc(2026, 10, 15, 9))
    firm = notifier.texts[-1]
    assert "terms of 14 days" in firm and "the date on which you will pay" in firm
    await sweep(utc(2026, 10, 31, 9))
    final = notifier.texts[-1]
    assert "final notice" in final and "late fee of 5% (€50.00)" in final and "€1,050.00" in final
    assert "work on your projects is paused" in final and "[Should I fire them?]" in final
    await sweep(utc(2026, 11, 30, 9))
    stop = notifier.texts[-1]
    assert "stopped all work" in stop and "[Should I fire them?]" in stop


async def test_final_logs_one_late_payment_incident(books, sweep, notifier, store, say):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-10-01")
    await sweep(utc(2026, 10, 31, 9))
    await sweep(utc(2026, 11, 30, 9))
    client = store.clients.by_name(OWNER, "Acme")
    incidents = store.incidents.for_client(OWNER, client.id)
    assert [(i.kind, i.source, i.source_ref) for i in incidents] == [("late-payment", "nudge", "INV-1")]
    assert "30 days overdue" in incidents[0].note
    # A re-armed ladder reaching final again does not log a second one.
    say("/invoice due INV-1 2026-11-01")
    await sweep(utc(2026, 12, 1, 9))
    assert len(store.incidents.for_client(OWNER, client.id)) == 1


async def test_catch_up_after_downtime_sends_only_the_highest_stage_once(books, sweep, notifier):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-10-01")
    await sweep(utc(2026, 11, 5, 9))  # 35 days overdue, the bot was down for a month
    await sweep(utc(2026, 11, 5, 12))
    await sweep(utc(2026, 11, 6, 9))
    assert len(notifier.sent) == 1
    assert "time for a final notice" in notifier.texts[0]
    assert "friendly" not in notifier.texts[0] and "firm reminder" not in notifier.texts[0]
    await sweep(utc(2026, 11, 30, 9))
    assert len(notifier.sent) == 2 and "stop-work" in notifier.texts[1]


async def test_catch_up_never_at_night(books, sweep, notifier):
    books.user("Europe/Amsterdam", 9)
    books.client()
    books.invoice("INV-1", "2026-11-10")
    await sweep(utc(2026, 11, 25, 22, 30))  # 23:30 local: wait for the morning
    assert notifier.sent == []
    await sweep(utc(2026, 11, 26, 3))  # 04:00 local
    assert notifier.sent == []
    await sweep(utc(2026, 11, 26, 8))
    assert len(notifier.sent) == 1 and "firm reminder" in notifier.texts[0]


async def test_new_york_send_hour_across_the_dst_change(books, sweep, notifier):
    books.user("America/New_York", 9)
    books.client()
    books.invoice("INV-1", "2026-10-25")  # friendly on Sunday 1 Nov, the day clocks go back
    await sweep(utc(2026, 11, 1, 13, 30))  # 08:30 EST (09:30 by the summer offset): not yet
    assert notifier.sent == []
    await sweep(utc(2026, 11, 1, 14, 0))  # 09:00 EST
    assert len(notifier.sent) == 1


async def test_new_york_send_hour_after_spring_forward(books, sweep, notifier):
    books.user("America/New_York", 9)
    books.client()
    books.invoice("INV-1", "2027-03-07", issued="2027-02-01")  # friendly on 14 Mar 2027, clocks go forward
    await sweep(utc(2027, 3, 14, 12, 59))  # 08:59 EDT
    assert notifier.sent == []
    await sweep(utc(2027, 3, 14, 13, 0))  # 09:00 EDT (a fixed winter offset would wait till 14:00)
    assert len(notifier.sent) == 1


async def test_zones_ahead_of_utc_count_their_own_day(books, sweep, notifier, say):
    books.user("Pacific/Auckland", 9, user="U1")
    books.client("Acme", user="U1")
    books.invoice("INV-1", "2026-11-18", user="U1")
    books.user("Asia/Ho_Chi_Minh", 9, user="U2")
    books.client("Beta", user="U2")
    books.invoice("INV-2", "2026-11-18", client="Beta", user="U2")
    # 20:00 UTC on the 24th: already 09:00 on the 25th (7 days overdue) in Auckland,
    # 03:00 on the 25th in Ho Chi Minh City: the right day but the night.
    await sweep(utc(2026, 11, 24, 20, 0))
    assert [r.user for r, _ in notifier.sent] == ["U1"]
    await sweep(utc(2026, 11, 25, 1, 59))
    assert len(notifier.sent) == 1
    await sweep(utc(2026, 11, 25, 2, 0))  # 09:00 in Ho Chi Minh City
    assert [r.user for r, _ in notifier.sent] == ["U1", "U2"]


async def test_several_invoices_of_one_client_make_one_dm(books, sweep, notifier):
    books.user("UTC", 9)
    books.client("Acme")
    books.client("Beta")
    books.invoice("A-1", "2026-11-18")
    books.invoice("A-2", "2026-11-10", amount="300")
    books.invoice("B-1", "2026-11-18", client="Beta", currency="USD", amount="50")
    await sweep(utc(2026, 11, 25, 9))
    assert len(notifier.sent) == 2
    acme = next(t for t in notifier.texts if "Acme" in t)
    assert "2 overdue invoices from Acme" in acme
    assert "A-1" in acme and "A-2" in acme and "friendly reminder" in acme and "firm reminder" in acme
    assert "[Mark A-1 paid]" in acme and "[Mark A-2 paid]" in acme
    beta = next(t for t in notifier.texts if "Beta" in t)
    assert "$50.00" in beta


async def test_at_most_one_dm_per_client_per_day(books, sweep, notifier):
    books.user("UTC", 9)
    books.client()
    books.invoice("A-1", "2026-11-18")
    await sweep(utc(2026, 11, 25, 9))
    books.invoice("A-2", "2026-11-17")  # added later that day, already 8 days overdue
    await sweep(utc(2026, 11, 25, 15))
    assert len(notifier.sent) == 1
    await sweep(utc(2026, 11, 26, 9))
    assert len(notifier.sent) == 2 and "A-2" in notifier.texts[1] and "A-1" not in notifier.texts[1]


async def test_snoozed_invoice_waits_then_resumes(books, sweep, notifier, say):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")
    say("/invoice snooze INV-1 5")  # until 30 Nov (today is 25 Nov on the clock)
    await sweep(utc(2026, 11, 25, 9))
    await sweep(utc(2026, 11, 29, 9))
    assert notifier.sent == []
    await sweep(utc(2026, 11, 30, 9))
    assert len(notifier.sent) == 1 and "friendly reminder" in notifier.texts[0]


async def test_paused_client_is_skipped_until_resumed(books, sweep, notifier, say, clock):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")
    say("/client pause Acme")
    await sweep(utc(2026, 11, 25, 9))
    await sweep(utc(2026, 11, 28, 9))
    assert notifier.sent == []
    say("/client resume Acme")
    await sweep(utc(2026, 11, 29, 9))
    assert len(notifier.sent) == 1


async def test_pause_with_a_resume_date(books, sweep, notifier, say):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")
    say("/client pause Acme until=2026-12-03")
    await sweep(utc(2026, 11, 25, 9))
    await sweep(utc(2026, 12, 2, 9))
    assert notifier.sent == []
    await sweep(utc(2026, 12, 3, 9))
    assert len(notifier.sent) == 1 and "firm reminder" in notifier.texts[0]


async def test_paid_and_written_off_invoices_are_not_nudged(books, sweep, notifier, say):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")
    books.invoice("INV-2", "2026-11-18")
    say("/invoice paid INV-1")
    say("/invoice writeoff INV-2")
    await sweep(utc(2026, 11, 25, 9))
    assert notifier.sent == []


async def test_partial_payment_keeps_the_stage_and_nudges_the_balance(books, sweep, notifier, say, store):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-11")
    await sweep(utc(2026, 11, 18, 9))  # friendly
    say("/invoice paid INV-1 400")
    await sweep(utc(2026, 11, 20, 9))
    assert len(notifier.sent) == 1  # a partial payment does not restart or repeat the ladder
    await sweep(utc(2026, 11, 25, 9))  # firm, for what is left
    text = notifier.texts[-1]
    assert "firm reminder" in text and "still open: €800.00" in text
    assert "€800.00 (the rest of €1,200.00, after your partial payment)" in text


async def test_new_due_date_rearms_the_ladder(books, sweep, notifier, say):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-11")
    await sweep(utc(2026, 11, 25, 9))
    assert "firm reminder" in notifier.texts[0]
    say("/invoice due INV-1 2026-12-01")
    await sweep(utc(2026, 12, 7, 9))
    assert len(notifier.sent) == 1
    await sweep(utc(2026, 12, 8, 9))
    assert len(notifier.sent) == 2 and "friendly reminder" in notifier.texts[1]


async def test_workspace_offsets_override_the_defaults(books, sweep, notifier, store):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-20")
    store.workspaces.set_offsets("W1", {"friendly": 3, "firm": 10, "final": 20, "escalate": 40})
    await sweep(utc(2026, 11, 23, 9))
    assert len(notifier.sent) == 1 and "friendly reminder" in notifier.texts[0]
    await sweep(utc(2026, 11, 30, 9))
    assert "firm reminder" in notifier.texts[1]
    store.workspaces.set_offsets("W1", None)
    assert store.workspaces.offsets("W1") is None


async def test_each_user_sees_only_their_own(books, sweep, notifier):
    books.user("UTC", 9, user="U1")
    books.user("UTC", 9, user="U2")
    books.client("Acme", user="U1")
    books.client("Acme", user="U2")
    books.invoice("X-1", "2026-11-18", user="U1")
    await sweep(utc(2026, 11, 25, 9))
    assert [r.user for r, _ in notifier.sent] == ["U1"]


async def test_history_line_sums_up_how_the_client_pays(books, sweep, notifier, say):
    books.user("UTC", 9)
    books.client()
    books.invoice("OLD-1", "2026-09-01")
    books.invoice("OLD-2", "2026-10-01")
    books.invoice("OLD-3", "2026-10-15")
    say("/invoice paid OLD-1 on=2026-09-11")  # 10 days late
    say("/invoice paid OLD-2 on=2026-10-21")  # 20 days late
    say("/invoice paid OLD-3 on=2026-10-10")  # early
    books.invoice("INV-1", "2026-11-18")
    await sweep(utc(2026, 11, 25, 9))
    assert "History: paid 2 of 3 invoices late, on average 15 days late. 1 invoice overdue now." in notifier.texts[0]


async def test_a_long_list_keeps_buttons_within_platform_limits(books, sweep, notifier):
    books.user("UTC", 9)
    books.client()
    for n in range(8):
        books.invoice(f"INV-{n}", f"2026-11-{10 + n:02d}")
    books.invoice("OLD", "2026-10-01")  # final: listed first
    await sweep(utc(2026, 11, 25, 9))
    (_, replies), = notifier.sent
    reply = replies[0]
    assert reply.title == "9 overdue invoices from Acme"
    assert len(reply.choices) <= 25 and len(reply.choices) == 6 * 3 + 1
    assert reply.choices[0].id.startswith("nudge:paid:") and "OLD" in reply.choices[0].label
    assert reply.choices[-1].label == "Should I fire them?"
    assert "Buttons are shown for the 6 most urgent invoices" in reply.plain()
    assert all(f"INV-{n}" in reply.text for n in range(8))
