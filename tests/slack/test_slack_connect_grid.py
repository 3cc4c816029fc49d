"""Issue 14, item 3: Slack Connect and Enterprise Grid payload shapes reach the right person's records.

The app is installed in T1 (host). U7 is an external user whose own team is T7,
working in a channel shared between T1 and T7. Each test replays the shape
Slack sends for that direction and checks what the user sees and what is stored.
"""
from __future__ import annotations

import json

from slack_harness import button, buttons, shown
from storage.records import Owner

HOST = Owner("T1", "U1")
EXTERNAL = Owner("T7", "U7")
SHARED = "C0SHARED1"


async def _modal(slack, fake, command: str, text: str, **kw) -> dict:
    before = len(fake.calls_to("views.open"))
    await slack.command(command, text, **kw)
    calls = await fake.wait_for(lambda: fake.calls_to("views.open")[before:] or None)
    return calls[0].params["view"]


def _connect_submission(slack, view: dict, values: dict, *, payload_team: str, user_team: str = "T7") -> dict:
    p = slack.submit_payload(view, values, user="U7", team=payload_team, view_id="V0CONNECT" + payload_team)
    p["user"]["team_id"] = user_team
    p["view"]["team_id"] = payload_team
    p["view"]["app_installed_team_id"] = "T1"  # the installing workspace
    return p


async def test_external_users_modal_comes_back_with_the_other_sides_team(slack, fake, store):
    fake.user("U7", name="Eve External", team="T7")
    # The external user's command carries their own team.
    await slack.command("/client", "add Acme", user="U7", team="T7", channel=SHARED)
    for payload_team in ("T7", "T1"):  # both shapes Slack sends for a modal opened across the connection
        view = await _modal(slack, fake, "/incident", "", user="U7", team="T7", channel=SHARED)
        assert json.loads(view["private_metadata"])["o"] == ["T7", "U7"]  # the modal carries its owner
        payload = _connect_submission(slack, view, {"client": "Acme", "kind": "haggling", "note": payload_team}, payload_team=payload_team)
        status, body = await slack.payload(payload)
        assert status == 200 and not body  # accepted: no "You have no client called Acme"
    acme = store.clients.by_name(EXTERNAL, "acme")
    assert sorted(i.note for i in store.incidents.for_client(EXTERNAL, acme.id)) == ["T1", "T7"]
    assert store.clients.list(Owner("T1", "U7")) == []


async def test_reverse_shape_click_carries_the_installing_team(slack, fake, store):
    fake.user("U7", name="Eve External", team="T7")
    await slack.command("/client", "add Acme", user="U7", team="T7", channel=SHARED)
    await slack.command("/incident", "Acme abuse shouted at me", user="U7", team="T7", channel=SHARED)
    _, first = await slack.command("/fire", "Acme", user="U7", team="T7", channel=SHARED)
    step = buttons(first["blocks"])
    p = slack.click_payload(step[0], user="U7", team="T1", channel=SHARED)
    p["user"]["team_id"] = "T7"  # the clicker's own team; team.id is the installing workspace
    status, _ = await slack.payload(p)
    assert status == 200
    [moved] = await fake.wait_for(lambda: [r for r in fake.responses if r.get("replace_original")] or None)
    assert "isn't part of any decision" not in shown(moved["blocks"])
    assert buttons(moved["blocks"]) != step


async def test_external_and_host_never_read_each_others_records(slack, fake, store):
    fake.user("U7", name="Eve External", team="T7")
    await slack.command("/client", "add HostCo", user="U1", team="T1", channel=SHARED)
    await slack.command("/client", "add GuestCo", user="U7", team="T7", channel=SHARED)
    # /client show and list are slow commands: answered in the ack, or after "working on it" while their
    # worker process starts (the first slow command of a run).
    host = await slack.seen("/client", "show GuestCo", user="U1", team="T1", channel=SHARED)
    assert "GuestCo" not in [c.name for c in store.clients.list(HOST)]
    assert "no client" in host.lower()  # the guest's client is not found (a suggestion names only the host's own)
    guest = await slack.seen("/client", "list", user="U7", team="T7", channel=SHARED)
    assert "GuestCo" in guest and "HostCo" not in guest
    # A click by the external user that names the host's team in `team.id` still reaches only their own records.
    listed = await slack.seen("/client", "list", user="U1", team="T1", channel=SHARED)
    assert "GuestCo" not in listed and "HostCo" in listed


def _grid_command(slack, command: str, text: str, team: str) -> str:
    from urllib.parse import parse_qsl, urlencode

    body, _ = slack.command_body(command, text, user="U5", team=team, channel="C0GRID1")
    fields = dict(parse_qsl(body, keep_blank_values=True))
    fields.update(enterprise_id="E1", enterprise_name="Big Org", is_enterprise_install="true")
    return urlencode(fields)


async def test_grid_click_with_team_null_reaches_the_records_of_the_command(slack, fake, store):
    fake.user("U5", name="Gina Grid")
    await slack.post(_grid_command(slack, "/client", "add Acme", team="T_B"))
    await slack.post(_grid_command(slack, "/incident", "Acme abuse rude", team="T_B"))
    _, first = await slack.post(_grid_command(slack, "/fire", "Acme", team="T_B"))
    step = buttons(first["blocks"])
    p = slack.click_payload(step[0], user="U5", team="T_A", channel="C0GRID1")
    p["team"] = None
    p["enterprise"] = {"id": "E1", "name": "Big Org"}
    p["is_enterprise_install"] = True
    status, _ = await slack.payload(p)
    assert status == 200
    [moved] = await fake.wait_for(lambda: [r for r in fake.responses if r.get("replace_original")] or None)
    assert "isn't part of any decision" not in shown(moved["blocks"])
    assert store.clients.by_name(Owner("E1", "U5"), "acme") is not None


async def test_an_external_users_reminder_goes_through_the_host_install(core, env, fake, db_path, store):
    """OAuth: T2 installed the app; U7's own team T7 did not. Their reminder DM uses T2's bot."""
    from adapters.slack.service import start
    from bot.notify import Recipient
    from bot.replies import Reply
    from slack_harness import CLIENT_ID, CLIENT_SECRET, SlackSender, grant, install

    fake.accept_any_token = False
    fake.user("U7", name="Eve External", team="T7")
    oauth_env = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    oauth_env.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    svc = await start(core, oauth_env)
    try:
        fake.oauth_grants["c"] = grant("xoxb-host-T2")
        assert await install(f"http://127.0.0.1:{svc.port}", fake, "c") == 200
        slack = SlackSender(svc, fake)
        p = slack.click_payload({"action_id": "nope:1", "text": {"type": "plain_text", "text": "x"}}, user="U7", team="T2", channel=SHARED)
        p["user"]["team_id"] = "T7"
        assert (await slack.payload(p))[0] == 200
        await fake.wait_for(lambda: fake.responses or None)
        await svc.notifier.send_dm(Recipient("slack", "T7", "U7"), [Reply(text="INV-0001 is late")])
        assert fake.calls_to("chat.postMessage")[-1].token == "xoxb-host-T2"
    finally:
        await svc.stop()


async def test_a_modal_answers_only_the_person_it_was_opened_for(slack, fake, store):
    await slack.command("/client", "add Acme")
    view = await _modal(slack, fake, "/incident", "")
    assert json.loads(view["private_metadata"])["o"] == ["T1", "U1"]
    # The same view submitted as someone else (a forged or confused payload) writes nothing.
    payload = slack.submit_payload(view, {"client": "Acme", "kind": "haggling", "note": ""}, user="U2", view_id="V0OTHER")
    assert (await slack.payload(payload))[0] == 200
    acme = store.clients.by_name(HOST, "acme")
    assert store.incidents.count_for_client(HOST, acme.id) == 0
    assert store.clients.list(Owner("T1", "U2")) == []


async def test_a_command_naming_the_channels_team_still_reaches_the_users_own_records(slack, fake, store):
    """Shape 1: the external user's slash command carries the host's team; users.info knows their own."""
    fake.user("U7", name="Eve External", team="T7")
    await slack.command("/client", "add Acme", user="U7", team="T1", channel=SHARED)
    await slack.command("/incident", "Acme abuse shouted", user="U7", team="T1", channel=SHARED)
    assert store.clients.by_name(EXTERNAL, "acme") is not None and store.clients.list(Owner("T1", "U7")) == []
    _, first = await slack.command("/fire", "Acme", user="U7", team="T1", channel=SHARED)
    step = buttons(first["blocks"])
    p = slack.click_payload(step[0], user="U7", team="T7", channel=SHARED)  # the click names their own team
    assert (await slack.payload(p))[0] == 200
    [moved] = await fake.wait_for(lambda: [r for r in fake.responses if r.get("replace_original")] or None)
    assert buttons(moved["blocks"]) != step and "isn't part of any decision" not in shown(moved["blocks"])
