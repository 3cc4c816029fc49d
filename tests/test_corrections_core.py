"""Corrections through the core: edits and deletions keep the trail; client rename, merge, delete, set."""
from __future__ import annotations

import csv
import io
from datetime import date

from redflag_testkit import text_of
from storage.records import Owner

ME = Owner("W1", "U1")


def files_of(replies):
    return {f.filename.rsplit(".", 1)[-1]: f.content.decode("utf-8") for r in replies for f in r.files}


def test_incident_ids_edit_and_history_in_export(say, store) -> None:
    say('/client add "Acme Corp"')
    say('/incident "Acme Corp" scope-creep Fourth round of logo changes')
    say('/incident "Acme Corp" haggling Wants 30% off')
    listing = say('/incident list "Acme Corp"')
    out = text_of(listing)
    assert "#1" in out and "#2" in out
    assert [c.label for c in listing[0].line_choices[0]] == ["Edit #1", "Delete #1"]

    out = text_of(say('/incident edit #2 kind=indecision note="Changed his mind after delivery" on=2026-11-20', request_id="r1"))
    assert "Incident #2 (Acme Corp) corrected" in out
    # a retry of the same request writes nothing twice
    say('/incident edit #2 kind=indecision note="Changed his mind after delivery" on=2026-11-20', request_id="r1")
    assert len(store.history.for_client(ME, store.clients.by_name(ME, "Acme Corp").id)) == 1
    incident = store.incidents.by_number(ME, 2)
    assert (incident.kind, incident.note, incident.occurred_at.date()) == ("indecision", "Changed his mind after delivery", date(2026, 11, 20))

    dossier = say('/client show "Acme Corp"')
    shown = text_of(dossier)
    assert "(corrected)" in shown and "Incident #2 corrected" in shown
    # every incident line of the dossier carries its own Edit / Delete
    labels = [c.label for line in dossier[0].line_choices for c in line]
    assert {"Edit #1", "Delete #1", "Edit #2", "Delete #2"} <= set(labels)
    assert len(dossier[0].line_choices) == len(dossier[0].lines)

    files = files_of(say('/client export "Acme Corp"'))
    md, rows = files["md"], list(csv.DictReader(io.StringIO(files["csv"])))
    assert "Wants 30% off → Changed his mind after delivery" in md
    corrections = [r for r in rows if r["type"] == "correction"]
    assert corrections and "Wants 30% off" in corrections[0]["detail"]  # the original note stays readable


def test_incident_delete_asks_then_keeps_it_in_the_history(say, click, store) -> None:
    say('/client add "Acme Corp"')
    say('/incident "Acme Corp" abuse Shouted at me on a call')
    ask = say("/incident delete #1")
    assert "Delete incident #1" in text_of(ask)
    assert store.incidents.by_number(ME, 1) is not None  # nothing happens before the confirmation
    delete = next(c for c in ask[0].choices if c.style == "danger")
    out = text_of(click(delete.id, request_id="c1"))
    assert "deleted" in out
    assert store.incidents.by_number(ME, 1) is None
    assert store.incidents.count_for_client(ME, store.clients.by_name(ME, "Acme Corp").id) == 0
    again = text_of(click(delete.id, request_id="c2"))  # a second click: no second history row
    assert "deleted" in again
    rows = list(csv.DictReader(io.StringIO(files_of(say('/client export "Acme Corp"'))["csv"])))
    deleted = [r for r in rows if r["type"] == "correction"]
    assert len(deleted) == 1 and "Shouted at me on a call" in deleted[0]["detail"]
    assert "no incident" in text_of(say("/incident edit #7 kind=abuse")).lower()
    assert "was deleted" in text_of(say("/incident edit #1 kind=abuse"))


def test_bad_incident_edit_changes_nothing(say, store) -> None:
    say('/client add "Acme Corp"')
    say('/incident "Acme Corp" haggling Wants a discount')
    for line in ("/incident edit #1 kind=nonsense", "/incident edit #1 on=2030-01-01", "/incident edit twelve kind=abuse"):
        replies = say(line)
        assert replies[0].is_error, line
    assert store.incidents.by_number(ME, 1).kind == "haggling"
    assert store.history.for_entity(ME, "incident", store.incidents.by_number(ME, 1).id) == []


def test_invoice_edit_replans_and_delete_cancels(say, click, store, clock) -> None:
    say('/client add "Acme Corp"')
    say('/invoice add "Acme Corp" 1000 EUR issued=2026-10-01 due=2026-11-01 ref=INV-1')
    out = text_of(say("/invoice edit INV-1 amount=1200 due=2026-12-15", request_id="e1"))
    assert "INV-1 corrected" in out and "€1,200.00" in out
    inv = store.invoices.by_ref(ME, "INV-1")
    assert (inv.amount_minor, inv.due_on) == (120000, date(2026, 12, 15))
    assert store.invoices.next_check_of(inv.id) == date(2026, 12, 15)
    assert "already has" in text_of(say("/invoice edit INV-1 ref=INV-1")) or "nothing changed" in text_of(say("/invoice edit INV-1 ref=INV-1"))
    say('/invoice add "Acme Corp" 50 EUR ref=INV-2')
    assert say("/invoice edit INV-1 ref=INV-2")[0].is_error
    assert say("/invoice edit INV-1 due=2026-01-01")[0].is_error  # before issued
    ask = say("/invoice delete INV-1")
    assert "Delete invoice INV-1" in text_of(ask)
    click(ask[0].choices[0].id, request_id="d1")
    assert store.invoices.by_ref(ME, "INV-1") is None
    assert [i.ref for i in store.invoices.list(ME)] == ["INV-2"]
    listing = say("/invoice list")
    assert "INV-1" not in text_of(listing) and listing[0].line_choices
    # the reference is free again, and the export still tells the story
    say('/invoice add "Acme Corp" 999 EUR ref=INV-1')
    md = files_of(say('/client export "Acme Corp"'))["md"]
    assert "Invoice INV-1 corrected" in md and "Invoice INV-1 deleted" in md and "€1,000.00" in md


def test_invoice_edit_form_prefilled_and_submitted(say, click, submit, store) -> None:
    say('/client add "Acme Corp"')
    say('/invoice add "Acme Corp" 1000 EUR due=2026-12-01 ref=INV-1')
    inv = store.invoices.by_ref(ME, "INV-1")
    form = click(f"invfix:edit:{inv.id}")[0].form
    assert form is not None and dict((f.id, f.initial) for f in form.fields)["amount"] == "1000.00"
    values = {f.id: f.initial for f in form.fields}
    values["due"] = "2026-12-20"
    out = text_of(submit(form.id, values, context=form.context))
    assert "corrected" in out
    assert store.invoices.by_ref(ME, "INV-1").due_on == date(2026, 12, 20)


def test_client_rename_merge_delete(say, click, store) -> None:
    say('/client add "Acme"')
    say('/client add "ACME Ltd"')
    say('/incident "ACME Ltd" haggling Asked for a discount')
    say('/invoice add "ACME Ltd" 500 EUR ref=A-1')
    say('/invoice paid A-1 200')
    out = text_of(say('/client rename "Acme" "Acme Corp"'))
    assert "Acme is now called Acme Corp" in out
    assert say('/client rename "Acme Corp" "ACME Ltd"')[0].is_error
    ask = say('/client merge "ACME Ltd" "Acme Corp"')
    assert "1 incident" in text_of(ask) and "1 invoice" in text_of(ask) and "1 payment" in text_of(ask)
    text_of(click(ask[0].choices[0].id, request_id="m1"))
    assert store.clients.by_name(ME, "ACME Ltd") is None
    corp = store.clients.by_name(ME, "Acme Corp")
    assert [i.ref for i in store.invoices.list(ME, corp.id)] == ["A-1"]
    assert store.incidents.count_for_client(ME, corp.id) == 1
    shown = text_of(say('/client show "Acme Corp"'))
    assert "ACME Ltd merged into this client" in shown and "Renamed from Acme to Acme Corp" in shown

    ask = say('/client delete "Acme Corp"')
    assert "1 incident" in text_of(ask) and "cannot be undone" in text_of(ask)
    export = next(c for c in ask[0].choices if c.id.startswith("clifix:export"))
    assert click(export.id)[0].files
    delete = next(c for c in ask[0].choices if c.style == "danger")
    click(delete.id, request_id="x1")
    assert store.clients.list(ME) == [] and store.invoices.list(ME) == []
    assert store.database.one("SELECT count(*) AS n FROM payments")["n"] == 0


def test_client_set_late_fee_used_in_final_letter(say, store, core) -> None:
    from bot.nudges.texts import client_text
    from redflag_testkit import address

    say('/client add "Acme Corp" currency=EUR')
    out = text_of(say('/client set "Acme Corp" late_fee=8% terms=14'))
    assert "8%" in out and "14 days" in out
    client = store.clients.by_name(ME, "Acme Corp")
    assert client.terms_days == 14
    say('/invoice add "Acme Corp" 1000 EUR issued=2026-09-01 due=2026-10-01 ref=F-1')
    inv = store.invoices.by_ref(ME, "F-1")
    ctx = core.context(address())
    letter = client_text(ctx, client, inv, "final", date(2026, 11, 25))
    assert "8%" in letter and "€80.00" in letter
    assert say('/client set "Acme Corp" late_fee=lots')[0].is_error
    say('/client set "Acme Corp" late_fee=50')
    assert store.client_settings.late_fee(ME, client.id).fixed_minor == 5000
    assert "€50.00" in client_text(ctx, client, inv, "final", date(2026, 11, 25))
    say('/client set "Acme Corp" late_fee=none')
    assert store.client_settings.late_fee(ME, client.id) is None
    shown = text_of(say('/client show "Acme Corp"'))
    assert "Client settings changed" in shown


def test_merge_joins_reminders_sent_the_same_day_and_leaves_one_client(say, click, store, core, clock) -> None:
    from bot.nudges.sweep import SweepReport, claim_due

    say('/client add "Acme"')
    say('/client add "Acme BV"')
    say('/invoice add "Acme" 100 EUR issued=2026-09-01 due=2026-10-01 ref=M-1')
    say('/invoice add "Acme BV" 200 EUR issued=2026-09-01 due=2026-10-05 ref=M-2')
    claim_due(store, core, clock(), SweepReport(clock()))
    assert store.database.one("SELECT count(*) AS n FROM nudge_messages")["n"] == 2  # one DM per client that day
    ask = say('/client merge "Acme BV" "Acme"')
    assert "2 reminders" not in text_of(ask) and "1 reminder" in text_of(ask)
    click(ask[0].choices[0].id, request_id="m1")
    acme = store.clients.by_name(ME, "Acme")
    assert [c.name for c in store.clients.list(ME)] == ["Acme"]
    messages = store.database.query("SELECT * FROM nudge_messages")
    assert len(messages) == 1 and messages[0]["client_id"] == acme.id
    ledger = store.database.query("SELECT * FROM nudge_ledger ORDER BY id")
    assert {r["message_id"] for r in ledger} == {messages[0]["id"]} and {r["client_id"] for r in ledger} == {acme.id}
    # a second sweep sends nothing again for either invoice
    claim_due(store, core, clock(), SweepReport(clock()))
    assert store.database.one("SELECT count(*) AS n FROM nudge_ledger")["n"] == 2


def test_client_set_contact_changes_who_letters_address_and_keeps_the_history(say, store) -> None:
    say('/client add "Minh Anh Co"')
    replies = say('/client set "Minh Anh Co" contact="Trần Thị Mai"')
    client = store.clients.by_name(ME, "Minh Anh Co")
    assert client.contact == "Trần Thị Mai"
    assert any(f.value == "Trần Thị Mai" for f in replies[0].fields)
    say('/client set "Minh Anh Co" contact=""')
    assert store.clients.by_name(ME, "Minh Anh Co").contact is None
    contacts = [(c.before.get("contact"), c.after.get("contact")) for c in store.history.for_client(ME, client.id)]
    assert ("", "Trần Thị Mai") in contacts and ("Trần Thị Mai", "") in contacts
