"""Debug logs of a whole session hold no token and no secret."""
from __future__ import annotations

import logging

from adapters.slack import redact
from adapters.slack.service import start
from bot.notify import Recipient
from bot.replies import Reply
from slack_harness import APP_TOKEN, BOT_TOKEN, CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET, SlackSender, grant, install, service_env

VERIFICATION_TOKEN = "gIkuvaNzQIHg97ATvDxqgjtO"  # the legacy token inside every recorded payload
SECRETS = (VERIFICATION_TOKEN, "code-9-one-time", BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, CLIENT_SECRET, "xoxb-old-rotating", "xoxb-new-rotated", "xoxe-1-refresh-a", "xoxe-1-refresh-b")


def assert_clean(caplog) -> None:
    everything = caplog.text + "\n".join(
        (r.getMessage() + (r.exc_text or "")) for r in caplog.records
    )
    assert caplog.records, "expected debug records"
    for secret in SECRETS:
        assert secret not in everything, secret
    # and no partial token leaks either
    assert "xoxb-" not in everything.replace("xoxb-fake", "")
    assert "xapp-" not in everything and "xoxe-" not in everything


async def test_http_session_and_dm_logs_are_clean(core, env, fake, caplog):
    caplog.set_level(logging.DEBUG)
    svc = await start(core, env)
    try:
        slack = SlackSender(svc, fake)
        await slack.command("/client", "add Acme")
        await slack.command("/client", 'add "token=xoxb-fake"')
        await svc.notifier.send_dm(Recipient("slack", "T1", "U1"), [Reply(text="INV-1 is late")])
        fake.fail("chat.postMessage", "invalid_auth")
        try:
            await svc.notifier.send_dm(Recipient("slack", "T1", "U1"), [Reply(text="again")])
        except Exception:
            logging.getLogger("test").exception("delivery failed with %s", BOT_TOKEN)
    finally:
        await svc.stop()
    assert_clean(caplog)
    assert "[redacted]" in caplog.text  # the scrubber did have something to do


async def test_oauth_and_socket_mode_logs_are_clean(core, fake, db_path, caplog):
    caplog.set_level(logging.DEBUG)
    env = service_env(fake.url, str(db_path), SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                      SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_APP_TOKEN=APP_TOKEN)
    svc = await start(core, env)
    try:
        fake.oauth_grants["code-9-one-time"] = grant("xoxb-old-rotating", refresh="xoxe-1-refresh-a", expires_in=60)
        fake.refreshes["xoxe-1-refresh-a"] = grant("xoxb-new-rotated", refresh="xoxe-1-refresh-b", expires_in=43200)
        assert await install(f"http://127.0.0.1:{svc.port}", fake, "code-9-one-time") == 200
        await svc.notifier.send_dm(Recipient("slack", "T2", "U1"), [Reply(text="hi")])
        await fake.wait_for(lambda: fake.sockets)
    finally:
        await svc.stop()
    assert_clean(caplog)


def test_scrub_patterns():
    redact.add_secrets(["my-signing-secret-123"])
    line = "Authorization: Bearer xoxb-1-2-abc, xoxp-9-x, xoxe.xoxb-1-zz, xapp-1-A-2-b client_secret=shhh-very-secret&code=1234.abcd.5678 my-signing-secret-123"
    clean = redact.scrub(line)
    for leaked in ("xoxb-1-2-abc", "xoxp-9-x", "xoxe.xoxb-1-zz", "xapp-1-A-2-b", "shhh-very-secret", "1234.abcd.5678", "my-signing-secret-123"):
        assert leaked not in clean
