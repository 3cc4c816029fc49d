"""Reminder DMs outside a request, and Slack API failures while serving requests."""
from __future__ import annotations

import json

import pytest

from bot.notify import DeliveryFailed, Reason, Recipient
from bot.replies import Attachment, Choice, Reply
from slack_harness import BOT_TOKEN, buttons, shown

ME = Recipient("slack", "T1", "U1")
NUDGE = Reply(
    title="INV-0042 is 7 days late",
    text="Acme owes *€1,200.00*.",
    choices=(Choice("nudge:42:paid", "Mark paid", "primary"), Choice("nudge:42:snooze", "Snooze 7 days")),
    private=False,
)


async def test_dm_opens_the_conversation_and_posts_with_buttons(service, fake):
    await service.notifier.send_dm(ME, [NUDGE])
    [opened] = fake.calls_to("conversations.open")
    assert opened.params["users"] == "U1" and opened.token == BOT_TOKEN
    [post] = fake.calls_to("chat.postMessage")
    assert post.params["channel"] == "D1"
    assert "INV-0042 is 7 days late" in post.params["text"]
    assert "€1,200.00" in shown(post.params["blocks"])
    ids = [(b["action_id"], json.loads(b["value"])["u"]) for b in buttons(post.params["blocks"])]
    assert ids == [("nudge:42:paid", "U1"), ("nudge:42:snooze", "U1")]


async def test_dm_with_a_file_uses_the_upload_api(service, fake):
    report = Attachment("acme.csv", b"date,kind\n2026-11-01,late-payment\n", "text/csv", "Acme paper trail")
    await service.notifier.send_dm(ME, [Reply(text="Your export", files=(report,))])
    assert fake.methods()[-3:] == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert list(fake.uploads.values()) == [report.content]
    done = fake.calls_to("files.completeUploadExternal")[0].params
    assert done["channel_id"] == "D1" and done["files"][0]["title"] == "Acme paper trail"


@pytest.mark.parametrize("method,error", [
    ("chat.postMessage", "channel_not_found"),
    ("chat.postMessage", "not_in_channel"),
    ("conversations.open", "user_not_found"),
    ("conversations.open", "invalid_auth"),
    ("chat.postMessage", "account_inactive"),
])
async def test_undeliverable_dm_is_a_permanent_failure(service, fake, error, method):
    fake.fail(method, error)
    with pytest.raises(DeliveryFailed) as caught:
        await service.notifier.send_dm(ME, [NUDGE])
    assert caught.value.permanent is True and caught.value.reason == error


async def test_short_rate_limit_is_handed_to_the_sweep_not_retried_inline(service, fake):
    # The sweep waits out Retry-After for the whole workspace (bot/nudges/delivery.py); a post retried
    # inside the client after a lost answer could arrive twice.
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "0"})
    with pytest.raises(DeliveryFailed) as caught:
        await service.notifier.send_dm(ME, [NUDGE])
    assert (caught.value.reason, caught.value.retry_after, caught.value.unknown) == ("ratelimited", 0.0, False)
    assert len(fake.calls_to("chat.postMessage")) == 1 and fake.posted() == []


async def test_long_rate_limit_is_handed_back_with_its_retry_after(service, fake):
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "120"})
    with pytest.raises(DeliveryFailed) as caught:
        await service.notifier.send_dm(ME, [NUDGE])
    assert (caught.value.reason, caught.value.permanent, caught.value.retry_after) == ("ratelimited", False, 120.0)
    assert len(fake.calls_to("chat.postMessage")) == 1  # did not sit out two minutes inline


async def test_server_error_after_the_post_is_an_unknown_outcome(service, fake):
    fake.fail("chat.postMessage", status=500, body="<html>oops</html>")
    with pytest.raises(DeliveryFailed) as caught:
        await service.notifier.send_dm(ME, [NUDGE])
    assert (caught.value.permanent, caught.value.unknown) == (False, True)  # it may have arrived: look first
    assert len(fake.calls_to("chat.postMessage")) == 1
    fake.fail("conversations.open", status=503, body="unavailable")
    with pytest.raises(DeliveryFailed) as caught:
        await service.notifier.send_dm(ME, [NUDGE])
    assert (caught.value.reason, caught.value.unknown) == ("network", False)  # nothing was posted


async def test_unreachable_slack_is_a_temporary_network_failure(core, env, fake):
    from adapters.slack.service import start

    env = dict(env, SLACK_API_URL="http://127.0.0.1:9/api/")  # nothing listens there
    svc = await start(core, env)
    try:
        with pytest.raises(DeliveryFailed) as caught:
            await svc.notifier.send_dm(ME, [NUDGE])
        assert (caught.value.reason, caught.value.permanent) == ("network", False)
    finally:
        await svc.stop()


async def test_commands_still_work_when_users_info_fails(slack, fake, store):
    fake.fail("users.info", "invalid_auth")
    status, reply = await slack.command("/client", "add Acme")
    assert status == 200 and "Acme" in reply["text"]
    fake.fail("users.info", status=500, body="down", times=2)
    status, reply = await slack.command("/client", "list", user="U2")
    assert status == 200 and reply["text"]


async def test_modal_answer_falls_back_to_dm_when_the_channel_refuses(slack, fake, store):
    await slack.command("/client", "add Acme")
    await slack.command("/incident", "")
    [call] = await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    view = call.params["view"]
    meta = json.loads(view["private_metadata"])
    meta.pop("r")  # no response_url to answer through (e.g. opened from a shortcut long ago)
    view["private_metadata"] = json.dumps(meta)
    fake.fail("chat.postEphemeral", "not_in_channel")
    status, _ = await slack.submit(view, {"client": "Acme", "kind": "haggling", "note": ""})
    assert status == 200
    [dm] = await fake.wait_for(lambda: fake.calls_to("chat.postMessage") or None)
    assert dm.params["channel"] == "D1" and "Acme" in shown(dm.params["blocks"])


async def test_replace_failure_is_logged_not_raised(slack, fake, caplog):
    await slack.command("/client", "add Acme")
    _, first = await slack.command("/fire", "Acme")
    step = buttons(first["blocks"])
    payload = slack.click_payload(step[0], ephemeral=False)
    payload.pop("response_url")  # an old message: update it with chat.update
    fake.fail("chat.update", "channel_not_found")
    status, _ = await slack.payload(payload)
    assert status == 200
    await fake.wait_for(lambda: fake.calls_to("chat.update") or None)
    # The app keeps serving.
    status, reply = await slack.command("/redflag", "help")
    assert status == 200 and reply["text"]


async def test_revoked_bot_token_refuses_politely_and_writes_nothing(core, env, fake, store):
    from adapters.slack.service import start
    from slack_harness import SlackSender
    from storage.records import Owner

    fake.fail("auth.test", "invalid_auth", times=5)
    svc = await start(core, env)
    try:
        slack = SlackSender(svc, fake)
        status, body = await slack.command("/client", "add Acme")
        assert status == 200 and "install" in str(body).lower()
        assert store.clients.list(Owner("T1", "U1")) == []
        # Once Slack accepts the token again, the same app serves normally.
        fake.failures.clear()
        status, body = await slack.command("/client", "add Acme")
        assert status == 200 and "Acme" in body["text"]
    finally:
        await svc.stop()


@pytest.mark.parametrize("method,error,kind", [
    ("chat.postMessage", "channel_not_found", Reason.NOT_FOUND),
    ("conversations.open", "user_not_found", Reason.NOT_FOUND),
    ("conversations.open", "invalid_auth", Reason.ACCESS_REVOKED),
    ("chat.postMessage", "account_inactive", Reason.ACCESS_REVOKED),
    ("chat.postMessage", "not_in_channel", Reason.OTHER),
])
async def test_slack_errors_become_the_cores_reasons(service, fake, method, error, kind):
    fake.fail(method, error)
    with pytest.raises(DeliveryFailed) as caught:
        await service.notifier.send_dm(ME, [NUDGE])
    assert (caught.value.reason, caught.value.kind) == (error, kind)
