"""Issue 14, item 9: every Block Kit input type reaches the core; view_closed is acknowledged;
a refused request leaves nothing of itself in the logs."""
from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl, quote

from bot import registry
from bot.replies import Reply
from slack_harness import fixture_json, fixture_text, shown

STATE = {
    "date": {"a": {"type": "datepicker", "selected_date": "2026-12-24"}},
    "time": {"a": {"type": "timepicker", "selected_time": "09:30"}},
    "when": {"a": {"type": "datetimepicker", "selected_date_time": 1798099200}},
    "kinds": {"a": {"type": "multi_static_select", "selected_options": [{"value": "haggling"}, {"value": "abuse"}]}},
    "boxes": {"a": {"type": "checkboxes", "selected_options": [{"value": "contract"}]}},
    "radio": {"a": {"type": "radio_buttons", "selected_option": {"value": "fire-now"}}},
    "who": {"a": {"type": "users_select", "selected_user": "U9"}},
    "team": {"a": {"type": "multi_users_select", "selected_users": ["U1", "U2"]}},
    "where": {"a": {"type": "conversations_select", "selected_conversation": "C123"}},
    "chan": {"a": {"type": "channels_select", "selected_channel": "C456"}},
    "ext": {"a": {"type": "external_select", "selected_option": {"value": "Acme"}}},
    "count": {"a": {"type": "number_input", "value": "3"}},
    "mail": {"a": {"type": "email_text_input", "value": "pay@acme.io"}},
    "link": {"a": {"type": "url_text_input", "value": "https://acme.io"}},
    "rich": {"a": {"type": "rich_text_input", "rich_text_value": {"type": "rich_text", "elements": [
        {"type": "rich_text_section", "elements": [{"type": "text", "text": "Shouted "}, {"type": "text", "text": "again", "style": {"bold": True}}]}]}}},
    "plain": {"a": {"type": "plain_text_input", "value": "just text"}},
}
EXPECTED = {
    "date": "2026-12-24", "time": "09:30", "when": "2026-12-24T08:00:00+00:00", "kinds": "haggling,abuse",
    "boxes": "contract", "radio": "fire-now", "who": "U9", "team": "U1,U2", "where": "C123", "chan": "C456",
    "ext": "Acme", "count": "3", "mail": "pay@acme.io", "link": "https://acme.io", "rich": "Shouted again", "plain": "just text",
}


async def test_every_input_type_reaches_the_core(slack, fake, monkeypatch):
    seen: dict[str, str] = {}

    def echo(ctx, values):
        seen.update({k: v for k, v in values.items() if not k.startswith("_")})
        return [Reply(text="got it")]

    monkeypatch.setitem(registry.FORMS, "slacktestform", echo)
    p = fixture_json("view_submission.json")
    p["view"].update(callback_id="slacktestform", private_metadata=json.dumps({"c": "C2147483705", "r": fake.response_url()}), state={"values": STATE})
    p["view"]["blocks"] = [{"type": "input", "block_id": k, "element": {"type": "x", "action_id": "a"}, "label": {"type": "plain_text", "text": k}} for k in STATE]
    status, body = await slack.payload(p)
    assert status == 200 and not body
    assert seen == EXPECTED
    answer = await fake.wait_for(lambda: fake.responses[-1] if fake.responses else None)
    assert "got it" in shown(answer["blocks"])


async def test_view_closed_is_acknowledged_quietly(slack, caplog):
    caplog.set_level(logging.INFO)
    p = {
        "type": "view_closed",
        "team": {"id": "T1", "domain": "example"},
        "user": {"id": "U1", "team_id": "T1"},
        "api_app_id": "A0APP",
        "view": {"id": "V0CLOSED", "callback_id": "incident", "type": "modal", "private_metadata": "", "state": {"values": {}}},
        "is_cleared": False,
        "is_enterprise_install": False,
        "enterprise": None,
    }
    status, _ = await slack.payload(p)
    assert status == 200
    assert not [r for r in caplog.records if "nhandled" in r.getMessage()]


async def test_a_request_with_a_bad_signature_leaves_no_content_in_the_logs(slack, fake, caplog):
    caplog.set_level(logging.DEBUG, logger="adapters")
    caplog.set_level(logging.INFO)
    body, _ = slack.command_body("/incident", "Acme abuse the secret gossip about Bob")
    legacy_token = dict(parse_qsl(fixture_text("command_client_add.txt")))["token"]
    url = dict(parse_qsl(body))["response_url"]
    status, _ = await slack.post(body, signature="v0=" + "0" * 64)
    assert status == 401
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any("invalid signature" in m for m in loud)  # said, once, without the request
    for line in loud:
        assert url not in line and quote(url, safe="") not in line, line
        assert "gossip" not in line and legacy_token not in line, line
