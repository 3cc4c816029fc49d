"""`/client list sort=…`, paused clients in `/invoice list`, and "client since" from the records, in the user's zone."""
from __future__ import annotations

from datetime import datetime, timezone

from test_console_daily import run
from redflag_testkit import text_of

BOOKS = (
    "/client add Acme currency=USD\n/client add Beta currency=USD\n/client add Zed currency=USD\n"
    "/invoice add Beta 500 issued=2026-01-01 due=2026-02-01 ref=B1\n"
    "/invoice add Acme 100 issued=2026-03-01 due=2026-04-01 ref=A1\n"
    "/incident Zed abuse shouted at me\n/incident Zed haggling wanted half off\n"
)


def names_in(block: str) -> list[str]:
    return [line.split(" ", 2)[1] for line in block.splitlines() if line.startswith("• ")]


def test_client_list_sorts_by_owed_trouble_late_or_name(tmp_path) -> None:
    out = run(tmp_path, BOOKS + "".join(f"/client list sort={s}\n" for s in ("owed", "trouble", "late", "name")) + "/client list sort=size\n")
    blocks = out.split("Your clients (3)")[1:]
    assert [names_in(b.split("Trouble:", 1)[0]) for b in blocks] == [
        ["Beta", "Acme", "Zed"],  # owed: $500, $100, nothing
        ["Zed", "Acme", "Beta"],  # trouble: abuse and haggling outweigh lateness; ties by name
        ["Beta", "Acme", "Zed"],  # late: 304 days, 245 days, no invoices
        ["Acme", "Beta", "Zed"],
    ]
    assert "I can sort the list by owed, trouble, late, name, not by “size”." in out
    assert "How to write it: /client list [sort=owed|trouble|late|name]" in out


def test_invoice_list_marks_a_paused_clients_invoices(tmp_path) -> None:
    out = run(tmp_path, BOOKS + "/client pause Beta\n/invoice list\n")
    assert out.split("• B1 — Beta", 1)[1].splitlines()[0].endswith("days overdue (reminders paused)")
    assert "(reminders paused)" not in out.split("• A1", 1)[1].splitlines()[0]


def test_client_since_is_the_earliest_record_in_the_users_zone(say, click, clock) -> None:
    # 16:00 UTC is already 01:00 the next day in Tokyo
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=timezone.utc))
    tokyo = {"timezone_name": "Asia/Tokyo"}
    say("/client add Acme", **tokyo)
    show = text_of(say("/client show Acme", **tokyo))
    fire = text_of(say("/fire Acme", **tokyo))
    assert "Client since: Nov 26, 2026" in show
    assert "Acme became a client today." in fire  # the same day as /client show, not "1 day"
    # an invoice from months before moves "client since" back, in both
    say("/invoice add Acme 100 issued=2026-05-04 due=2026-06-03 ref=OLD", **tokyo)
    show = text_of(say("/client show Acme", **tokyo))
    assert "Client since: May 4, 2026" in show
    offer = say("/fire Acme", **tokyo)
    resume = next(c for c in offer[0].choices if c.id.endswith(":resume"))
    assert "since May 4, 2026" in text_of(click(resume.id))
