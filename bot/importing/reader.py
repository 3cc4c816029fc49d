"""From uploaded bytes to rows of cells: the file's encoding and separator, read not guessed blindly.

Exports come as UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode
text"), or Windows-1252 (older Dutch and Turkish tools); separated by commas
or, in locales whose decimal mark is a comma, semicolons. Quoted fields may
hold newlines. Anything else gets a `ReadError` naming what is wrong.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

#: Bigger than any invoice export a freelancer has (10 000 invoices are ~2 MB).
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
_SEPARATORS = (",", ";", "\t", "|")
#: How spreadsheets (xlsx is a zip, xls an OLE file), PDFs and images begin.
_BINARY = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


class ReadError(Exception):
    """Why a file cannot be read at all: `key` is a catalog id, `values` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Table:
    """A CSV file as read: its header, rows with line numbers, separator and encoding."""
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line number in the file, cells)
    separator: str
    encoding: str


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Refuses binary files (a spreadsheet, a PDF, an image)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "UTF-16"
    if data.startswith(_BINARY):
        raise ReadError("import.error.not_csv")
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        return _strict(data, "utf-16-le" if odd > even else "utf-16-be"), "UTF-16"
    if b"\x00" in sample:
        raise ReadError("import.error.not_csv")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ReadError("import.error.encoding") from None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ReadError("import.error.encoding") from None


def separator_of(first_line: str) -> str:
    """The separator used most outside quotes in the header line."""
    counts = {sep: 0 for sep in _SEPARATORS}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_table(data: bytes) -> Table:
    if len(data) > MAX_BYTES:
        raise ReadError("import.error.too_big", size=round(len(data) / 1024 / 1024), limit=MAX_BYTES // 1024 // 1024)
    if not data.strip():
        raise ReadError("import.error.empty")
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    if any(ch in text[:4000] for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10"):
        raise ReadError("import.error.not_csv")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    sep = separator_of(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=False)
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = tuple(c.strip().strip('"').strip() for c in cells)
                continue
            rows.append((line, tuple(c.strip() for c in cells)))
            if len(rows) > MAX_ROWS:
                raise ReadError("import.error.too_many_rows", limit=MAX_ROWS)
    except csv.Error:
        raise ReadError("import.error.not_csv") from None
    if header is None:
        raise ReadError("import.error.empty")
    if len(header) < 2:
        raise ReadError("import.error.one_column")
    if not rows:
        raise ReadError("import.error.no_rows")
    return Table(header, tuple(rows), sep, encoding)
