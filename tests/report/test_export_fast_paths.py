"""The export's one-pass shortcuts (issue 20) give exactly what the plain definitions give."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import timeline
from bot.export import _events_csv, csv_bytes, event_row, md_quote, md_text
from bot.timeline import TimelineEvent

AT = datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)  # the night Amsterdam moves its clocks
TRICKY = ["=SUM(A1)", "+31 6", "-5", "@here", "'quoted", "plain, with a comma", 'say "hi"', "two\nlines", "",
          "a\rreturn", "crlf\r\nline", '"', ",", " spaced ", "\ttab", "Công ty Ánh Dương ✓", '=HYPERLINK("x","y"), ok']
#: Client names the CSV writes on every row: quoted, neutralised, or both.
NAMES = ("Acme", "=Evil()", 'Smith, "Jones" & Co', "two\nlines", "-minus, and comma")


def _events() -> list[TimelineEvent]:
    out = []
    for n, text in enumerate(TRICKY):
        at = AT + timedelta(minutes=37 * n)
        out.append(TimelineEvent(at=at, type="incident", summary=text or "s", detail=text, ref=text or None,
                                 entity=f"incident:{n}", logged_at=at if n % 2 else at + timedelta(hours=n)))
        out.append(TimelineEvent(at=at, type="invoice", summary=f"inv {text}", ref=text or None,
                                 amount_minor=-1250 if n % 3 == 0 else 120050, currency=("EUR" if n % 4 else "JPY"),
                                 date_only=True))
    out.append(TimelineEvent(at=AT.astimezone(ZoneInfo("Asia/Tokyo")), type="payment", summary="paid",
                             amount_minor=7, currency=None))
    # A time with a fraction of a second (no stored time has one, a live one may): seconds in every cell.
    out.append(TimelineEvent(at=AT.replace(microsecond=250_000), type="nudge", summary="sent",
                             logged_at=AT + timedelta(microseconds=1)))
    return out


@pytest.mark.parametrize("zone", ["UTC", "Europe/Amsterdam", "Asia/Ho_Chi_Minh", "America/St_Johns"])
def test_one_pass_csv_is_byte_for_byte_the_row_by_row_csv(zone: str) -> None:
    tz, events = ZoneInfo(zone), _events()
    for name in NAMES:
        assert _events_csv(events, name, tz) == csv_bytes(event_row(e, name, tz) for e in events)


def test_one_pass_csv_quotes_as_the_csv_module_reads_back() -> None:
    """Read back with `csv.reader`: every cell is the neutralised text, whatever it held."""
    import csv
    import io

    from bot.export import CSV_COLUMNS, csv_cell

    events = _events() + [TimelineEvent(at=AT, type="decision", summary="d", detail=None)]  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(_events_csv(events, NAMES[2], ZoneInfo("UTC")).decode("utf-8"), newline="")))
    assert rows[0] == list(CSV_COLUMNS) and len(rows) == len(events) + 1
    for event, row in zip(events, rows[1:]):
        assert row[3] == csv_cell(NAMES[2])
        assert row[5] == csv_cell(event.summary) and row[6] == csv_cell(event.detail or "")
        assert row[7] == csv_cell(event.ref or "")


def test_a_made_event_is_the_dataclass_with_the_same_fields() -> None:
    for event in _events():
        fields = {f.name: getattr(event, f.name) for f in dataclasses.fields(TimelineEvent)}
        made = timeline._made(**fields)
        assert made == event and hash(made) == hash(event) and repr(made) == repr(event)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.summary = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["plain", "<@U1> & co", "a &amp; b", "x<y", "", "tom & jerry"])
def test_markdown_shortcuts_escape_as_before(text: str) -> None:
    expected = timeline_free_md_text(text)
    assert md_text(text) == expected
    assert md_quote(text) == ([f"> {expected}"] if text else [">"])
    assert md_quote(text + "\n" + text) == [f"> {expected}", f"> {expected}"] if text else [">", ">"]


def timeline_free_md_text(text: str) -> str:
    """The escaping as specified: `<` always, `&` when it starts an entity."""
    import re

    return re.sub(r"<|&(?=#?\w+;)", lambda m: "&lt;" if m.group() == "<" else "&amp;", text)
