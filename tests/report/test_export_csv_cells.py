"""The CSV writer on its own: any text survives the round trip, and no cell can run as a formula."""
from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from bot.export import CSV_COLUMNS, csv_bytes, csv_cell, read_cell

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# Any Unicode text (no lone surrogates: they cannot be UTF-8), biased towards the characters that matter here.
texts = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(alphabet=st.sampled_from(list("=+-@'\t\r\n\",;| aé🚩\u202e\x00")), max_size=20),
)


def _parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@given(st.lists(st.lists(texts, min_size=3, max_size=3), max_size=8))
def test_any_text_round_trips_and_is_neutralised(rows: list[list[str]]) -> None:
    header = ("a", "b", "c")
    parsed = _parse(csv_bytes(rows, header))
    assert parsed[0] == list(header)
    assert len(parsed) == len(rows) + 1
    for written, read in zip(rows, parsed[1:]):
        assert [read_cell(cell) for cell in read] == written
        for cell in read:
            assert not cell.startswith(DANGEROUS)


def test_known_attacks_are_prefixed() -> None:
    for attack in ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "'=already quoted"]:
        assert csv_cell(attack) == "'" + attack
        assert read_cell(csv_cell(attack)) == attack
    for harmless in ["plain", "1200.50", "2026-11-25T10:00:00+07:00", " =with a space first", "€=", ""]:
        assert csv_cell(harmless) == harmless


def test_header_and_encoding() -> None:
    data = csv_bytes([["ö", "🚩", "Đà Nẵng"]], ("x", "y", "z"))
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8: the first column name stays "x" for every reader
    assert data.decode("utf-8") == "x,y,z\r\nö,🚩,Đà Nẵng\r\n"
    assert CSV_COLUMNS[:3] == ("timestamp", "timestamp_utc", "date_only")  # scripts key on these names
    assert len(set(CSV_COLUMNS)) == len(CSV_COLUMNS)
