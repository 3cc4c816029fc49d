"""Corrections and imports on Discord: subcommands, Edit/Delete in a select, pre-filled modals, an attachment import."""
from __future__ import annotations

from fake_discord import GUILD, USER, FakeDiscord, buttons, modal_fields
from storage.records import Owner

OWNER = Owner(GUILD, USER)


async def say(fake: FakeDiscord, path: str, options: dict | None = None) -> dict:
    payload = await fake.slash(path, options)
    return (await fake.callback_for(payload)).json


def selects(components: list[dict]) -> list[dict]:
    return [c for row in components for c in row.get("components", []) if c.get("type") == 3]


async def test_incident_list_offers_edit_and_delete_and_the_edit_modal_is_prefilled(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Acme Corp"})
    await say(fake, "incident log", {"client": "Acme Corp", "kind": "haggling", "note": "Wants 30% off"})
    body = await say(fake, "incident list", {"client": "Acme Corp"})
    labels = [o["label"] for s in selects(body["data"]["components"]) for o in s["options"]] + \
             [b.get("label") for b in buttons(body["data"]["components"])]
    assert any("Edit #1" in (label or "") for label in labels) and any("Delete #1" in (label or "") for label in labels)

    edit = await fake.slash("incident edit", {"number": "#1"})
    modal = (await fake.callback_for(edit)).json
    assert modal["type"] == 9  # a modal, opened at once
    fields = modal_fields(modal["data"]["components"])
    assert fields["note"]["value"] == "Wants 30% off"
    submitted = await fake.submit_modal(modal["data"]["custom_id"], {"kind": ["scope-creep"], "note": "Fourth logo round", "on": "2026-11-20"})
    await fake.callback_for(submitted)
    incident = core.store.incidents.by_number(OWNER, 1)
    assert (incident.kind, incident.note) == ("scope-creep", "Fourth logo round")


async def test_invoice_delete_asks_with_buttons_and_client_commands_work(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Acme"})
    await say(fake, "client add", {"name": "ACME Ltd"})
    await say(fake, "invoice add", {"client": "ACME Ltd", "amount": "500", "ref": "A-1"})
    body = await say(fake, "invoice delete", {"ref": "A-1"})
    delete = next(b for b in buttons(body["data"]["components"]) if "Delete A-1" in b["label"])
    message = next(m for m in fake.messages.values() if delete["custom_id"] in str(m["components"]))
    click = await fake.click(message, delete["custom_id"])
    await fake.callback_for(click)
    assert core.store.invoices.by_ref(OWNER, "A-1") is None

    await say(fake, "client rename", {"client": "Acme", "new-name": "Acme Corp"})
    assert core.store.clients.by_name(OWNER, "Acme Corp") is not None
    body = await say(fake, "client merge", {"client": "ACME Ltd", "into": "Acme Corp"})
    merge = next(b for b in buttons(body["data"]["components"]) if "Merge" in b["label"])
    message = next(m for m in fake.messages.values() if merge["custom_id"] in str(m["components"]))
    await fake.callback_for(await fake.click(message, merge["custom_id"]))
    assert core.store.clients.by_name(OWNER, "ACME Ltd") is None
    await say(fake, "client set", {"client": "Acme Corp", "late-fee": "8%", "terms": 14})
    corp = core.store.clients.by_name(OWNER, "Acme Corp")
    assert corp.terms_days == 14 and core.store.client_settings.late_fee(OWNER, corp.id).percent == 8


async def test_invoice_import_takes_an_attachment_shows_progress_and_a_preview(bot, fake: FakeDiscord, core, monkeypatch):
    from adapters.discord import fix_commands

    monkeypatch.setattr(fix_commands, "UPDATE_EVERY", 0.0)
    rows = "".join(f"Klant {i % 9};D-{i};{i},50;EUR;01-10-2026;31-10-2026\n" for i in range(1, 1201))
    data = ("Klant;Nummer;Bedrag;Valuta;Datum;Vervaldatum\n" + rows).encode("cp1252")
    payload = await fake.slash_with_file("invoice import", "file", "facturen.csv", data)
    callback = (await fake.callback_for(payload)).json
    assert callback["type"] == 5  # thinking…, then the preview as a follow-up
    (followup,) = await fake.followups_for(payload)
    assert fake.find("GET", r"^/cdn/")  # the attachment was fetched from Discord's CDN
    text = str(followup.json["embeds"])
    assert "Import preview" in text and "semicolons" in text
    edits = await fake.wait_for(lambda: [c for c in fake.find("PATCH", r"/messages/@original$") if "Reading" in str(c.json)] or None)
    assert "Reading facturen.csv… 41%" in str(edits[0].json)  # the deferred message shows the progress
    go = next(b for b in buttons(followup.json["components"]) if "Import 1200 invoices" in b["label"])
    assert core.store.invoices.list(OWNER) == []
    message = next(m for m in fake.messages.values() if go["custom_id"] in str(m["components"]))
    await fake.callback_for(await fake.click(message, go["custom_id"]))
    assert len(core.store.invoices.list(OWNER)) == 1200
    assert core.store.invoices.by_ref(OWNER, "D-7").amount_minor == 750


async def test_incident_delete_invoice_edit_and_client_delete_on_discord(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Acme Corp"})
    await say(fake, "incident log", {"client": "Acme Corp", "kind": "abuse", "note": "Shouted"})
    await say(fake, "invoice add", {"client": "Acme Corp", "amount": "100", "ref": "Z-1"})
    body = await say(fake, "incident delete", {"number": "1"})
    delete = next(b for b in buttons(body["data"]["components"]) if "Delete #1" in b["label"])
    message = next(m for m in fake.messages.values() if delete["custom_id"] in str(m["components"]))
    await fake.callback_for(await fake.click(message, delete["custom_id"]))
    assert core.store.incidents.by_number(OWNER, 1) is None
    await say(fake, "invoice edit", {"ref": "Z-1", "amount": "150", "new-ref": "Z-2"})
    assert core.store.invoices.by_ref(OWNER, "Z-2").amount_minor == 15000
    body = await say(fake, "client delete", {"client": "Acme Corp"})
    gone = next(b for b in buttons(body["data"]["components"]) if "Delete Acme Corp" in b["label"])
    message = next(m for m in fake.messages.values() if gone["custom_id"] in str(m["components"]))
    await fake.callback_for(await fake.click(message, gone["custom_id"]))
    assert core.store.clients.list(OWNER) == []
