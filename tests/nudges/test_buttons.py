"""The buttons on a reminder, clicked as a user would (also days later, after changes)."""
from __future__ import annotations

import pytest

from bot.nudges.render import button_id, parse_button
from storage.records import Owner
from tests.nudges.conftest import utc

OWNER = Owner("W1", "U1")
AT = utc(2026, 11, 25, 9)


@pytest.fixture
async def nudged(books, sweep, notifier, store):
    """One friendly reminder for INV-1 delivered; returns its buttons by label."""
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")
    await sweep(AT)
    (_, replies), = notifier.sent
    return {c.label: c.id for c in replies[0].choices}


def test_button_ids_are_self_describing():
    assert button_id("paid", 12, "final") == "nudge:paid:12:final"
    assert parse_button("nudge:paid:12:final") == ("paid", 12, "final")
    for bad in ("nudge:paid:12", "nudge:dance:12:final", "nudge:paid:x:final", "nudge:paid:12:loud", "dlg:1:2:3"):
        assert parse_button(bad) is None


async def test_every_nudge_has_the_three_buttons_and_fire_only_from_final(nudged, sweep, notifier):
    assert nudged == {
        "Mark paid": "nudge:paid:1:friendly",
        "Snooze 7 days": "nudge:snooze:1:friendly",
        "Show text for the client": "nudge:text:1:friendly",
    }
    await sweep(utc(2026, 12, 18, 9))
    labels = [c.label for c in notifier.sent[-1][1][0].choices]
    assert "Should I fire them?" in labels


async def test_mark_paid_then_again(nudged, click, store, sweep, notifier):
    first = click(nudged["Mark paid"], request_id="r1")[0]
    assert not first.is_error and "paid in full" in first.text and "€1,200.00" in first.text
    retry = click(nudged["Mark paid"], request_id="r1")[0]  # the platform retried the same click
    assert not retry.is_error
    second = click(nudged["Mark paid"], request_id="r2")[0]  # a second, separate click
    assert second.is_error and "already paid" in second.text
    assert len(store.invoices.payments(OWNER, 1)) == 1
    await sweep(utc(2026, 12, 2, 9))
    assert len(notifier.sent) == 1  # no more reminders


async def test_mark_paid_after_a_partial_payment_settles_the_rest(nudged, click, say, store):
    say("/invoice paid INV-1 200")
    reply = click(nudged["Mark paid"])[0]
    assert "€1,000.00" in reply.text
    assert store.invoices.get(OWNER, 1).status == "paid"


async def test_snooze_button(nudged, click, sweep, notifier, store):
    reply = click(nudged["Snooze 7 days"])[0]
    assert not reply.is_error and "snoozed until Dec 2, 2026" in reply.text
    assert store.invoices.get(OWNER, 1).snoozed_until.isoformat() == "2026-12-02"
    await sweep(utc(2026, 12, 1, 9))  # still snoozed
    await sweep(utc(2026, 12, 2, 9))  # snooze over and 14 days overdue: the firm reminder
    assert len(notifier.sent) == 2 and "firm reminder" in notifier.texts[1]


async def test_snoozing_a_paid_invoice_changes_nothing(nudged, click, say, store):
    say("/invoice paid INV-1")
    reply = click(nudged["Snooze 7 days"])[0]
    assert reply.is_error and "already paid" in reply.text
    assert store.invoices.get(OWNER, 1).snoozed_until is None


async def test_show_text_for_the_client(nudged, click):
    reply = click(nudged["Show text for the client"])[0]
    assert reply.title == "Text for Acme (INV-1), ready to copy:"
    assert reply.text.startswith("Dear Acme team,") and "INV-1" in reply.text and "€1,200.00" in reply.text


async def test_show_text_after_payment_or_changes(nudged, click, say, clock):
    say("/invoice paid INV-1 500")
    partial = click(nudged["Show text for the client"])[0]
    assert "€700.00" in partial.text and "partial payment came in" in partial.context
    say("/invoice due INV-1 2026-12-20")
    moved = click(nudged["Show text for the client"])[0]
    assert "changed since this reminder" in moved.text and "not overdue yet" in moved.text
    say("/invoice paid INV-1")
    paid = click(nudged["Show text for the client"])[0]
    assert "was paid on" in paid.text and "nothing to send" in paid.text


async def test_show_text_when_the_due_date_moved_but_still_overdue(nudged, click, say):
    say("/invoice due INV-1 2026-11-01")  # now 24 days overdue: the firm stage fits
    reply = click(nudged["Show text for the client"])[0]
    assert "changed since this reminder" in reply.context and "firm reminder" in reply.context
    assert "terms of 30 days" in reply.text


async def test_written_off_invoice(nudged, click, say):
    say("/invoice writeoff INV-1")
    assert "written off" in click(nudged["Show text for the client"])[0].text
    assert click(nudged["Mark paid"])[0].is_error
    assert click(nudged["Snooze 7 days"])[0].is_error


async def test_fire_button_opens_the_dialogue(books, sweep, notifier, click):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-10-20")
    await sweep(AT)  # 36 days overdue: final
    fire = next(c for c in notifier.sent[0][1][0].choices if c.label == "Should I fire them?")
    assert fire.id == "nudge:fire:1:final"
    replies = click(fire.id)
    assert replies and not replies[0].is_error and "Acme" in replies[0].plain()


def test_bad_and_foreign_buttons(books, click):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")
    assert "older version" in click("nudge:paid:1")[0].text
    assert "no longer on file" in click("nudge:paid:99:friendly")[0].text
    # Another user's click on U1's invoice id finds nothing of theirs.
    assert "no longer on file" in click("nudge:paid:1:friendly", user="U2")[0].text
