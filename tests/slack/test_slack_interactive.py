"""Modals, buttons and the message shortcut, end to end over real HTTP against the fake Slack."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from slack_harness import button, buttons, fixture_json, shown
from storage.records import Owner

OWNER = Owner("T1", "U1")


async def _incident_modal(slack, fake) -> dict:
    before = len(fake.calls_to("views.open"))
    status, body = await slack.command("/incident", "")
    assert status == 200 and not body  # empty ack: the answer is the modal
    calls = await fake.wait_for(lambda: fake.calls_to("views.open")[before:] or None)
    call = calls[0]
    assert call.params["trigger_id"]
    return call.params["view"]


async def test_incident_without_text_opens_modal_and_submission_logs(slack, fake, store):
    await slack.command("/client", 'add "Acme Corp"')
    await slack.command("/client", "add Beta")
    view = await _incident_modal(slack, fake)
    assert view["type"] == "modal" and view["callback_id"] == "incident"
    assert len(view["title"]["text"]) <= 24
    assert view["blocks"][0]["type"] == "section"  # the core's intro line, on top of the fields
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == ["client", "kind", "note", "on"]  # issue 12: when it happened
    assert [b["element"]["action_id"] for b in inputs] == ["client", "kind", "note", "on"]
    clients = [o["value"] for o in inputs[0]["element"]["options"]]
    assert clients == ["Acme Corp", "Beta"]
    assert inputs[2]["optional"] is True
    assert inputs[2]["element"]["multiline"] is True

    status, body = await slack.submit(view, {"client": "Acme Corp", "kind": "scope-creep", "note": "Wants 3 extra pages & a logo"})
    assert status == 200 and not body  # closes the modal
    acme = store.clients.by_name(OWNER, "acme corp")
    [incident] = store.incidents.for_client(OWNER, acme.id)
    assert (incident.kind, incident.note, incident.source) == ("scope-creep", "Wants 3 extra pages & a logo", "form")
    # The confirmation appears where the command was typed, privately, via the command's response_url.
    answer = await fake.wait_for(lambda: fake.responses[-1] if fake.responses else None)
    assert answer["response_type"] == "ephemeral"
    assert "Acme Corp" in shown(answer["blocks"])


async def test_double_submit_of_the_same_view_logs_once(slack, fake, store):
    await slack.command("/client", "add Acme")
    view = await _incident_modal(slack, fake)
    payload = slack.submit_payload(view, {"client": "Acme", "kind": "haggling", "note": ""})
    assert (await slack.payload(payload))[0] == 200
    assert (await slack.payload(payload, headers={"X-Slack-Retry-Num": "1"}))[0] == 200
    acme = store.clients.by_name(OWNER, "acme")
    assert store.incidents.count_for_client(OWNER, acme.id) == 1


async def test_modal_validation_errors_show_next_to_the_field(slack, fake, store):
    await slack.command("/client", "add Acme")
    view = await _incident_modal(slack, fake)
    status, body = await slack.submit(view, {"client": "Acme", "kind": None, "note": "x"})
    assert status == 200
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"kind"}
    assert body["errors"]["kind"]
    acme = store.clients.by_name(OWNER, "acme")
    assert store.incidents.count_for_client(OWNER, acme.id) == 0
    # Corrected in the same modal, it goes through, once.
    for _ in range(2):
        status, body = await slack.submit(view, {"client": "Acme", "kind": "disagreement", "note": "x"})
        assert status == 200 and not body
    assert store.incidents.count_for_client(OWNER, acme.id) == 1


async def test_invoice_add_without_text_opens_modal_and_saves(slack, fake, store):
    await slack.command("/client", "add Acme currency=EUR")
    status, body = await slack.command("/invoice", "add")
    assert status == 200
    [call] = await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    view = call.params["view"]
    assert view["callback_id"] == "invoice"
    status, body = await slack.submit(view, {"client": "Acme", "amount": "abc", "currency": "", "due": "", "ref": ""})
    assert body["response_action"] == "errors" and "amount" in body["errors"]
    # Slack keeps the same view (same id) open while the user corrects the field.
    status, body = await slack.submit(view, {"client": "Acme", "amount": "1.200,50", "currency": "EUR", "due": "30d", "ref": "INV-7"})
    assert status == 200 and not body
    invoice = store.invoices.by_ref(OWNER, "INV-7")
    assert invoice is not None and (invoice.amount_minor, invoice.currency) == (120050, "EUR")


async def test_expired_trigger_tells_the_user(slack, fake):
    await slack.command("/client", "add Acme")
    fake.fail("views.open", "expired_trigger_id")
    await slack.command("/incident", "")
    answer = await fake.wait_for(lambda: fake.responses[-1] if fake.responses else None)
    assert answer["response_type"] == "ephemeral"
    assert "again" in answer["text"]


async def test_dialogue_buttons_update_the_message_in_place(slack, fake, store):
    await slack.command("/client", "add Acme")
    status, first = await slack.command("/fire", "Acme")
    assert status == 200 and first["response_type"] == "ephemeral"
    step = buttons(first["blocks"])
    assert step and all(len(b["text"]["text"]) <= 75 for b in step)
    assert all(b["action_id"].startswith("dlg:") for b in step)
    assert all(json.loads(b["value"])["u"] == "U1" for b in step)
    answer = step[0]
    before = len(fake.responses)
    status, _ = await slack.click(answer, message_ts="1764064800.000777")
    assert status == 200
    replaced = await fake.wait_for(lambda: [r for r in fake.responses[before:] if r.get("replace_original")] or None)
    new_step = buttons(replaced[0]["blocks"])
    assert new_step and new_step != step
    # A second click on the same button of the same message (a double click) changes nothing more.
    again_before = len(fake.responses)
    await slack.click(answer, message_ts="1764064800.000777")
    again = await fake.wait_for(lambda: fake.responses[again_before:] or None)
    assert buttons(again[0]["blocks"]) == new_step


async def test_stale_button_gets_a_clear_reply(slack, fake):
    await slack.command("/client", "add Acme")
    _, first = await slack.command("/fire", "Acme")
    step = buttons(first["blocks"])
    await slack.click(step[0], message_ts="1764064800.000001")
    await fake.wait_for(lambda: fake.responses or None)
    before = len(fake.responses)
    # Another answer on the old copy of that step: the dialogue has moved on.
    await slack.click(step[1], message_ts="1764064800.000002")
    answers = await fake.wait_for(lambda: fake.responses[before:] or None)
    assert "moved on" in "\n".join(shown(a.get("blocks") or []) for a in answers)


async def test_someone_elses_button_gets_a_clear_ephemeral_reply(slack, fake, store):
    await slack.command("/client", "add Acme")
    _, first = await slack.command("/fire", "Acme", channel="C0SHARED")
    step = buttons(first["blocks"])
    before = len(fake.responses)
    status, _ = await slack.click(step[0], user="U2", channel="C0SHARED", ephemeral=False)
    assert status == 200
    [answer] = await fake.wait_for(lambda: fake.responses[before:] or None)
    assert answer["response_type"] == "ephemeral"
    assert answer.get("replace_original") is False
    assert "<@U1>" in answer["text"]
    # Sanne's Slack is Dutch; she is told in her language that the buttons are Steve's.
    from bot.i18n import messages

    assert answer["text"] == messages("nl")("slack.not_for_you", user="<@U1>")


async def test_message_shortcut_opens_prefilled_incident_form(slack, fake, store):
    await slack.command("/client", "add Acme")
    payload = fixture_json("message_action.json")
    payload["trigger_id"] = slack.trigger()
    payload["response_url"] = fake.response_url()
    status, _ = await slack.payload(payload)
    assert status == 200
    [call] = await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    view = call.params["view"]
    note = next(b for b in view["blocks"] if b.get("block_id") == "note")["element"]["initial_value"]
    assert "redo the logo for free" in note and "tiny & quick" in note and "Client Carl" in note
    assert fake.calls_to("chat.getPermalink")
    status, body = await slack.submit(view, {"client": "Acme", "kind": "scope-creep", "note": note})
    assert status == 200 and not body
    acme = store.clients.by_name(OWNER, "acme")
    [incident] = store.incidents.for_client(OWNER, acme.id)
    # The incident keeps the message's own time and link, not the time it was filed.
    assert incident.occurred_at == datetime.fromtimestamp(1764061200, tz=timezone.utc)
    assert incident.source_ref == "https://test.slack.com/archives/C2147483705/p1764061200000200"


async def test_app_home_shows_summary_and_fire_button(slack, fake):
    await slack.command("/client", "add Acme currency=EUR")
    _, added = await slack.command("/invoice", "add Acme 1200 issued=2026-10-01 due=2026-11-01 ref=INV-1")
    assert "INV-1" in shown(added["blocks"]), added
    status, _ = await slack.event(fixture_json("event_app_home_opened.json"))
    assert status == 200
    [call] = await fake.wait_for(lambda: fake.calls_to("views.publish") or None)
    assert call.params["user_id"] == "U1"
    home = call.params["view"]
    text = shown(home["blocks"])
    assert "*Clients*\n1" in text
    assert "*Owed to you*\n€1,200.00" in text
    assert "INV-1 · Acme · €1,200.00" in text  # the next reminder: the overdue invoice
    fire = button(home["blocks"], "fire")
    # The button opens a client picker; choosing one starts the dialogue in the DM.
    payload = slack.click_payload(fire)
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    payload.pop("response_url")
    payload.pop("channel")
    await slack.payload(payload)
    [opened] = await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    status, body = await slack.submit(opened.params["view"], {"client": "Acme"}, view_id="VPICK")
    assert status == 200
    [dm] = await fake.wait_for(lambda: fake.calls_to("chat.postMessage") or None)
    assert dm.params["channel"].startswith("D")
    assert any(b["action_id"].startswith("dlg:") for b in buttons(dm.params["blocks"]))


async def test_export_files_go_up_with_the_upload_api(slack, fake):
    await slack.command("/client", "add Acme")
    await slack.command("/incident", "Acme haggling asked for 30% off")
    status, reply = await slack.command("/client", "export Acme")
    assert status == 200
    done = await fake.wait_for(lambda: fake.calls_to("files.completeUploadExternal") or None)
    await fake.wait_for(lambda: len(fake.calls_to("files.completeUploadExternal")) >= 2 or None)
    assert {c.params["channel_id"] for c in fake.calls_to("files.completeUploadExternal")} == {"D1"}
    names = [c.params["filename"] for c in fake.calls_to("files.getUploadURLExternal")]
    assert any(n.endswith(".md") for n in names) and any(n.endswith(".csv") for n in names)
    assert any(b"asked for 30% off" in body for body in fake.uploads.values())
    assert done
    note = await fake.wait_for(lambda: [r for r in fake.responses if "direct messages" in r.get("text", "")] or None)
    assert note[0]["response_type"] == "ephemeral"


async def test_long_replies_arrive_as_several_messages(slack, fake, monkeypatch, core, env):
    from adapters.slack.service import start
    from bot import registry
    from bot.replies import Choice, Reply
    from slack_harness import SlackSender

    choices = tuple(Choice(f"nope:{i}", f"Option {i}") for i in range(1400))
    from bot.declare import Declared, Sub

    def many(ctx, args):
        return [Reply(text="Many", choices=choices)]

    monkeypatch.setitem(registry.DECLARED, "slacktest", Declared("slacktest", "usage.help", (Sub("slacktest", many, "usage.help"),)))
    monkeypatch.setitem(registry.COMMANDS, "slacktest", lambda ctx, text: registry.run_text(ctx, "slacktest", text))
    svc = await start(core, env)  # a fresh app that registers the test command too
    try:
        sender = SlackSender(svc, fake)
        status, first = await sender.command("/slacktest", "")
        assert status == 200 and len(first["blocks"]) <= 50
        rest = await fake.wait_for(lambda: fake.responses if len(fake.responses) >= 1 else None)
        got = buttons(first["blocks"]) + [b for r in rest for b in buttons(r["blocks"])]
        assert [json.loads(b["value"])["c"] for b in got] == [c.id for c in choices]
        assert all(r["replace_original"] is False and r["response_type"] == "ephemeral" for r in rest)
    finally:
        await svc.stop()


async def test_buttons_keep_working_after_a_restart(core, env, fake, store):
    from adapters.slack.service import start
    from slack_harness import SlackSender

    svc = await start(core, env)
    sender = SlackSender(svc, fake)
    await sender.command("/client", "add Acme")
    _, first = await sender.command("/fire", "Acme")
    step = buttons(first["blocks"])
    await svc.stop()

    svc = await start(core, env)  # a new process would read the same SQLite file
    try:
        sender = SlackSender(svc, fake)
        await sender.click(step[0])
        [replaced] = await fake.wait_for(lambda: [r for r in fake.responses if r.get("replace_original")] or None)
        assert buttons(replaced["blocks"]) and buttons(replaced["blocks"]) != step
    finally:
        await svc.stop()


async def test_a_slow_users_info_does_not_delay_the_answer(slack, fake):
    fake.fail("users.info", "ratelimited", status=429, headers={"Retry-After": "30"})
    status, reply = await slack.command("/redflag", "help")
    assert status == 200 and reply["text"]


async def test_a_refused_upload_is_told_not_hidden(slack, fake):
    await slack.command("/client", "add Acme")
    await slack.command("/incident", "Acme late-payment 40 days")
    fake.fail("files.getUploadURLExternal", "missing_scope", times=2)
    status, _ = await slack.command("/client", "export Acme")
    assert status == 200
    [note] = await fake.wait_for(lambda: [r for r in fake.responses if "couldn't upload" in r.get("text", "")] or None)
    assert note["response_type"] == "ephemeral"
    assert ".md" in note["text"] and ".csv" in note["text"]


async def test_a_form_refused_as_a_whole_keeps_the_modal_open(slack, fake, store):
    await slack.command("/client", "add Acme")
    view = await _incident_modal(slack, fake)
    view["callback_id"] = "retired-form:1"  # a form this version no longer knows
    status, body = await slack.submit(view, {"client": "Acme", "kind": "haggling", "note": ""})
    assert status == 200
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["client"]  # the first field, never the intro section
    assert "moved on" in body["errors"]["client"]
