"""Many workspaces: install through OAuth, serve the new team, rotate its token, uninstall."""
from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from adapters.slack.installations import SharedInstallationStore, open_engine

from adapters.slack.service import start
from bot.notify import DeliveryFailed, Recipient
from bot.replies import Reply
from slack_harness import CLIENT_ID, CLIENT_SECRET, SlackSender, fixture_json, grant, install
from storage.records import Owner

T2_TOKEN = "xoxb-2222-3333-T2BOTTOKEN"


async def eventually(condition, timeout: float = 5.0) -> None:
    """Wait for work Slack does not see (it was acked already); bounded by the condition, not a guess."""
    async def check() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(check(), timeout)


@pytest.fixture
def oauth_env(fake, env) -> dict[str, str]:
    """The single-workspace settings, with the OAuth client in place of a fixed bot token."""
    fake.accept_any_token = False  # only tokens the fake has issued work
    oauth = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    oauth.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    return oauth


@pytest.fixture
async def oauth_service(core, oauth_env):
    svc = await start(core, oauth_env)
    yield svc
    await svc.stop()


async def test_install_serve_and_uninstall(oauth_service, fake, store, db_path):
    base = f"http://127.0.0.1:{oauth_service.port}"
    fake.oauth_grants["code-1"] = grant(T2_TOKEN)
    assert await install(base, fake, "code-1") == 200
    [access] = fake.calls_to("oauth.v2.access")
    assert access.params.get("code") == "code-1"
    installations = SharedInstallationStore(client_id=CLIENT_ID, engine=open_engine(str(db_path)))
    bot = await installations.async_find_bot(enterprise_id=None, team_id="T2")
    assert bot.bot_token == T2_TOKEN

    slack = SlackSender(oauth_service, fake)
    status, reply = await slack.command("/client", "add Acme", team="T2")
    assert status == 200 and "Acme" in reply["text"]
    assert store.clients.by_name(Owner("T2", "U1"), "acme") is not None
    assert {c.token for c in fake.calls_to("users.info")} == {T2_TOKEN}

    # The scheduler's DM uses the stored installation.
    await oauth_service.notifier.send_dm(Recipient("slack", "T2", "U1"), [Reply(text="hi")])
    assert fake.calls_to("chat.postMessage")[-1].token == T2_TOKEN

    # Uninstall: the installation is removed; DMs fail for good; the paper trail stays.
    event = fixture_json("event_app_uninstalled.json")
    status, _ = await slack.event(event)
    assert status == 200
    # Bolt acks the event first and removes the installation right after.
    await eventually(lambda: installations.find_bot(enterprise_id=None, team_id="T2") is None)
    with pytest.raises(DeliveryFailed) as caught:
        await oauth_service.notifier.send_dm(Recipient("slack", "T2", "U1"), [Reply(text="hi")])
    assert caught.value.permanent is True
    assert store.clients.by_name(Owner("T2", "U1"), "acme") is not None


async def test_unknown_workspace_never_reaches_the_core(oauth_service, fake, store):
    slack = SlackSender(oauth_service, fake)
    status, _ = await slack.command("/client", "add Ghost", team="T9")
    assert status in (200, 401)
    assert store.clients.list(Owner("T9", "U1")) == []


async def test_bad_state_is_refused(oauth_service, fake, db_path):
    base = f"http://127.0.0.1:{oauth_service.port}"
    fake.oauth_grants["code-2"] = grant(T2_TOKEN)
    async with aiohttp.ClientSession() as s:
        async with s.get(base + "/slack/oauth_redirect", params={"code": "code-2", "state": "forged"}) as resp:
            assert resp.status >= 400
    assert fake.calls_to("oauth.v2.access") == []


async def test_expiring_token_is_rotated_for_scheduler_dms(oauth_service, fake, db_path):
    base = f"http://127.0.0.1:{oauth_service.port}"
    fake.oauth_grants["code-3"] = grant("xoxb-old-rotating", refresh="xoxe-1-refresh-a", expires_in=60)
    fake.refreshes["xoxe-1-refresh-a"] = grant("xoxb-new-rotated", refresh="xoxe-1-refresh-b", expires_in=43200)
    assert await install(base, fake, "code-3") == 200
    await oauth_service.notifier.send_dm(Recipient("slack", "T2", "U1"), [Reply(text="INV-1 is late")])
    refresh = [c for c in fake.calls_to("oauth.v2.access") if c.params.get("grant_type") == "refresh_token"]
    assert refresh and refresh[0].params["refresh_token"] == "xoxe-1-refresh-a"
    assert fake.calls_to("chat.postMessage")[-1].token == "xoxb-new-rotated"
    bot = await SharedInstallationStore(client_id=CLIENT_ID, engine=open_engine(str(db_path))).async_find_bot(enterprise_id=None, team_id="T2")
    assert bot.bot_token == "xoxb-new-rotated" and bot.bot_refresh_token == "xoxe-1-refresh-b"
    assert bot.bot_token_expires_at > int(time.time()) + 3600
