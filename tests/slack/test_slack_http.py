"""Slash commands over real HTTP: signatures, raw form bodies, ephemeral replies, retries."""
from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

import aiohttp

from slack_harness import SIGNING_SECRET, fixture_text, shown, sign, text_of_blocks, unescape
from storage.records import Owner

OWNER = Owner("T1", "U1")


async def test_healthz(slack):
    async with aiohttp.ClientSession() as s:
        async with s.get(slack.base + "/healthz") as resp:
            assert resp.status == 200
            assert (await resp.json()) == {"ok": True, "mode": "http", "oauth": False}


async def test_recorded_command_body_adds_client_and_answers_ephemerally(slack, store, fake):
    body = fixture_text("command_client_add.txt")  # exactly as Slack sent it
    fields = dict(parse_qsl(body))
    fields["response_url"] = fake.response_url()
    status, reply = await slack.post(urlencode(fields))
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert "Acme & Sons" in unescape(reply["text"])
    assert "Acme & Sons" in shown(reply["blocks"])
    client = store.clients.by_name(OWNER, "acme & sons")
    assert client is not None and client.terms_days == 14 and client.email == "pay@acme.io"
    # The user's Slack locale and zone came from users.info and were remembered.
    assert fake.calls_to("users.info")[0].params["include_locale"] in ("true", "1", True)
    settings = store.users.get(OWNER)
    assert settings.platform_locale == "en-US" and settings.platform_timezone == "Europe/Amsterdam"


async def test_users_info_is_cached(slack, fake):
    for _ in range(3):
        status, _ = await slack.command("/redflag", "help")
        assert status == 200
    assert len(fake.calls_to("users.info")) == 1


async def test_help_blocks_and_fallback_text(slack):
    status, reply = await slack.command("/redflag", "help")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].strip()
    assert "/client" in text_of_blocks(reply["blocks"])


async def test_slack_locale_picks_the_language_and_settings_override_it(slack, fake, store):
    from bot.i18n import messages

    # Sanne's Slack profile says nl-NL: Redflag answers in Dutch without being told.
    status, reply = await slack.command("/client", "add Bakkerij", user="U2")
    assert status == 200
    assert messages("nl")("client.added", name="Bakkerij") in shown(reply["blocks"])
    # Her own choice wins over Slack's locale.
    await slack.command("/redflag", "settings lang=tr", user="U2")
    status, reply = await slack.command("/client", "add Fırın", user="U2")
    assert messages("tr")("client.added", name="Fırın") in shown(reply["blocks"])
    assert store.users.get(Owner("T1", "U2")).platform_locale == "nl-NL"


TRICKY = [
    'add "payload=1&token=xoxb-fake&type=view_submission"',
    'add "100% & more = less"',
    'add "O\'Brien \\"Studio\\""',
    "add \"Café 🚩 Ünïcode 😀\"",
    'add "a+b c%20d %E2%9C%93"',
]


async def test_any_text_a_user_can_type(slack, store):
    for text in TRICKY:
        status, reply = await slack.command("/client", text)
        assert status == 200, text
        assert not reply.get("response_action"), text
    names = {c.name for c in store.clients.list(OWNER)}
    assert names == {
        "payload=1&token=xoxb-fake&type=view_submission",
        "100% & more = less",
        'O\'Brien "Studio"',
        "Café 🚩 Ünïcode 😀",
        "a+b c%20d %E2%9C%93",
    }


async def test_user_text_cannot_ping_the_channel(slack):
    status, reply = await slack.command("/client", 'add "<!channel> Evil <@U2>"')
    assert status == 200
    shown = text_of_blocks(reply["blocks"])
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown


async def test_missing_bad_or_stale_signature_is_401_and_writes_nothing(slack, store):
    body, _ = slack.command_body("/client", "add Sneaky")
    now = int(time.time())
    cases = [
        {"signature": ""},
        {"signature": "v0=" + "0" * 64},
        {"signature": sign("not-the-secret", str(now), body)},
        {"timestamp": now - 6 * 60},  # older than 5 minutes, correctly signed for that time
    ]
    for case in cases:
        ts = case.get("timestamp", now)
        signature = case.get("signature", sign(SIGNING_SECRET, str(ts), body))
        status, _ = await slack.post(body, timestamp=ts, signature=signature)
        assert status == 401, case
    # A body altered after signing is refused too.
    ts = str(now)
    status, _ = await slack.post(body.replace("Sneaky", "Sneakier"), timestamp=now, signature=sign(SIGNING_SECRET, ts, body))
    assert status == 401
    assert store.clients.list(OWNER) == []
    assert store.users.get(OWNER) is None  # never reached the core


async def test_retry_of_the_same_command_logs_once(slack, store):
    await slack.command("/client", "add Acme")
    body, trigger = slack.command_body("/incident", "Acme scope-creep wants a free logo")
    first = await slack.post(body)
    retry = await slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first[0] == retry[0] == 200
    assert retry[1]["text"] == first[1]["text"]
    client = store.clients.by_name(OWNER, "acme")
    assert store.incidents.count_for_client(OWNER, client.id) == 1


async def test_unknown_command_text_gets_usage(slack):
    status, reply = await slack.command("/invoice", "frobnicate")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert "frobnicate" in text_of_blocks(reply["blocks"])


async def test_url_verification(slack):
    status, reply = await slack.event({"token": "x", "challenge": "c-123", "type": "url_verification"})
    assert status == 200 and reply == {"challenge": "c-123"}


async def test_a_slow_command_is_acked_in_time_and_answered_after(slack, fake):
    from bot.i18n import messages
    from redflag_testkit import frozen

    status, _ = await slack.command("/client", "list")  # starts the slow commands' worker process
    [pid] = slack.service.bridge.lane.worker_pids()
    slack.service.bridge.ack_budget = 0.05
    with frozen(pid):  # the report takes as long as the test needs (e.g. the first chart of the day)
        status, ack = await slack.command("/client", "report")
        assert status == 200
        assert ack == {"text": messages("en")("slack.working"), "response_type": "ephemeral"}
    [answer] = await fake.wait_for(lambda: fake.responses or None)
    assert answer["replace_original"] is True and answer["response_type"] == "ephemeral"
    assert "nothing to rank" in shown(answer["blocks"])


async def test_a_retry_while_the_first_is_still_running_waits_for_it(slack, fake, store):
    """A slow command runs in the worker with a `running` row: a retry meanwhile waits for its answer."""
    from redflag_testkit import frozen

    await slack.command("/client", "add Acme")
    await slack.command("/incident", "Acme haggling again")
    status, _ = await slack.command("/client", "list")  # starts the first worker process (of two)
    [pid] = slack.service.bridge.lane.worker_pids()
    slack.service.bridge.ack_budget = 0.05
    body, _ = slack.command_body("/client", "show Acme")
    with frozen(pid):  # the first copy is in its worker as long as the test needs
        first = await slack.post(body)
        retry = await slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        assert first[0] == retry[0] == 200
        assert len(store.database.query("SELECT state FROM request_answers WHERE state = 'running'")) == 1
    answers = await fake.wait_for(lambda: len(fake.responses) >= 2 and fake.responses)
    assert shown(answers[-1]["blocks"]) == shown(answers[-2]["blocks"]) and "Acme" in shown(answers[-1]["blocks"])
    # the retry joined the running request instead of starting another: no second worker was ever needed
    assert slack.service.bridge.lane.worker_pids() == [pid]
    acme = store.clients.by_name(OWNER, "acme")
    assert store.incidents.count_for_client(OWNER, acme.id) == 1
