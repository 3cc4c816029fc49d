"""Slow commands (deferred, files as attachments), selects clicked in a DM, shared replies, the DM workspace."""
from __future__ import annotations

import discord
import pytest

from bot import registry
from bot.notify import Recipient
from bot.replies import Choice, Reply
from fake_discord import GUILD, USER, FakeDiscord, modal_fields

EPHEMERAL = 64


async def add_client_with_invoice(fake: FakeDiscord) -> None:
    for path, options in (
        ("client add", {"name": "Acme Corp"}),
        ("invoice add", {"client": "Acme Corp", "amount": "€1.200,50", "ref": "INV-1", "due": "2026-10-01", "issued": "2026-09-01"}),
        ("incident log", {"client": "Acme Corp", "kind": "scope-creep", "note": "one more round of changes"}),
    ):
        payload = await fake.slash(path, options)
        body = (await fake.callback_for(payload)).json
        assert body["type"] == 4, body


async def test_export_defers_then_sends_files_as_attachments(bot, fake: FakeDiscord):
    await add_client_with_invoice(fake)
    payload = await fake.slash("client export", {"client": "Acme Corp"})
    callback = (await fake.callback_for(payload)).json
    assert callback == {"type": 5, "data": {"flags": EPHEMERAL}}  # "thinking…", only for them
    (followup,) = await fake.followups_for(payload)
    assert followup.json["flags"] & EPHEMERAL
    names = [name for name, _ in followup.files]
    assert any(n.endswith(".md") for n in names) and any(n.endswith(".csv") for n in names)
    csv = next(content for name, content in followup.files if name.endswith(".csv"))
    assert b"INV-1" in csv
    assert [a["filename"] for a in followup.json["attachments"]] == names


async def test_report_defers_and_answers(bot, fake: FakeDiscord):
    await add_client_with_invoice(fake)
    payload = await fake.slash("client report")
    assert (await fake.callback_for(payload)).json["type"] == 5
    (followup,) = await fake.followups_for(payload)
    assert followup.json["embeds"]
    assert "Acme Corp" in str(followup.json["embeds"])


async def test_invoice_paid_mapping_records_a_payment_once(bot, fake: FakeDiscord, core):
    from storage.records import Owner

    await add_client_with_invoice(fake)
    payload = await fake.slash("invoice paid", {"ref": "INV-1", "amount": "200,50", "on": "2026-11-20"})
    body = (await fake.callback_for(payload)).json
    assert body["type"] == 4
    # Discord redelivering the same interaction (same id) must not pay twice
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for(lambda: len(fake.find("POST", rf"^/interactions/{payload['id']}/")) == 2)
    invoice = core.store.invoices.by_ref(Owner(GUILD, USER), "INV-1")
    assert invoice.paid_minor == 20050


@pytest.fixture
def pick_action():
    """A throwaway button handler: many choices, and what a pick answers."""
    picked: list[str] = []

    def handle(ctx, action_id):  # type: ignore[no-untyped-def]
        picked.append(f"{ctx.owner.workspace}/{action_id}")
        return [Reply(text=f"You picked {action_id}", replaces=True)]

    registry.ACTIONS["pick"] = handle
    yield picked
    registry.ACTIONS.pop("pick", None)


async def test_a_select_in_a_dm_is_understood_after_the_fact(bot, fake: FakeDiscord, pick_action):
    choices = tuple(Choice(f"pick:{i}", f"Choice {i}") for i in range(14))
    await bot.notifier.send_dm(Recipient("discord", GUILD, USER), [Reply(text="Pick one", choices=choices)])
    (sent,) = fake.find("POST", r"^/channels/\d+/messages$")
    select = sent.json["components"][0]["components"][0]
    assert select["type"] == 3 and len(select["options"]) == 14
    channel = sent.path.split("/")[2]
    message = next(m for m in fake.messages.values() if m["channel_id"] == channel)
    click = await fake.click(message, select["custom_id"], values=["pick:12"], guild=None, channel=channel)
    answer = (await fake.callback_for(click)).json
    assert answer["type"] == 7  # replaces the DM it was on
    assert "pick:12" in answer["data"]["embeds"][0]["description"]
    assert pick_action == [f"{GUILD}/pick:12"]


async def test_commands_in_a_dm_use_their_own_workspace(bot, fake: FakeDiscord, core):
    from storage.records import Owner

    payload = await fake.slash("client add", {"name": "Private Client"}, guild=None)
    assert (await fake.callback_for(payload)).json["type"] == 4
    assert core.store.clients.by_name(Owner("dm", USER), "Private Client") is not None
    assert core.store.clients.by_name(Owner(GUILD, USER), "Private Client") is None


async def test_settings_language_changes_the_reply_language(bot, fake: FakeDiscord):
    payload = await fake.slash("redflag settings", {"lang": "nl", "tz": "Europe/Amsterdam", "hour": 8})
    assert (await fake.callback_for(payload)).json["type"] == 4
    payload = await fake.slash("redflag help")  # an English Discord client, but the user chose Dutch
    body = (await fake.callback_for(payload)).json
    text = str(body["data"]["embeds"])
    assert "klant" in text.lower()


async def test_timezone_autocomplete(bot, fake: FakeDiscord):
    payload = await fake.autocomplete("redflag settings", {"tz": "amsterdam"}, focused="tz")
    call = await fake.callback_for(payload)
    assert [c["value"] for c in call.json["data"]["choices"]] == ["Europe/Amsterdam"]


async def test_message_menu_captures_a_message_as_an_incident(bot, fake: FakeDiscord, core):
    from fake_discord import CHANNEL, OTHER_USER, snowflake, user_payload
    from storage.records import Owner

    await fake.slash("client add", {"name": "Acme Corp"})
    await fake.wait_call("POST", r"/callback$")
    message_id = snowflake()
    message = {
        "id": message_id, "channel_id": CHANNEL, "author": user_payload(OTHER_USER, "client-bob"),
        "content": "Can you do ten more logo versions by tonight? For free, of course.",
        "timestamp": "2026-11-24T22:15:00+00:00", "edited_timestamp": None, "tts": False, "mention_everyone": False,
        "mentions": [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 0, "flags": 0,
        "components": [],
    }
    data = {"id": snowflake(), "name": "Log as client incident", "type": 3, "target_id": message_id,
            "resolved": {"messages": {message_id: message}}}
    payload = fake.interaction(2, data)
    await fake.dispatch("INTERACTION_CREATE", payload)
    modal = (await fake.callback_for(payload)).json
    assert modal["type"] == 9
    note = modal_fields(modal["data"]["components"])["note"]
    assert "ten more logo versions" in note["value"]

    submit = await fake.submit_modal(modal["data"]["custom_id"], {"client": ["Acme Corp"], "kind": ["scope-creep"], "note": note["value"]})
    assert (await fake.callback_for(submit)).json["type"] == 4
    owner = Owner(GUILD, USER)
    (incident,) = core.store.incidents.for_client(owner, core.store.clients.by_name(owner, "Acme Corp").id)
    assert incident.source_ref == f"https://discord.com/channels/{GUILD}/{CHANNEL}/{message_id}"
    assert incident.occurred_at == discord.utils.snowflake_time(int(message_id)).replace(microsecond=0)
    assert incident.note.startswith("client-bob")


async def test_redflag_discord_sync_from_the_command_line(fake: FakeDiscord, tmp_path):
    import asyncio
    import os
    import sys

    from fake_discord import TOKEN

    env = dict(os.environ, DISCORD_TOKEN=TOKEN, DISCORD_API_URL=fake.api_url,
               DISCORD_GATEWAY_URL=fake.gateway_url, REDFLAG_DB=str(tmp_path / "cli.db"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "redflag", "discord", "sync", "--guild", GUILD, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert "6" in out.decode()
    (call,) = fake.find("PUT", rf"^/applications/\d+/guilds/{GUILD}/commands$")
    assert len(call.json) == 6
    assert TOKEN.encode() not in out + err


@pytest.fixture
def form_after_text():
    """A throwaway button whose answer is a message and then a form (a modal cannot come second)."""
    from bot.replies import Form, FormField

    form = Form(id="probe", title="Probe form", fields=(FormField("why", "Why?", kind="textarea"),), submit_label="Send it")

    def handle(ctx, action_id):  # type: ignore[no-untyped-def]
        return [Reply(text="Before the form"), Reply(text="Tell me more", form=form)]

    def submitted(ctx, values):  # type: ignore[no-untyped-def]
        return [Reply(text=f"Got: {values['why']}")]

    registry.ACTIONS["probe"] = handle
    registry.FORMS["probe"] = submitted
    yield form
    registry.ACTIONS.pop("probe", None)
    registry.FORMS.pop("probe", None)


async def test_a_form_that_cannot_be_the_first_answer_gets_an_open_button(bot, fake: FakeDiscord, form_after_text):
    await bot.notifier.send_dm(Recipient("discord", GUILD, USER), [Reply(text="x", choices=(Choice("probe:1", "Probe"),))])
    (sent,) = fake.find("POST", r"^/channels/\d+/messages$")
    channel = sent.path.split("/")[2]
    message = next(m for m in fake.messages.values() if m["channel_id"] == channel)
    click = await fake.click(message, sent.json["components"][0]["components"][0]["custom_id"], guild=None, channel=channel)
    first = (await fake.callback_for(click)).json
    assert first["type"] == 4 and "Before the form" in str(first["data"]["embeds"])
    (followup,) = await fake.followups_for(click)
    assert "Tell me more" in str(followup.json["embeds"])
    (button,) = [c for row in followup.json["components"] for c in row["components"]]
    assert button["label"] == "Send it" and button["custom_id"].startswith(f"rff:{USER}:")
    followup_message = next(m for m in fake.messages.values() if button["custom_id"] in str(m["components"]))
    reopen = await fake.click(followup_message, button["custom_id"], guild=None, channel=channel)
    modal = (await fake.callback_for(reopen)).json
    assert modal["type"] == 9 and modal["data"]["title"] == "Probe form"
    submit = await fake.submit_modal(modal["data"]["custom_id"], {"why": "because"}, guild=None, channel=channel)
    answer = (await fake.callback_for(submit)).json
    assert "Got: because" in str(answer["data"]["embeds"])


async def test_client_list_sorts_by_the_chosen_order(bot, fake: FakeDiscord):
    for name in ("Alpha", "Beta"):
        await fake.callback_for(await fake.slash("client add", {"name": name}))
    await fake.callback_for(await fake.slash("invoice add", {"client": "Beta", "amount": "900", "due": "2026-12-31"}))
    by_owed = str((await fake.callback_for(await fake.slash("client list", {"sort": "owed"}))).json["data"]["embeds"])
    by_name = str((await fake.callback_for(await fake.slash("client list"))).json["data"]["embeds"])
    assert by_owed.index("Beta") < by_owed.index("Alpha")
    assert by_name.index("Alpha") < by_name.index("Beta")
