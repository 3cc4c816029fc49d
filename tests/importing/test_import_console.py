"""`/invoice import <path>` in the console: the file is read there, with a progress bar, then numbered choices."""
from __future__ import annotations

import io
import re
from pathlib import Path

from adapters.console.repl import Console
from redflag_testkit import address
from storage.records import Owner

ME = Owner("W1", "U1")


def console(core, text: str, interactive: bool = False) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    c = Console(core, stdin=io.StringIO(text), stdout=out, interactive=interactive, address=address())
    return c, out


def test_console_imports_a_path_with_progress_and_a_numbered_confirmation(core, store, tmp_path: Path) -> None:
    rows = "\n".join(f"Client {i % 40},C-{i},{i}.50,EUR,2026-10-01,2026-10-31" for i in range(1, 1201))
    path = tmp_path / "invoices.csv"
    path.write_text("Client,Invoice Number,Amount,Currency,Invoice Date,Due Date\n" + rows + "\n", encoding="utf-8")
    c, out = console(core, "", interactive=True)
    c.handle_line(f"/invoice import {path}")
    shown = out.getvalue()
    assert "Reading [" in shown and "100%" in shown  # the progress bar
    assert re.search(r"New invoices\s+1200", shown) and "1) Import 1200 invoices" in shown
    assert store.invoices.list(ME) == []
    c.handle_line("1")
    assert "Importing [" in out.getvalue() and "1200 new invoices" in out.getvalue()
    assert len(store.invoices.list(ME)) == 1200


def test_console_says_when_the_path_is_wrong(core, tmp_path: Path) -> None:
    c, out = console(core, "")
    c.handle_line(f"/invoice import {tmp_path / 'nope.csv'}")
    assert "There is no file at" in out.getvalue()


def test_console_confirms_an_incident_deletion_by_number(core, store) -> None:
    c, out = console(core, "")
    c.handle_line('/client add "Acme Corp"')
    c.handle_line('/incident "Acme Corp" haggling Wants a discount')
    c.handle_line("/incident delete #1")
    assert "1) Delete #1" in out.getvalue() and "2) Keep it" in out.getvalue()
    c.handle_line("1")
    assert store.incidents.by_number(ME, 1) is None


def test_console_corrections_and_the_exported_history(core, store, tmp_path: Path) -> None:
    c, out = console(core, "")
    c.export_dir = tmp_path
    for line in ('/client add "Acme"', '/client add "Acme BV"',
                 '/invoice add "Acme BV" 500 EUR issued=2026-10-01 due=2026-11-01 ref=C-1',
                 '/invoice edit C-1 amount=650 due=2026-12-01', '/client rename "Acme" "Acme Corp"',
                 '/client set "Acme Corp" late_fee=50 currency=EUR', '/client merge "Acme BV" "Acme Corp"'):
        c.handle_line(line)
    c.handle_line("1")  # the merge's numbered confirmation
    c.handle_line('/invoice delete C-1')
    c.handle_line("1")
    c.handle_line('/client export "Acme Corp"')
    md = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "Invoice C-1 corrected" in md and "€500.00 → €650.00" in md
    assert "Invoice C-1 deleted" in md and "Acme BV merged into this client" in md
    assert "Renamed from Acme to Acme Corp" in md and "Client settings changed" in md
