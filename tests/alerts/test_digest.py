"""The weekly digest: contents in several currencies, its day, off, downtime, and the preview."""
from __future__ import annotations

from bot.nudges.cli import preview
from storage.records import Owner
from tests.nudges.conftest import RecordingNotifier, utc

OWNER = Owner("W1", "U1")


def digests(notifier) -> list[str]:
    return [t for t in notifier.texts if "Your week" in t]


def week_of_books(books, say, clock) -> None:
    clock.set(utc(2026, 11, 16, 10))  # a Monday
    books.user("UTC", 9, digest="monday")
    books.client("Acme")
    say('/client add "Globex" currency=USD')
    books.invoice("INV-1", "2026-11-20", amount="1200", issued="2026-10-21")
    books.invoice("INV-2", "2026-11-25", amount="500", currency="USD", client="Globex", issued="2026-10-26")
    books.invoice("INV-3", "2026-11-18", amount="300", issued="2026-10-19")
    books.invoice("INV-4", "2026-12-20", amount="80", currency="USD", client="Globex", issued="2026-11-16")
    clock.set(utc(2026, 11, 19, 10))
    say("/invoice paid INV-3")


async def test_digest_with_several_currencies_once_on_monday(books, say, clock, notifier, sweep):
    week_of_books(books, say, clock)
    await sweep(utc(2026, 11, 22, 9, 1))  # Sunday: nothing
    assert digests(notifier) == []
    await sweep(utc(2026, 11, 23, 8, 59))  # Monday before the send hour
    assert digests(notifier) == []
    await sweep(utc(2026, 11, 23, 9, 1))
    await sweep(utc(2026, 11, 23, 9, 4))
    [text] = digests(notifier)
    assert "Owed to you: €1,200.00 + $580.00" in text
    assert "Went overdue this week: 1 invoice (INV-1), €1,200.00" in text
    assert "Due next week: 1 invoice (INV-2), $500.00" in text
    assert "Received: 1 payment, €300.00" in text
    assert "Reminders sent: 0." in text
    [(_, replies)] = [s for s in notifier.sent if "Your week" in s[1][0].title]
    assert [c.label for c in replies[0].choices] == ["Overdue invoices", "All invoices", "Clients"]
    assert len(text.splitlines()) <= 12  # one screen


async def test_digest_buttons_open_the_lists(books, say, click, clock, notifier, sweep):
    week_of_books(books, say, clock)
    await sweep(utc(2026, 11, 23, 9, 1))
    [(_, replies)] = [s for s in notifier.sent if "Your week" in s[1][0].title]
    ids = {c.label: c.id for c in replies[0].choices}
    overdue = "\n".join(r.plain() for r in click(ids["Overdue invoices"]))
    assert "INV-1" in overdue and "INV-4" not in overdue
    assert "Globex" in "\n".join(r.plain() for r in click(ids["Clients"]))


async def test_digest_names_an_open_pattern_and_rising_trouble(books, say, clock, notifier, sweep):
    week_of_books(books, say, clock)
    for i in range(3):
        say(f'/incident "Acme" scope-creep round {i}')
        clock.advance(minutes=1)
    await sweep(utc(2026, 11, 23, 9, 1))
    [text] = digests(notifier)
    assert "Trouble score went up: Acme" in text
    assert "Tip for Acme: Put a number of revisions in the contract" in text


async def test_digest_off_and_another_day_in_the_users_language(books, say, clock, notifier, sweep):
    week_of_books(books, say, clock)
    assert not say("/redflag settings digest=off")[0].is_error
    await sweep(utc(2026, 11, 23, 9, 1))
    assert digests(notifier) == []
    bad = say("/redflag settings digest=someday")[0]
    assert bad.is_error and "day of the week" in bad.plain()
    shown = say("/redflag settings lang=nl digest=vrijdag")[0].plain()
    assert "Weekoverzicht: vrijdag" in shown
    await sweep(utc(2026, 11, 26, 9, 1))  # Thursday: the missed Friday 20th is skipped, the 27th is a day away
    assert digests(notifier) == [] and not [s for s in notifier.sent if s[1][0].title.startswith("Je week")]
    await sweep(utc(2026, 11, 27, 9, 1))  # Friday
    [digest] = [r[0] for _, r in notifier.sent if r[0].title.startswith("Je week")]  # beside Friday's reminder
    assert "Nog te ontvangen:" in digest.plain() and "1.200,00" in digest.plain() and "580,00" in digest.plain()


async def test_after_a_week_of_downtime_only_the_latest_digest(books, say, clock, store, notifier, sweep):
    clock.set(utc(2026, 11, 2, 10))
    books.user("UTC", 9, digest="monday")
    books.client("Acme")
    books.invoice("INV-1", "2026-12-20", issued="2026-11-20")
    # a sweep that cannot reach the user leaves the 9 November digest pending
    elsewhere = RecordingNotifier(platform="slack")
    await sweep(utc(2026, 11, 9, 9, 1), notifiers={"slack": elsewhere})
    assert [a.key for a in store.alerts.for_owner(OWNER, "digest")] == ["digest:2026-11-09"]
    await sweep(utc(2026, 11, 26, 12))  # back after more than two weeks down
    await sweep(utc(2026, 11, 26, 12, 3))
    assert len(digests(notifier)) == 1
    rows = {a.key: a.status for a in store.alerts.for_owner(OWNER, "digest")}
    assert rows == {"digest:2026-11-09": "cancelled", "digest:2026-11-23": "delivered"}


def test_preview_shows_the_next_digest(books, say, clock, store):
    week_of_books(books, say, clock)
    out = preview(store, at=utc(2026, 11, 20, 12))
    assert "Next weekly digest:" in out and "2026-11-23T09:00" in out
    assert "Owed to you:" in out and "Your week" in out


async def test_a_sweep_as_of_a_later_moment_delivers_the_digest_on_the_real_clock(books, say, clock, store, notifier):
    """`redflag nudges run --at <later> --yes`: `at` decides what is due, the real clock the first attempt."""
    from bot.core import Core
    from bot.nudges.sweep import run_sweep

    week_of_books(books, say, clock)
    real = utc(2026, 11, 19, 11)  # the real clock is days before the sweep's "as of"
    await run_sweep(store, {"console": notifier}, utc(2026, 11, 23, 9, 1), Core(store, lambda: real), clock=lambda: real)
    assert len(digests(notifier)) == 1


async def test_the_console_prints_the_digest_when_due(books, say, clock, store):
    """`redflag nudges run` prints a console user's DMs: the digest among them, without *bold* markers, once."""
    import io

    from bot.nudges.cli import run_once

    week_of_books(books, say, clock)
    out = io.StringIO()
    report = await run_once(store, None, utc(2026, 11, 23, 9, 1), stream=out)
    printed = out.getvalue()
    assert printed.count("Your week — Nov 23, 2026") == 1 and "Owed to you: €1,200.00 + $580.00" in printed
    assert "alert #" in report  # the operator's report names it
    again = io.StringIO()
    await run_once(store, None, utc(2026, 11, 23, 9, 4), stream=again)
    assert "Your week" not in again.getvalue()
