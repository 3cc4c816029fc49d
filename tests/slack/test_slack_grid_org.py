"""Issue 14, item 4: an Enterprise Grid org-wide install works end to end.

One OAuth grant for org E1 (no team); U5 uses the app from workspaces T_A and
T_B of that org. Install, command, click, submission, App Home and the
scheduler's reminder DM all reach U5's one set of records and use the org's bot.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
import yaml
from pathlib import Path
from adapters.slack.installations import SharedInstallationStore, open_engine

from adapters.slack.service import start
from bot.notify import Recipient
from bot.replies import Reply
from slack_harness import CLIENT_ID, CLIENT_SECRET, SlackSender, buttons, fixture_json, grant, install, shown
from storage.records import Owner

ORG_TOKEN = "xoxb-org-E1-BOTTOKEN"
PERSON = Owner("E1", "U5")


def org_grant() -> dict:
    g = grant(ORG_TOKEN)
    g.update(team=None, enterprise={"id": "E1", "name": "Big Org"}, is_enterprise_install=True, authed_user={"id": "U5"})
    return g


@pytest.fixture
async def org(core, env, fake, db_path):
    fake.accept_any_token = False
    fake.user("U5", name="Gina Grid")
    oauth_env = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    oauth_env.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    svc = await start(core, oauth_env)
    fake.oauth_grants["org-code"] = org_grant()
    assert await install(f"http://127.0.0.1:{svc.port}", fake, "org-code") == 200
    yield svc
    await svc.stop()


def _command(slack: SlackSender, command: str, text: str, team: str = "T_B") -> str:
    body, _ = slack.command_body(command, text, user="U5", team=team, channel="C0GRID1")
    fields = dict(parse_qsl(body, keep_blank_values=True))
    fields.update(enterprise_id="E1", enterprise_name="Big Org", is_enterprise_install="true")
    return urlencode(fields)


def _org_wide(payload: dict, user_team: str = "T_A") -> dict:
    payload["team"] = None  # org-wide interactivity payloads carry no team
    payload["user"]["team_id"] = user_team
    payload["enterprise"] = {"id": "E1", "name": "Big Org"}
    payload["is_enterprise_install"] = True
    return payload


def test_manifest_declares_org_wide_installs():
    manifest = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text())
    assert manifest["settings"]["org_deploy_enabled"] is True


async def test_org_install_is_stored_for_the_org(org, db_path):
    bot = await SharedInstallationStore(client_id=CLIENT_ID, engine=open_engine(str(db_path))).async_find_bot(
        enterprise_id="E1", team_id=None, is_enterprise_install=True
    )
    assert bot is not None and bot.bot_token == ORG_TOKEN and bot.is_enterprise_install


async def test_command_click_and_submission_from_two_workspaces_of_the_org(org, fake, store):
    slack = SlackSender(org, fake)
    status, reply = await slack.post(_command(slack, "/client", "add Acme", team="T_B"))
    assert status == 200 and "Acme" in shown(reply["blocks"])
    assert store.clients.by_name(PERSON, "acme") is not None
    assert {c.token for c in fake.calls_to("users.info")} == {ORG_TOKEN}

    await slack.post(_command(slack, "/incident", "Acme abuse shouted", team="T_A"))
    _, first = await slack.post(_command(slack, "/fire", "Acme", team="T_B"))
    step = buttons(first["blocks"])
    status, _ = await slack.payload(_org_wide(slack.click_payload(step[0], user="U5", channel="C0GRID1")))
    assert status == 200
    [moved] = await fake.wait_for(lambda: [r for r in fake.responses if r.get("replace_original")] or None)
    assert "isn't part of any decision" not in shown(moved["blocks"]) and buttons(moved["blocks"]) != step

    await slack.post(_command(slack, "/incident", "", team="T_A"))
    [opened] = await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    assert opened.token == ORG_TOKEN
    payload = _org_wide(slack.submit_payload(opened.params["view"], {"client": "Acme", "kind": "haggling", "note": "org"}, user="U5", view_id="V0ORG"))
    payload["view"]["app_installed_team_id"] = None
    status, body = await slack.payload(payload)
    assert status == 200 and not body
    acme = store.clients.by_name(PERSON, "acme")
    assert "org" in [i.note for i in store.incidents.for_client(PERSON, acme.id)]


async def test_app_home_and_a_reminder_dm_use_the_org_install(org, fake, store):
    slack = SlackSender(org, fake)
    await slack.post(_command(slack, "/client", "add Acme"))
    event = fixture_json("event_app_home_opened.json")
    event["event"]["user"] = "U5"
    event.update(team_id="T_A", enterprise_id="E1")
    event["authorizations"] = [{"enterprise_id": "E1", "team_id": None, "user_id": "UBOT", "is_bot": True, "is_enterprise_install": True}]
    status, _ = await slack.event(event)
    assert status == 200
    [published] = await fake.wait_for(lambda: fake.calls_to("views.publish") or None)
    assert published.token == ORG_TOKEN and "*Clients*\n1\n" in shown(published.params["view"]["blocks"])  # U5's one client

    await org.notifier.send_dm(Recipient("slack", "E1", "U5"), [Reply(text="INV-0001 is 7 days late")])
    sent = fake.calls_to("chat.postMessage")[-1]
    assert sent.token == ORG_TOKEN and "INV-0001" in sent.params["text"]
