"""Discord's typed options go through the same parser: local amounts, back-dated incidents, loose autocomplete."""
from __future__ import annotations

from datetime import date

from fake_discord import GUILD, USER, FakeDiscord

from storage.records import Owner

OWNER = Owner(GUILD, USER)


async def say(fake: FakeDiscord, path: str, options: dict | None = None, **kw) -> dict:
    payload = await fake.slash(path, options or {}, **kw)
    return (await fake.callback_for(payload)).json


async def test_typed_options_read_local_forms(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Kebapçı İskender", "currency": "TRY"}, locale="tr")
    body = await say(fake, "invoice add", {"client": "KEBAPÇI iSKENDER", "amount": "1.500 TL", "due": "15.10.2026"}, locale="tr")
    assert body["type"] == 4, body
    [invoice] = core.store.invoices.list(OWNER)
    assert (invoice.amount_minor, invoice.currency, invoice.due_on) == (150000, "TRY", date(2026, 10, 15))
    assert invoice.issued_on == date(2026, 9, 15)  # back-filled from the 30-day terms
    await say(fake, "incident log", {"client": "kebapci iskender", "kind": "abuse", "note": "bağırdı", "on": "geçen salı"}, locale="tr")
    client = core.store.clients.by_name(OWNER, "Kebapçı İskender")
    [incident] = core.store.incidents.for_client(OWNER, client.id)
    assert incident.note == "bağırdı" and incident.occurred_on == date(2026, 11, 24)


async def test_ambiguous_amount_is_a_button_question(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Zed", "currency": "EUR"})
    body = await say(fake, "invoice add", {"client": "Zed", "amount": "1.200"})
    labels = [c["label"] for row in body["data"]["components"] for c in row.get("components", []) if c.get("type") == 2]
    assert labels[:2] == ["€1,200.00", "€1.20"]
    assert core.store.invoices.list(OWNER) == []


async def test_autocomplete_ignores_accents_and_case(bot, fake: FakeDiscord):
    await say(fake, "client add", {"name": "Nhà hàng Phở Hà Nội"})
    await say(fake, "client add", {"name": "Acme"})
    payload = await fake.autocomplete("client show", {"client": "PHO HA"}, focused="client")
    call = await fake.callback_for(payload)
    assert [c["name"] for c in call.json["data"]["choices"]] == ["Nhà hàng Phở Hà Nội"]


async def test_separate_currency_option_with_a_local_amount(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Ada", "currency": "TRY"}, locale="tr")
    body = await say(fake, "invoice add", {"client": "ada", "amount": "1.500 TL", "currency": "TRY"}, locale="tr")
    assert body["type"] == 4, body
    [invoice] = core.store.invoices.list(OWNER)
    assert (invoice.amount_minor, invoice.currency) == (150000, "TRY")


def test_invoice_modal_fits_discord_and_has_the_issue_date(tmp_path):
    """Discord modals hold five inputs: the invoice form (amount takes the currency) keeps every field."""
    from adapters.discord.dynamic import Target
    from adapters.discord.forms import MODAL_COMPONENTS_MAX, build_modal
    from bot.core import Core
    from bot.events import Address, Command
    from storage.store import Store

    core = Core(Store(tmp_path / "r.db"))
    where = Address("discord", GUILD, USER)
    core.handle(Command(where, "client", "add Ada"))
    [reply] = core.handle(Command(where, "invoice", "add"))
    assert reply.form is not None and len(reply.form.fields) <= MODAL_COMPONENTS_MAX
    assert [f.id for f in reply.form.fields] == ["client", "amount", "due", "issued", "ref"]
    assert '"custom_id": "issued"' in str(build_modal(reply.form, Target(USER)).to_dict()).replace("'", '"')
