"""Corrections and imports on Slack: the Edit / Delete overflow on each line, pre-filled modals, a CSV shared in the DM."""
from __future__ import annotations

import copy

from slack_harness import button, shown
from storage.records import Owner

OWNER = Owner("T1", "U1")


def overflows(blocks: list[dict]) -> list[dict]:
    return [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "overflow"]


def pick(slack, menu: dict, label: str) -> dict:
    option = next(o for o in menu["options"] if label in o["text"]["text"])
    p = slack.click_payload({"action_id": menu["action_id"], "text": option["text"], "value": ""})
    p["actions"][0].pop("value", None)
    p["actions"][0].update(type="overflow", selected_option=copy.deepcopy(option))
    return p


async def test_incident_line_overflow_edits_in_a_prefilled_modal_and_deletes_after_confirming(slack, fake, store):
    await slack.command("/client", 'add "Acme Corp"')
    await slack.command("/incident", '"Acme Corp" haggling Wants 30% off')
    status, body = await slack.command("/incident", 'list "Acme Corp"')
    assert status == 200
    [menu] = overflows(body["blocks"])
    assert [o["text"]["text"] for o in menu["options"]] == ["Edit #1", "Delete #1"]
    assert "#1" in shown(body["blocks"])

    before = len(fake.calls_to("views.open"))
    assert (await slack.payload(pick(slack, menu, "Edit")))[0] == 200
    [call] = await fake.wait_for(lambda: fake.calls_to("views.open")[before:] or None)
    view = call.params["view"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["note"]["initial_value"] == "Wants 30% off"
    assert inputs["kind"]["initial_option"]["value"] == "haggling"
    await slack.submit(view, {"kind": "scope-creep", "note": "Wants a fourth logo round", "on": "2026-11-20"})
    incident = store.incidents.by_number(OWNER, 1)
    assert (incident.kind, incident.note) == ("scope-creep", "Wants a fourth logo round")

    await slack.payload(pick(slack, menu, "Delete"))
    asked = await fake.wait_for(lambda: next((r for r in fake.responses if "Delete incident #1" in shown(r.get("blocks") or [])), None))
    confirm = button(asked["blocks"], "Delete #1")
    assert store.incidents.by_number(OWNER, 1) is not None
    await slack.click(confirm)
    await fake.wait_for(lambda: store.incidents.by_number(OWNER, 1) is None or None)
    assert len(store.history.for_entity(OWNER, "incident", incident.id)) == 2


async def test_invoice_list_lines_carry_their_own_overflow(slack, fake, store):
    await slack.command("/client", 'add "Acme Corp"')
    await slack.command("/invoice", 'add "Acme Corp" 1200 EUR ref=INV-7')
    status, body = await slack.command("/invoice", "list")
    [menu] = overflows(body["blocks"])
    assert [o["text"]["text"] for o in menu["options"]] == ["Edit INV-7", "Delete INV-7"]


async def test_a_csv_shared_in_the_dm_gets_an_updating_message_then_the_preview(slack, fake, store, monkeypatch):
    from adapters.slack import files

    monkeypatch.setattr(files, "UPDATE_EVERY", 0.0)  # every progress report updates the message
    rows = "".join(f"Client {i % 7},S-{i},{i}.00,EUR,2026-10-01,2026-10-31\n" for i in range(1, 1301))
    data = ("Client,Invoice Number,Amount,Currency,Invoice Date,Due Date\n" + rows).encode("utf-8-sig")
    status, _ = await slack.share_file("invoices.csv", data)
    assert status == 200
    update = await fake.wait_for(lambda: next((c for c in fake.calls_to("chat.update") if "Import preview" in shown(c.params.get("blocks") or [])), None))
    [download] = fake.calls_to("download")
    assert download.token == "xoxb-1111-2222-SECRETBOTTOKEN"  # fetched with the bot token, from Slack's own URL
    [first] = [c for c in fake.calls_to("chat.postMessage") if "Reading invoices.csv" in c.params.get("text", "")]
    assert update.params["ts"]  # the "reading…" message is replaced by the preview
    assert store.invoices.list(OWNER) == []
    progress = [c.params["text"] for c in fake.calls_to("chat.update") if "%" in c.params.get("text", "")]
    assert "Reading invoices.csv… 38%" in progress  # 500 of 1 300 rows read
    go = button(update.params["blocks"], "Import 1300 invoices")
    await slack.click(go, channel="D0DM1", ephemeral=False)
    await fake.wait_for(lambda: len(store.invoices.list(OWNER)) == 1300 or None)


async def test_a_file_that_is_not_csv_is_refused_in_the_dm(slack, fake, store):
    await slack.share_file("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", file_id="F0PNG")
    update = await fake.wait_for(lambda: next((c for c in fake.calls_to("chat.update") if "not a CSV" in c.params.get("text", "")), None))
    assert update and store.invoices.list(OWNER) == []


async def test_invoice_import_opens_a_modal_whose_file_is_imported(slack, fake, store):
    status, body = await slack.command("/invoice", "import")
    assert status == 200 and not body
    [call] = await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    view = call.params["view"]
    [file_input] = [b for b in view["blocks"] if b["type"] == "input"]
    assert file_input["element"]["type"] == "file_input" and len(view["title"]["text"]) <= 24
    fake.hosted["F0MODAL"] = b"Client,Invoice Number,Amount,Currency,Due Date\nAcme,M-1,99.00,EUR,2026-12-31\n"
    payload = slack.submit_payload(view, {})
    payload["view"]["state"] = {"values": {"file": {"file": {"type": "file_input", "files": [{
        "id": "F0MODAL", "name": "export.csv", "size": 80,
        "url_private": f"{fake.base}/files-pri/F0MODAL", "url_private_download": f"{fake.base}/files-pri/F0MODAL/download"}]}}}}
    status, body = await slack.payload(payload)
    assert status == 200 and not body  # the modal closes; the preview comes in the DM
    update = await fake.wait_for(lambda: next((c for c in fake.calls_to("chat.update") if "Import preview" in shown(c.params.get("blocks") or [])), None))
    assert "New invoices" in shown(update.params["blocks"]) and store.invoices.list(OWNER) == []


async def test_invoice_edit_modal_and_client_fixes_over_slack(slack, fake, store):
    await slack.command("/client", 'add "Acme"')
    await slack.command("/client", 'add "Acme Ltd"')
    await slack.command("/invoice", 'add "Acme Ltd" 1200 EUR issued=2026-10-01 due=2026-11-01 ref=INV-7')
    status, body = await slack.command("/invoice", "list")
    [menu] = overflows(body["blocks"])
    before = len(fake.calls_to("views.open"))
    await slack.payload(pick(slack, menu, "Edit"))
    [call] = await fake.wait_for(lambda: fake.calls_to("views.open")[before:] or None)
    view = call.params["view"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["amount"]["initial_value"] == "1200.00" and inputs["due"]["initial_value"] == "2026-11-01"
    await slack.submit(view, {"amount": "1350", "currency": "EUR", "issued": "2026-10-01", "due": "2026-12-01", "ref": "INV-7"})
    inv = store.invoices.by_ref(OWNER, "INV-7")
    assert (inv.amount_minor, inv.due_on.isoformat()) == (135000, "2026-12-01")

    status, body = await slack.command("/client", 'rename "Acme" "Acme Corp"')
    assert "Acme is now called Acme Corp" in shown(body["blocks"])
    status, body = await slack.command("/client", 'set "Acme Corp" late_fee=8% terms=14')
    assert "8%" in shown(body["blocks"])
    status, body = await slack.command("/client", 'merge "Acme Ltd" "Acme Corp"')
    await slack.click(button(body["blocks"], "Merge"))
    await fake.wait_for(lambda: store.clients.by_name(OWNER, "Acme Ltd") is None or None)
    status, body = await slack.command("/client", 'delete "Acme Corp"')
    text = shown(body["blocks"])
    assert "1 invoice" in text and "cannot be undone" in text
    await slack.click(button(body["blocks"], "Delete Acme Corp"))
    await fake.wait_for(lambda: not store.clients.list(OWNER) or None)
    assert store.invoices.list(OWNER) == []
