"""`/invoice import` through the core: each supported layout, the preview, idempotent re-import, bad input."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from redflag_testkit import text_of
from storage.records import Owner

ME = Owner("W1", "U1")

# Header rows as the cited sources give them (bot/importing/layouts.py).
XERO_HEADER = ("ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,"
               "POPostalCode,POCountry,SAAddressLine1,SAAddressLine2,SAAddressLine3,SAAddressLine4,SACity,SARegion,"
               "SAPostalCode,SACountry,InvoiceNumber,Reference,InvoiceDate,DueDate,PlannedDate,Total,TaxTotal,"
               "InvoiceAmountPaid,InvoiceAmountDue,InventoryItemCode,Description,Quantity,UnitAmount,Discount,LineAmount,"
               "AccountCode,TaxType,TaxAmount,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,Type,Sent,Status")


def xero_row(contact, number, issued, due, total, paid, due_amount, desc, currency="GBP"):
    cells = [contact] + [""] * 17 + [number, "", issued, due, "", total, "0", paid, due_amount, "", desc, "1", total, "", total,
                                     "200", "No VAT", "0", "", "", "", "", currency, "Sales Invoice", "Sent", "Awaiting Payment"]
    return ",".join(cells)


XERO = "\n".join([
    XERO_HEADER,
    xero_row("Acme Ltd", "INV-0001", "15/09/2026", "15/10/2026", "1200.50", "0", "1200.50", "Logo"),
    xero_row("Acme Ltd", "INV-0001", "15/09/2026", "15/10/2026", "1200.50", "0", "1200.50", "Second line of INV-0001"),
    xero_row("Globex", "INV-0002", "01/11/2026", "01/12/2026", "300.00", "100.00", "200.00", "Site"),
]) + "\n"

NINJA = ("Client,Number,Date,Due Date,Amount,Balance,Paid to Date,Status,Currency\n"
         "Initech,0042,2026-10-01,2026-10-31,2500.00,2500.00,0.00,Sent,USD\n"
         "Initech,0043,2026-11-01,2026-12-01,99.95,0.00,99.95,Paid,USD\n")

EBOEK = ("Relatiecode;Relatie;Factuurnummer;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Soort\n"
         "R001;Bakkerij de Vries;F2026-17;01-09-2026;01-10-2026;1.200,50;1.200,50;Factuur\n"
         "R002;Studio Noord;F2026-18;31-10-2026;30-11-2026;450,00;150,00;Factuur\n"
         "R002;Studio Noord;F2026-19;05-11-2026;05-12-2026;-100,00;-100,00;Creditfactuur\n")

MONEYBIRD = ("Contact,ContactID,InvoiceID,InvoiceDate,DueDate,TotalPriceIncl,OutstandingAmount,Type\n"
             "Hooli BV,1001,2026-0007,2026-08-01,2026-08-15,605.00,605.00,invoice\n")


def click_go(click, replies):
    go = next(c for c in replies[0].choices if c.id.startswith("imp:go:"))
    return click(go.id, request_id="go-" + go.id)


def test_xero_lines_are_one_invoice_and_nothing_is_written_before_confirming(send, click, store) -> None:
    preview = send(XERO)
    out = text_of(preview)
    assert "Import preview — Xero" in out
    assert "New invoices: 2" in out and "Unreadable rows: 0" in out
    assert "2 new clients would be added" in out and "Acme Ltd" in out
    assert "£1,500.50" in out  # totals per currency, never converted
    assert store.invoices.list(ME) == [] and store.clients.list(ME) == []
    done = text_of(click_go(click, preview))
    assert "2 new invoices" in done
    inv = store.invoices.by_ref(ME, "INV-0002")
    assert (inv.amount_minor, inv.paid_minor, inv.currency, inv.issued_on, inv.due_on) == (30000, 10000, "GBP", date(2026, 11, 1), date(2026, 12, 1))
    globex = store.clients.by_name(ME, "Globex")
    assert (globex.currency, globex.terms_days) == ("GBP", 30)  # from its first invoice in the file


def test_invoice_ninja_paid_invoice_is_paid(send, click, store) -> None:
    click_go(click, send(NINJA))
    assert store.invoices.by_ref(ME, "0043").status == "paid"
    open_one = store.invoices.by_ref(ME, "0042")
    assert (open_one.amount_minor, open_one.currency, open_one.status) == (250000, "USD", "open")


def test_eboekhouden_dutch_amounts_dates_and_credit_note(send, click, store) -> None:
    preview = send(EBOEK.encode("cp1252"))
    out = text_of(preview)
    assert "e-Boekhouden.nl" in out and "semicolons" in out and "1.200,50" in out
    assert "F2026-19 is a credit note" in out
    click_go(click, preview)
    a = store.invoices.by_ref(ME, "F2026-17")
    assert (a.amount_minor, a.currency, a.issued_on, a.due_on) == (120050, "EUR", date(2026, 9, 1), date(2026, 10, 1))
    b = store.invoices.by_ref(ME, "F2026-18")
    assert b.paid_minor == 30000 and b.balance_minor == 15000
    assert store.invoices.by_ref(ME, "F2026-19") is None


def test_moneybird_and_the_preview_in_dutch(send, click, store) -> None:
    out = text_of(send(MONEYBIRD, locale="nl-NL"))
    assert "Voorbeeld van de import — Moneybird" in out and "Nieuwe facturen: 1" in out


def test_reimport_updates_by_reference_records_payments_never_duplicates(send, click, store) -> None:
    click_go(click, send(EBOEK))
    again = send(EBOEK)
    assert "Already on file, unchanged: 2" in text_of(again)
    assert not any(c.id.startswith("imp:go") for c in again[0].choices)  # nothing to write
    changed = EBOEK.replace("450,00;150,00", "450,00;0,00").replace("01-10-2026;1.200,50;1.200,50", "15-10-2026;1.250,00;1.250,00")
    preview = send(changed)
    out = text_of(preview)
    assert "Updated: 2" in out and "payment of €150.00 recorded" in out
    done = text_of(click_go(click, preview))
    assert "Imported: 2 updated, 1 payment recorded." in done
    assert len(store.invoices.list(ME)) == 2
    assert store.invoices.by_ref(ME, "F2026-18").status == "paid"
    a = store.invoices.by_ref(ME, "F2026-17")
    assert (a.amount_minor, a.due_on) == (125000, date(2026, 10, 15))
    assert store.history.for_entity(ME, "invoice", a.id)[0].action == "import"
    assert store.invoices.next_check_of(a.id) == date(2026, 10, 15)  # the ladder re-planned


def test_confirming_twice_writes_once(send, click, store) -> None:
    preview = send(MONEYBIRD)
    go = next(c for c in preview[0].choices if c.id.startswith("imp:go:"))
    click(go.id, request_id="a")
    out = text_of(click(go.id, request_id="b"))
    assert "1 new invoice" in out
    assert len(store.invoices.list(ME)) == 1


def test_generic_layout_guesses_columns_and_the_user_can_correct_them(send, click, submit, store) -> None:
    csv = "Klant;Nummer;Datum;Vervaldatum;Totaal;Omschrijving\nVan Dijk;A-1;03-11-2026;03-12-2026;1.000,00;Website\n"
    preview = send(csv)
    out = text_of(preview)
    assert "client ← “Klant”" in out and "amount ← “Totaal”" in out
    form = click(next(c.id for c in preview[0].choices if c.id.startswith("imp:map:")))[0].form
    values = {f.id: f.initial for f in form.fields}
    values["amount"] = "-"
    again = text_of(submit(form.id, values, context=form.context))
    assert "Missing columns: amount" in again
    values["amount"] = "4"
    fixed = submit(form.id, values, context=form.context)
    click_go(click, fixed)
    assert store.invoices.by_ref(ME, "A-1").amount_minor == 100000


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "That file is empty"),
        (b"PK\x03\x04 binary xlsx", "not a CSV file"),
        (b"%PDF-1.4 ...", "not a CSV file"),
        ("Client,Number,Amount\n".encode(), "no invoices under it"),
        ("just one column\nvalue\n".encode(), "only one column"),
        (b"x" * (50 * 1024 * 1024), "is 50 MB"),
    ],
)
def test_bad_files_get_a_clear_answer_and_nothing_is_written(send, store, content, expected) -> None:
    replies = send(content)
    assert replies[0].is_error and expected in text_of(replies)
    assert store.invoices.list(ME) == [] and store.database.one("SELECT count(*) AS n FROM import_batches")["n"] == 0


def test_encodings_bom_utf16_and_quoted_newlines(send, click, store) -> None:
    csv = 'Client,Invoice Number,Amount,Currency,Due Date\n"Café ""Zoë""\nBranch 2",Z-1,10.00,EUR,2026-12-31\n'
    for data in (csv.encode("utf-8-sig"), csv.encode("utf-16"), csv.encode("utf-16-le"), csv.encode("cp1252")):
        out = text_of(send(data))
        assert "New invoices: 1" in out, out
    click_go(click, send(csv.encode("utf-16")))
    assert store.clients.list(ME)[0].name == 'Café "Zoë" Branch 2'


def test_row_problems_are_listed_with_reasons(send, store) -> None:
    csv = ("Client,Invoice Number,Amount,Currency,Invoice Date,Due Date\n"
           "A,1,10.00,EUR,2026-01-01,2026-02-01\n"
           "A,1,12.00,EUR,2026-01-01,2026-02-01\n"
           "B,2,0,EUR,2026-01-01,2026-02-01\n"
           "C,3,10.00,XYZ,2026-01-01,2026-02-01\n"
           "D,4,10.00,EUR,2026-02-30,2026-03-30\n"
           "E,5,ten,EUR,2026-01-01,2026-02-01\n")
    out = text_of(send(csv))
    assert "line 3: 1 appears again (first on line 2)" in out
    assert "2 has an amount of zero" in out
    assert "“XYZ” is not a currency code" in out
    assert "“2026-02-30” is a date that does not exist" in out
    assert "“ten” is not an amount" in out
    assert "New invoices: 1" in out


def test_new_client_did_you_mean(say, send) -> None:
    say('/client add "Acme Corporation"')
    out = text_of(send("Client,Invoice Number,Amount,Due Date\nAcme Corporaton,Q-1,5.00,2026-12-01\n"))
    assert "did you mean Acme Corporation?" in out


def test_imported_overdue_invoice_gets_only_the_stage_its_age_calls_for(send, click, store, core, clock) -> None:
    from bot.nudges.sweep import SweepReport, claim_due

    click_go(click, send("Client,Invoice Number,Amount,Currency,Invoice Date,Due Date\n"
                         "Late Co,L-1,100.00,EUR,2026-09-01,2026-10-01\n"))  # 55 days overdue on 25 Nov
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
    claim_due(store, core, clock(), SweepReport(clock()))
    claim_due(store, core, clock(), SweepReport(clock()))  # a second sweep adds nothing
    inv = store.invoices.by_ref(ME, "L-1")
    assert store.nudges.sent_stages(inv.id, inv.due_on) == {"final"}


def test_typed_import_says_how_to_send_a_file(say) -> None:
    assert "/invoice import ~/Downloads/invoices.csv" in text_of(say("/invoice import"))


def test_dates_that_could_be_read_either_way_are_asked_about(send, click, store) -> None:
    csv = "Client,Invoice Number,Amount,Currency,Invoice Date,Due Date\nA,Q-1,10.00,EUR,01/02/2026,03/04/2026\n"
    preview = send(csv)
    assert "Which order does your tool write?" in text_of(preview)
    assert not any(c.id.startswith("imp:go") for c in preview[0].choices)  # no import before the answer
    month_first = next(c for c in preview[0].choices if c.id.startswith("imp:mdy:"))
    again = click(month_first.id, request_id="o1")
    click_go(click, again)
    inv = store.invoices.by_ref(ME, "Q-1")
    assert (inv.issued_on, inv.due_on) == (date(2026, 1, 2), date(2026, 3, 4))
