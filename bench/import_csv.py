"""`/invoice import` of 10 000 rows: reading and previewing, then writing, through `Core.handle`.

A generated export in the e-Boekhouden layout (semicolons, Dutch decimals,
day-month-year dates, Windows-1252) with 10 000 invoices for 400 clients,
a third of them partly paid, is sent as an `Upload`; the clock covers the
preview (decode, parse, compare with what is on file) and the confirmed
write (one transaction), then a re-import of the same file (all unchanged).
The reference is Python's own `csv` module reading the same bytes.

Goal: the whole import (preview + write) under 10 s.
"""
from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench._common import Result, emit, quick_flag


def export(rows: int) -> bytes:
    lines = ["Relatiecode;Relatie;Factuurnummer;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Soort"]
    for i in range(1, rows + 1):
        amount = 100 + (i * 37) % 9000
        open_ = amount if i % 3 else amount // 2
        month = 1 + i % 11
        lines.append(f"R{i % 400:04d};Klant {i % 400} B.V.;F{i:06d};{1 + i % 27:02d}-{month:02d}-2026;"
                     f"{1 + i % 27:02d}-{month + 1:02d}-2026;{amount:,}.{i % 100:02d};{open_:,}.{i % 100:02d};Factuur"
                     .replace(",", "X").replace(".", ",").replace("X", "."))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run(quick: bool = False) -> list[Result]:
    from bot.core import Core
    from bot.events import Action, Address, Upload
    from storage.store import Store

    rows = 2_000 if quick else 10_000
    data = export(rows)
    address = Address("console", "local", "bench", "console", "nl-NL", "Europe/Amsterdam")
    with tempfile.TemporaryDirectory(prefix="redflag-bench-") as tmp:
        core = Core(Store(Path(tmp) / "import.db"), lambda: datetime(2026, 12, 15, 10, tzinfo=timezone.utc))
        t0 = time.perf_counter()
        [preview] = core.handle(Upload(address, "export.csv", data, request_id="bench-1"))
        t1 = time.perf_counter()
        go = next(c.id for c in preview.choices if c.id.startswith("imp:go:"))
        done = core.handle(Action(address, go, request_id="bench-2"))
        t2 = time.perf_counter()
        [again] = core.handle(Upload(address, "export.csv", data, request_id="bench-3"))
        t3 = time.perf_counter()
        stored = core.store.invoices.count_for_owner(core.context(address).owner)
        core.store.close()
    c0 = time.perf_counter()
    parsed = sum(1 for _ in csv.reader(io.StringIO(data.decode("cp1252")), delimiter=";"))
    c1 = time.perf_counter()
    assert stored == rows and parsed == rows + 1, (stored, parsed, done)
    total = t2 - t0
    return [
        Result("import", f"{rows:,} rows: preview + write", total, "s", baseline=c1 - c0, goal="< 10 s", ok=total < 10,
               note=f"preview {t1 - t0:.2f} s, write {t2 - t1:.2f} s, re-import preview (all unchanged) {t3 - t2:.2f} s; "
                    f"reference: csv.reader over the same bytes"),
    ]


if __name__ == "__main__":
    emit(run(quick_flag(sys.argv)))
