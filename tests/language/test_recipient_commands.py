"""The commands behind the letters: the client's contact person, the user's name and signature, and errors that name fields in words."""
from __future__ import annotations

from redflag_testkit import text_of
from storage.records import Owner

OWNER = Owner("W1", "U1")


def test_contact_on_add_and_later(say, store) -> None:
    say('/client add "Minh Anh Co" contact="Trần Thị Mai"')
    client = store.clients.by_name(OWNER, "Minh Anh Co")
    assert client.contact == "Trần Thị Mai"
    assert "Contact person" in text_of(say('/client show "Minh Anh Co"'))
    out = text_of(say('/client contact "minh anh co" "Ms Mai Tran"'))
    assert "Letters to *Minh Anh Co* are now addressed to Ms Mai Tran." in out
    assert store.clients.by_name(OWNER, "Minh Anh Co").contact == "Ms Mai Tran"
    out = text_of(say('/client contact "Minh Anh Co"'))
    assert "addressed to the company" in out
    assert store.clients.by_name(OWNER, "Minh Anh Co").contact is None


def test_contact_of_an_unknown_client_changes_nothing(say, store) -> None:
    say('/client add Acme contact="Jane Doe"')
    out = text_of(say('/client contact Acne "John Doe"'))
    assert "Did you mean “Acme”?" in out
    assert store.clients.by_name(OWNER, "Acme").contact == "Jane Doe"


def test_settings_name_and_signature_sign_the_letters(say, click, store) -> None:
    out = text_of(say('/redflag settings name="Anna de Vries" signature="Studio De Vries\\n06 12345678"'))
    assert "Anna de Vries" in out
    settings = store.users.get(OWNER)
    assert settings.display_name == "Anna de Vries" and settings.signature == "Studio De Vries\n06 12345678"


def test_the_missing_name_is_asked_for_once(say, core, store) -> None:
    from bot.letters import ask_signature_once
    from redflag_testkit import address

    say("/client add Acme")
    ctx = core.context(address())
    first = ask_signature_once(ctx)
    assert "/redflag settings name=" in first
    assert ask_signature_once(core.context(address())) == ""  # asked once, never nagged
    say('/redflag settings name="Anna de Vries"')
    assert ask_signature_once(core.context(address())) == ""


def test_field_names_in_errors_are_words_not_keys(say) -> None:
    out = text_of(say("/client add X terms=abc"))
    assert "is not a valid payment term" in out and "“terms”" not in out
    out = text_of(say("/client add X terms=abc", locale="nl"))
    assert "geen geldige waarde voor de betalingstermijn" in out
    out = text_of(say("/client add X terms=abc", locale="tr"))
    assert "ödeme vadesi için geçerli bir değer değil" in out
    out = text_of(say("/client add X terms=abc", locale="vi"))
    assert "không phải giá trị hợp lệ cho thời hạn thanh toán" in out
