"""Socket Mode: the same app over a WebSocket (the fake plays Slack's socket server)."""
from __future__ import annotations

from urllib.parse import parse_qsl

import aiohttp
import pytest

from adapters.slack.service import start
from slack_harness import APP_TOKEN, BOT_TOKEN, fixture_json, fixture_text, service_env, shown
from storage.records import Owner


@pytest.fixture
async def socket_service(core, fake, db_path):
    env = service_env(fake.url, str(db_path), SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
    svc = await start(core, env)
    yield svc
    await svc.stop()


def command_envelope(envelope_id: str, text: str, trigger: str, retry: int | None = None, command: str = "/client") -> dict:
    payload = dict(parse_qsl(fixture_text("command_client_add.txt")))
    payload.update(command=command, text=text, trigger_id=trigger)
    envelope = {"envelope_id": envelope_id, "type": "slash_commands", "payload": payload, "accepts_response_payload": True}
    if retry is not None:
        envelope.update(retry_attempt=retry, retry_reason="timeout")
    return envelope


async def test_socket_mode_serves_commands_and_acks_with_the_reply(socket_service, fake, store):
    await fake.wait_for(lambda: fake.sockets)
    assert fake.calls_to("apps.connections.open")[0].token == APP_TOKEN
    await fake.push(command_envelope("env-1", 'add "Acme & Co" terms=14', "trig.1"))
    [ack] = await fake.wait_for(lambda: [a for a in fake.socket_acks if a["envelope_id"] == "env-1"] or None)
    assert ack["payload"]["response_type"] == "ephemeral"
    assert "Acme & Co" in shown(ack["payload"]["blocks"])
    assert store.clients.by_name(Owner("T1", "U1"), "acme & co").terms_days == 14


async def test_socket_mode_retry_logs_once(socket_service, fake, store):
    await fake.wait_for(lambda: fake.sockets)
    await fake.push(command_envelope("env-a", "add Acme", "trig.a"))
    await fake.wait_for(lambda: [a for a in fake.socket_acks if a["envelope_id"] == "env-a"] or None)
    await fake.push(command_envelope("env-b", "Acme late-payment paid 40 days late", "trig.b", command="/incident"))
    await fake.push(command_envelope("env-c", "Acme late-payment paid 40 days late", "trig.b", retry=1, command="/incident"))
    await fake.wait_for(lambda: {"env-b", "env-c"} <= {a["envelope_id"] for a in fake.socket_acks} or None)
    acme = store.clients.by_name(Owner("T1", "U1"), "acme")
    assert store.incidents.count_for_client(Owner("T1", "U1"), acme.id) == 1


async def test_socket_mode_buttons_and_events(socket_service, fake):
    await fake.wait_for(lambda: fake.sockets)
    await fake.push(command_envelope("env-1", "add Acme", "trig.1"))
    await fake.wait_for(lambda: [a for a in fake.socket_acks if a["envelope_id"] == "env-1"] or None)
    await fake.push(command_envelope("env-2", "", "trig.2", command="/incident"))
    await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    event = fixture_json("event_app_home_opened.json")
    await fake.push({"envelope_id": "env-3", "type": "events_api", "payload": event, "accepts_response_payload": False})
    [home] = await fake.wait_for(lambda: fake.calls_to("views.publish") or None)
    assert home.params["user_id"] == "U1"


async def test_http_events_path_is_closed_in_socket_mode(socket_service):
    base = f"http://127.0.0.1:{socket_service.port}"
    async with aiohttp.ClientSession() as s:
        async with s.post(base + "/slack/events", data="command=/client&text=add+X") as resp:
            assert resp.status in (404, 405)
        async with s.get(base + "/healthz") as resp:
            assert (await resp.json())["mode"] == "socket"


async def test_socket_mode_invoice_replayed_after_a_restart_is_added_once(core, fake, db_path, store):
    """Issue 14: the retry memory and the request-id keys hold over Socket Mode and across a restart."""
    env = service_env(fake.url, str(db_path), SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
    svc = await start(core, env)
    try:
        await fake.wait_for(lambda: fake.sockets)
        await fake.push(command_envelope("env-1", "add Acme", "trig.1"))
        await fake.push(command_envelope("env-2", "add Acme 900", "trig.inv", command="/invoice"))
        [first] = await fake.wait_for(lambda: [a for a in fake.socket_acks if a["envelope_id"] == "env-2"] or None)
    finally:
        await svc.stop()
    svc = await start(core, env)
    try:
        await fake.wait_for(lambda: len(fake.sockets) >= 2)
        await fake.push(command_envelope("env-3", "add Acme 900", "trig.inv", retry=1, command="/invoice"))
        [again] = await fake.wait_for(lambda: [a for a in fake.socket_acks if a["envelope_id"] == "env-3"] or None)
    finally:
        await svc.stop()
    assert shown(again["payload"]["blocks"]) == shown(first["payload"]["blocks"])
    assert [i.ref for i in store.invoices.list(Owner("T1", "U1"))] == ["INV-0001"]
