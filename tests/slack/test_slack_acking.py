"""Issue 20: Bolt answers at the listener's ack (no 10 ms poll); what the listener does after goes on.

The first tests drive the real Bolt `AsyncApp` (Redflag's mode, `process_before_response=True`) with
signed requests and `acking.Continuations` listeners; the last ones the real Slack service over HTTP.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import urlencode

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import service as slack_service
from adapters.slack.acking import Continuations
from adapters.slack.service import start
from slack_harness import BOT_TOKEN, SIGNING_SECRET, SlackSender, fixture_json, sign


def _app(fake) -> AsyncApp:
    return AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=fake.url), signing_secret=SIGNING_SECRET,
                    process_before_response=True)


def _signed(body: str) -> AsyncBoltRequest:
    ts = str(int(time.time()))
    return AsyncBoltRequest(body=body, headers={
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": sign(SIGNING_SECRET, ts, body),
    })


def _command(text: str = "") -> AsyncBoltRequest:
    return _signed(urlencode({"command": "/x", "text": text, "team_id": "T1", "user_id": "U1", "channel_id": "C1",
                              "trigger_id": "1.2.3", "response_url": "http://127.0.0.1:9/r"}))


async def test_the_answer_goes_out_at_the_ack_while_the_rest_goes_on(fake):
    app, continuations = _app(fake), Continuations()
    release, finished = asyncio.Event(), []

    async def listener(ack, body) -> None:
        await ack(text=f"got {body['text']}")
        await release.wait()  # e.g. a second message posted to the response_url
        finished.append(body["text"])

    app.command("/x")(continuations.listener(listener))
    response = await asyncio.wait_for(app.async_dispatch(_command("hi")), 5)
    assert (response.status, response.body) == (200, "got hi")
    assert finished == [] and len(continuations) == 1  # answered before the listener's work was done
    release.set()
    await continuations.drain(5)
    assert finished == ["hi"] and len(continuations) == 0


async def test_a_failure_before_the_ack_is_bolts_to_answer(fake, caplog):
    app, continuations = _app(fake), Continuations()

    async def listener(ack) -> None:
        raise RuntimeError("broken before the ack")

    app.command("/x")(continuations.listener(listener))
    response = await app.async_dispatch(_command())
    assert response.status == 500  # Bolt's error handler, as when the listener runs unwrapped
    assert not [r for r in caplog.records if "after its ack" in r.getMessage()]


async def test_a_failure_after_the_ack_is_logged_and_the_answer_stands(fake, caplog):
    caplog.set_level(logging.ERROR, logger="adapters.slack.acking")
    app, continuations = _app(fake), Continuations()

    async def listener(ack) -> None:
        await ack(text="Logged.")
        await asyncio.sleep(0)
        raise RuntimeError("the second message could not be posted")

    app.command("/x")(continuations.listener(listener))
    response = await app.async_dispatch(_command())
    assert (response.status, response.body) == (200, "Logged.")
    await continuations.drain(5)
    [record] = [r for r in caplog.records if "after its ack" in r.getMessage()]
    assert "could not be posted" in str(record.exc_info[1])


async def test_a_listener_that_returns_without_acking_is_answered_when_it_returns(fake):
    app, continuations = _app(fake), Continuations()

    async def listener(ack, respond) -> None:
        await asyncio.sleep(0.01)

    app.command("/x")(continuations.listener(listener))
    response = await app.async_dispatch(_command())
    assert response.status == 404 and len(continuations) == 0  # Bolt's answer to a listener that never acked


async def test_an_event_listener_runs_after_bolt_has_acked_it(fake):
    app, continuations = _app(fake), Continuations()
    release, seen = asyncio.Event(), []

    async def on_home(event) -> None:  # takes no ack: Bolt acks events itself
        await release.wait()
        seen.append(event["user"])

    app.event("app_home_opened")(continuations.listener(on_home))
    body = fixture_json("event_app_home_opened.json")
    ts = str(int(time.time()))
    raw = json.dumps(body)
    request = AsyncBoltRequest(body=raw, headers={"content-type": "application/json", "x-slack-request-timestamp": ts,
                                                  "x-slack-signature": sign(SIGNING_SECRET, ts, raw)})
    response = await asyncio.wait_for(app.async_dispatch(request), 5)
    assert response.status == 200 and seen == [] and len(continuations) == 1
    release.set()
    await continuations.drain(5)
    assert seen == [body["event"]["user"]]


async def test_drain_cancels_what_outlives_its_timeout(fake, caplog):
    app, continuations = _app(fake), Continuations()

    async def listener(ack) -> None:
        await ack()
        await asyncio.sleep(3600)

    app.command("/x")(continuations.listener(listener))
    assert (await app.async_dispatch(_command())).status == 200
    await continuations.drain(0.05)
    assert len(continuations) == 0
    assert [r for r in caplog.records if "cancelled" in r.getMessage()]


# -- the real service -----------------------------------------------------------
async def test_a_modal_opened_after_the_ack_still_opens_when_the_service_stops(core, env, fake, caplog):
    """`/incident` with no text acks empty, then opens the form; a stop right after waits for it."""
    svc = await start(core, env)
    slack = SlackSender(svc, fake)
    await slack.command("/client", "add Acme")
    fake.slow("views.open", 0.5)
    status, ack = await slack.command("/incident", "")
    assert status == 200 and not ack  # the empty ack went out ...
    assert len(svc.bridge.continuations) == 1  # ... while the form was still being opened
    await svc.stop()
    assert len(svc.bridge.continuations) == 0
    [call] = fake.calls_to("views.open")
    assert call.params["view"]["callback_id"] == "incident"
    assert fake.in_flight == 0  # answered, not cut off
    assert not [r for r in caplog.records if "cancelled" in r.getMessage() or "after its ack" in r.getMessage()]


async def test_a_stop_does_not_wait_for_ever_on_a_hung_slack_call(core, env, fake, monkeypatch, caplog):
    monkeypatch.setattr(slack_service, "DRAIN_TIMEOUT", 0.2)
    svc = await start(core, env)
    slack = SlackSender(svc, fake)
    await slack.command("/client", "add Acme")
    fake.slow("views.open", 30)
    status, _ = await slack.command("/incident", "")
    assert status == 200
    await asyncio.wait_for(svc.stop(), 10)
    assert [r for r in caplog.records if "cancelled" in r.getMessage()]


async def test_a_command_answered_in_its_ack_starts_no_task_and_one_with_files_does(core, env, fake, monkeypatch):
    """The slash commands' listener returns at its ack and hands on only what follows it (issue 20, tenth
    pass): `/incident` answered in its ack starts nothing; `/client export`, whose files follow, starts one
    task, which uploads them after the answer went out."""
    kept: list[asyncio.Task] = []
    keep = Continuations._keep

    def spy(self, task, answered):  # type: ignore[no-untyped-def]
        kept.append(task)
        return keep(self, task, answered)

    monkeypatch.setattr(Continuations, "_keep", spy)
    svc = await start(core, env)
    try:
        slack = SlackSender(svc, fake)
        await slack.command("/client", "add Acme")
        status, ack = await slack.command("/incident", "Acme haggling asked for 30% off")
        assert status == 200 and "Logged" in json.dumps(ack)
        assert kept == [] and len(svc.bridge.continuations) == 0
        assert core.store.database.one("SELECT count(*) AS n FROM incidents")["n"] == 1
        status, _ = await slack.command("/client", "export Acme")
        assert status == 200 and len(kept) == 1
        await svc.bridge.continuations.drain(10)
        assert kept[0].done() and not kept[0].cancelled() and kept[0].exception() is None
        names = [c.params["filename"] for c in fake.calls_to("files.getUploadURLExternal")]
        assert any(n.endswith(".csv") for n in names)
    finally:
        await svc.stop()


async def test_a_command_failing_before_its_ack_is_answered_by_bolt_and_logged(core, env, fake, monkeypatch, caplog):
    """The listener is awaited by Bolt: a failure of the core before the ack is Bolt's to answer (a 500,
    which Slack shows as a failed command), never a task failing unseen."""
    svc = await start(core, env)
    try:
        slack = SlackSender(svc, fake)

        async def broken(key, event, ttl=3600.0):  # type: ignore[no-untyped-def]
            raise RuntimeError("core down")

        monkeypatch.setattr(svc.bridge, "handle", broken)
        status, _ = await slack.command("/incident", "Acme haggling asked for 30% off")
        assert status == 500
        assert len(svc.bridge.continuations) == 0
        assert [r for r in caplog.records if r.exc_info and "core down" in str(r.exc_info[1])]
    finally:
        await svc.stop()
