"""Each command's effect on what is stored, and on what the user reads."""
from __future__ import annotations

from datetime import date

import pytest

from redflag_testkit import text_of
from storage.records import Owner

ME = Owner("W1", "U1")


def snapshot(store) -> dict:
    """Every row of every table: to prove a bad command changed nothing."""
    from storage.schema import metadata

    db = store.database
    tables = {t.name: t for t in metadata.sorted_tables if t.name not in {"users", "workspaces"}}
    order = {name: ", ".join(f'"{c.name}"' for c in (t.primary_key.columns or t.columns)) for name, t in tables.items()}
    return {name: db.query(f'SELECT * FROM "{name}" ORDER BY {order[name]}') for name in sorted(tables)}


def test_client_add_defaults_and_options(say, store) -> None:
    out = text_of(say('/client add "Acme Corp" terms=14 currency=eur email=billing@acme.example'))
    assert "Acme Corp" in out and "14 days" in out
    client = store.clients.by_name(ME, "acme corp")
    assert client is not None
    assert (client.terms_days, client.currency, client.email) == (14, "EUR", "billing@acme.example")
    say("/client add Globex")
    assert store.clients.by_name(ME, "GLOBEX").terms_days == 30


def test_client_names_are_unique_case_insensitively(say, store) -> None:
    say('/client add "Acme Corp"')
    out = text_of(say('/client add "acme  corp"'))
    assert "already have a client" in out
    assert len(store.clients.list(ME)) == 1


def test_unknown_client_gets_did_you_mean(say) -> None:
    say('/client add "Acme Corp"')
    out = text_of(say("/client show acme crop"))
    assert "Did you mean “Acme Corp”" in out


def test_incident_is_logged_with_exact_note(say, store) -> None:
    say('/client add "Acme Corp"')
    note = 'Wants   "one more" revision; =SUM(A1) 😀 עברית'
    out = text_of(say(f'/incident "Acme Corp" scope-creep {note}'))
    assert "Scope creep" in out
    [incident] = store.incidents.for_client(ME, store.clients.by_name(ME, "Acme Corp").id)
    assert incident.note == note
    assert incident.kind == "scope-creep"


def test_incident_retry_with_same_request_id_is_logged_once(say, store) -> None:
    say("/client add Acme")
    say("/incident Acme abuse shouted on a call", request_id="T123")
    out = text_of(say("/incident Acme abuse shouted on a call", request_id="T123"))
    assert "Already on file" in out
    assert store.incidents.count_for_client(ME, store.clients.by_name(ME, "Acme").id) == 1


def test_incident_without_arguments_opens_a_form(say, submit, store) -> None:
    say("/client add Acme")
    [reply] = say("/incident")
    assert reply.form is not None
    assert [f.id for f in reply.form.fields] == ["client", "kind", "note", "on"]  # issue 12: the date it happened
    assert [o.value for o in reply.form.fields[0].options] == ["Acme"]
    errors = submit("incident", {"client": "Nope", "kind": "bogus", "note": ""})
    assert {f for f, _ in errors[0].form_errors} == {"client", "kind"}
    assert store.incidents.count_for_client(ME, store.clients.by_name(ME, "Acme").id) == 0
    out = text_of(submit("incident", {"client": "Acme", "kind": "haggling", "note": "Others do it for less"}, request_id="V1"))
    assert "Haggling" in out
    submit("incident", {"client": "Acme", "kind": "haggling", "note": "Others do it for less"}, request_id="V1")
    assert store.incidents.count_for_client(ME, store.clients.by_name(ME, "Acme").id) == 1


def test_incident_list(say) -> None:
    say("/client add Acme")
    assert "Nothing logged" in text_of(say("/incident list Acme"))
    say("/incident Acme after-hours texted at 2am")
    out = text_of(say("/incident list Acme"))
    assert "1 incident" in out and "texted at 2am" in out


def test_invoice_lifecycle(say, store, clock) -> None:
    say('/client add "Acme Corp" terms=30 currency=EUR')
    out = text_of(say('/invoice add "Acme Corp" 1.200,50 issued=2026-10-01 ref=INV-7'))
    assert "INV-7" in out and "€1,200.50" in out
    inv = store.invoices.by_ref(ME, "inv-7")
    assert (inv.amount_minor, inv.currency, inv.due_on) == (120050, "EUR", date(2026, 10, 31))
    out = text_of(say("/invoice paid INV-7 200.50", request_id="P1"))
    assert "€1,000.00" in out
    say("/invoice paid INV-7 200.50", request_id="P1")  # a double click
    assert store.invoices.by_ref(ME, "INV-7").paid_minor == 20050
    out = text_of(say("/invoice list"))
    assert "25 days overdue" in out and "€1,000.00" in out
    out = text_of(say("/invoice paid INV-7 on=2026-11-20"))
    assert "paid in full" in out and "20 days late" in out
    paid = store.invoices.by_ref(ME, "INV-7")
    assert paid.status == "paid" and paid.balance_minor == 0 and paid.paid_on == date(2026, 11, 20)


def test_invoice_in_another_currency_and_defaults(say, store) -> None:
    say("/client add Acme currency=EUR terms=14")
    say("/invoice add Acme 300 USD")
    say("/invoice add Acme ₫1.500.000")
    invoices = store.invoices.list(ME)
    assert [(i.ref, i.amount_minor, i.currency) for i in invoices] == [("INV-0001", 30000, "USD"), ("INV-0002", 1500000, "VND")]
    assert invoices[0].due_on == date(2026, 12, 9)
    out = text_of(say("/invoice list"))
    assert "$300.00" in out and "₫1,500,000" in out


def test_snooze_due_and_writeoff(say, store) -> None:
    say("/client add Acme")
    say("/invoice add Acme 100 ref=A1 issued=-20d due=-10d")
    assert "snoozed until" in text_of(say("/invoice snooze A1 7"))
    assert store.invoices.by_ref(ME, "A1").snoozed_until == date(2026, 12, 2)
    assert "now due" in text_of(say("/invoice due A1 2026-12-20"))
    assert store.invoices.by_ref(ME, "A1").due_on == date(2026, 12, 20)
    assert "written off" in text_of(say("/invoice writeoff A1"))
    assert store.invoices.by_ref(ME, "A1").status == "written_off"
    assert "written off" in text_of(say("/invoice snooze A1 7"))


def test_pause_and_resume(say, store) -> None:
    say("/client add Acme")
    assert "paused until" in text_of(say("/client pause Acme until=2026-12-31"))
    c = store.clients.by_name(ME, "Acme")
    assert c.paused and c.paused_until == date(2026, 12, 31)
    assert "back on" in text_of(say("/client resume acme"))
    assert not store.clients.by_name(ME, "Acme").paused


def test_client_show_dossier(say) -> None:
    say('/client add "Acme Corp" currency=EUR')
    say('/incident "Acme Corp" late-payment paid three weeks late')
    say('/invoice add "Acme Corp" 500 issued=2026-09-01 due=2026-10-01 ref=D1')
    say("/invoice paid D1 on=2026-10-21")
    out = text_of(say('/client show "acme corp"'))
    for expected in ["Dossier: Acme Corp", "Invoice D1", "20 days late", "paid three weeks late", "Trouble score", "Late on average: 20 days"]:
        assert expected in out, expected


def test_client_list_shows_owed_late_and_score(say) -> None:
    say("/client add Acme currency=EUR")
    say("/client add Globex currency=USD")
    say("/invoice add Acme 100 issued=-40d due=-10d")
    say("/invoice add Globex 50")
    out = text_of(say("/client list"))
    assert "2 clients" in out.lower() or "Your clients (2)" in out
    assert "€100.00" in out and "$50.00" in out


def test_settings(say, store) -> None:
    out = text_of(say("/redflag settings tz=Asia/Ho_Chi_Minh hour=7"))
    assert "Asia/Ho_Chi_Minh" in out and "07:00" in out
    s = store.users.get(ME)
    assert (s.timezone, s.send_hour) == ("Asia/Ho_Chi_Minh", 7)


def test_help_lists_commands(say) -> None:
    out = text_of(say("/redflag help"))
    assert "/client add" in out and "/invoice paid" in out


BAD_INPUT = [
    ("/nonsense", "don't know the command"),
    ("/client", "Choose one of"),
    ("/client frobnicate", "not something I can do"),
    ("/client add", "name is missing"),
    ('/client add "Unclosed', "never closed"),
    ("/client add X terms=abc", "whole number"),
    ("/client add X terms=999", "whole number"),
    ("/client add X currency=EURO", "not an ISO currency"),
    ("/client add X email=nope", "e-mail"),
    ("/client add X colour=red", "option"),
    ("/client show Nobody", "no client called"),
    ("/client add " + "A" * 200, "limit is 120"),
    ("/client add Bad\x07Bell", "control characters"),
    ("/incident Acme", "kind is missing"),
    ("/incident Acme flamingo", "not an incident kind"),
    ("/incident Acme abuse " + "x" * 10_000, "limit is 4000"),
    ("/incident Acme abuse bad\x00byte", "control characters"),
    ("/incident Nobody abuse hi", "no client called"),
    ("/invoice", "Choose one of"),
    ("/invoice add Acme", "amount is missing"),
    ("/invoice add Acme 12,34,56", "can't read"),
    ("/invoice add Acme -5", "more than zero"),
    ("/invoice add Acme 0", "more than zero"),
    ("/invoice add Acme 10 XYZ", "not an ISO currency"),
    ("/invoice add Acme €10 USD", "Give one currency"),
    ("/invoice add Acme 10 due=2026-02-30", "not a date that exists"),
    ("/invoice add Acme 10 due=soon", "can't read"),
    ("/invoice add Acme 10 due=2026-01-01 issued=2026-02-01", "before the issue date"),
    ("/invoice add Acme 10 due=30d terms=10", "not both"),
    ("/invoice add Acme 10 ref=A1", "already have an invoice"),
    ("/invoice paid", "reference is missing"),
    ("/invoice paid NOPE", "no invoice"),
    ("/invoice paid A1 999", "more than what is left"),
    ("/invoice paid A1 5 USD", "not USD"),
    ("/invoice paid A1 5 on=2030-01-01", "in the future"),
    ("/invoice snooze A1", "how many days"),
    ("/invoice snooze A1 0", "whole number"),
    ("/invoice list Nobody", "no client called"),
    ("/redflag settings lang=klingon", "not a language"),
    ("/redflag settings tz=Mars/Olympus", "not a time zone"),
    ("/redflag settings hour=24", "whole number"),
    ("/client add Robert'); DROP TABLE clients;--", None),
]


@pytest.mark.parametrize("line, expected", BAD_INPUT)
def test_bad_input_is_refused_clearly_and_changes_nothing(say, store, line: str, expected: str | None) -> None:
    say("/client add Acme currency=EUR")
    say("/invoice add Acme 100 ref=A1")
    before = snapshot(store)
    replies = say(line)
    out = text_of(replies)
    if expected is None:  # SQL-looking text is just a name
        assert store.clients.by_name(ME, "Robert'); DROP TABLE clients;--") is not None
        return
    assert expected in out, out
    assert replies[0].is_error
    assert "How to write it:" in out
    assert snapshot(store) == before


def test_unicode_names_are_stored_exactly(say, store) -> None:
    for name in ["Đặng Văn Lâm", "Şükrü Çelik", "مؤسسة النور", "🦄 Unicorn Ltd", "Zoë & Co"]:
        say(f"/client add {name}")
        assert store.clients.by_name(ME, name).name == name
    out = text_of(say("/client list"))
    assert "مؤسسة النور" in out and "🦄 Unicorn Ltd" in out


def test_option_values_may_be_quoted(say, store) -> None:
    say("/client add Acme")
    out = text_of(say('/invoice add Acme 100 ref="Q4 retainer" due=30d'))
    assert "Q4 retainer" in out
    assert store.invoices.by_ref(ME, "q4 retainer") is not None
    assert "paid in full" in text_of(say('/invoice paid "Q4 retainer"'))


def test_kind_errors_list_the_users_own_words(say) -> None:
    say("/client add Acme", locale="nl-NL")
    out = text_of(say("/incident Acme flamingo", locale="nl-NL"))
    assert "te-laat-betaald" in out and "late-payment" not in out


def test_nothing_overdue_gives_no_add_hint(say) -> None:
    say("/client add Acme")
    say("/invoice add Acme 100")
    out = text_of(say("/invoice list overdue"))
    assert "Nothing is overdue" in out and "/invoice add" not in out


def test_help_names_the_correction_and_import_commands(say) -> None:
    """Every command a user can type is in /redflag help, the corrections and the import included."""
    lines = "\n".join(r for reply in say("/redflag help") for r in reply.lines)
    for usage in ("/client rename", "/client merge", "/client delete", "/client set", "/incident edit",
                  "/incident delete", "/invoice edit", "/invoice delete", "/invoice import", "sort=owed"):
        assert usage in lines, usage


def test_help_is_the_declarations_and_nothing_else(say) -> None:
    """/redflag help shows one line per declared help key, in declaration order, and no line nobody declared."""
    from bot import registry
    from bot.i18n import load_catalog, messages

    t = messages("en")
    [reply] = [r for r in say("/redflag help") if r.title]
    declared = registry.help_keys()
    assert reply.lines[:-1] == tuple(t(key) for key in declared)
    assert len(reply.lines) == len(declared) + 1  # and last, how to write amounts and dates (help.forms)
    for name, command in registry.DECLARED.items():
        for sub in command.subs:
            assert sub.help or sub.name == command.default, f"/{name} {sub.name} has no help line"
            for key in sub.help:
                assert f"/{name}" in t(key), (key, name)  # a line is declared on the command it explains
    catalog_lines = {k for k in load_catalog("en").entries if k.startswith("help.")}
    assert catalog_lines - {"help.title", "help.intro", "help.footer", "help.forms"} == set(declared)
