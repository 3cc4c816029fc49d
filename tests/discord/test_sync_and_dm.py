"""Command sync payloads, reminder DMs (delivered, DMs closed, rate limited)."""
from __future__ import annotations

import pytest

from adapters.discord.sync import sync_commands
from bot.notify import DeliveryFailed, Reason, Recipient
from bot.replies import Choice, Reply
from fake_discord import GUILD, USER, FakeDiscord, buttons

NAMES = {"client", "incident", "invoice", "fire", "redflag", "Log as client incident"}


async def test_global_sync_registers_localised_commands(core, env, fake: FakeDiscord):
    count = await sync_commands(core, env, None)
    assert count == len(NAMES)
    (call,) = fake.find("PUT", r"^/applications/\d+/commands$")
    by_name = {c["name"]: c for c in call.json}
    assert set(by_name) == NAMES
    client = by_name["client"]
    assert client["name_localizations"] == {"nl": "klant", "vi": "khách-hàng", "tr": "müşteri"}
    subs = {o["name"]: o for o in client["options"]}
    assert set(subs) == {"add", "list", "show", "export", "report", "pause", "resume", "rename", "merge", "delete", "set", "contact"}
    invoice_import = next(o for o in by_name["invoice"]["options"] if o["name"] == "import")
    assert invoice_import["options"][0]["type"] == 11  # an attachment option
    assert invoice_import["name_localizations"]["nl"] == "importeren"
    add = {o["name"]: o for o in subs["add"]["options"]}
    assert add["name"]["required"] is True and add["name"]["type"] == 3
    assert add["terms"]["type"] == 4 and (add["terms"]["min_value"], add["terms"]["max_value"]) == (0, 365)
    assert add["name"]["name_localizations"]["nl"] == "naam"
    assert subs["show"]["options"][0]["autocomplete"] is True
    incident_log = next(o for o in by_name["incident"]["options"] if o["name"] == "log")
    kind = next(o for o in incident_log["options"] if o["name"] == "kind")
    assert [c["value"] for c in kind["choices"]][:3] == ["late-payment", "haggling", "scope-creep"]
    assert kind["choices"][0]["name"] == "Pays late or unreliably"  # the sentence form: a choice answers "what happened?"
    assert "name_localizations" in kind["choices"][0]
    settings = next(o for o in by_name["redflag"]["options"] if o["name"] == "settings")
    hour = next(o for o in settings["options"] if o["name"] == "hour")
    assert (hour["min_value"], hour["max_value"]) == (0, 23)
    assert by_name["Log as client incident"]["type"] == 3
    # sync never opens the gateway
    assert not fake.identifies


async def test_guild_sync_copies_commands_to_one_guild(core, env, fake: FakeDiscord):
    count = await sync_commands(core, env, int(GUILD))
    assert count == len(NAMES)
    assert fake.find("PUT", rf"^/applications/\d+/guilds/{GUILD}/commands$")
    assert not fake.find("PUT", r"^/applications/\d+/commands$")


def nudge() -> Reply:
    return Reply(
        title="Invoice INV-7 is 7 days late",
        text="*Acme Corp* owes €1,200.50.",
        choices=(Choice("nudge:1:paid", "Mark paid", "primary"), Choice("nudge:1:snooze", "Snooze 7 days")),
    )


async def test_dm_carries_buttons_that_act_on_the_guild_data(bot, fake: FakeDiscord):
    await bot.notifier.send_dm(Recipient("discord", GUILD, USER), [nudge()])
    (opened,) = fake.find("POST", r"^/users/@me/channels$")
    assert opened.json == {"recipient_id": USER} or str(opened.json["recipient_id"]) == USER
    (sent,) = fake.find("POST", r"^/channels/\d+/messages$")
    assert "Acme Corp" in sent.json["embeds"][0]["description"]
    ids = [b["custom_id"] for b in buttons(sent.json["components"])]
    assert ids == [f"rf:{USER}@{GUILD}:nudge:1:paid", f"rf:{USER}@{GUILD}:nudge:1:snooze"]


async def test_closed_dms_are_a_permanent_failure(bot, fake: FakeDiscord):
    fake.closed_dms.add(USER)
    with pytest.raises(DeliveryFailed) as failed:
        await bot.notifier.send_dm(Recipient("discord", GUILD, USER), [nudge()])
    assert failed.value.permanent is True
    assert failed.value.reason == "dms_closed"
    assert failed.value.kind is Reason.DMS_CLOSED  # the core's own reason, translated by the adapter


async def test_a_429_is_retried_by_discord_py(bot, fake: FakeDiscord):
    fake.rate_limit_once.add(r"^/channels/\d+/messages$")
    await bot.notifier.send_dm(Recipient("discord", GUILD, USER), [nudge()])
    attempts = fake.find("POST", r"^/channels/\d+/messages$")
    assert [c.status for c in attempts] == [429, 200]


async def test_a_click_in_the_dm_acts_on_the_guild_the_data_belongs_to(bot, fake: FakeDiscord, core):
    from storage.records import Owner

    # the user's data lives in the guild; the DM button carries the guild
    await fake.slash("client add", {"name": "Acme Corp"})
    await fake.wait_call("POST", r"/callback$")
    await bot.notifier.send_dm(Recipient("discord", GUILD, USER), [Reply(text="x", choices=(Choice("dlg:999:1:go", "Go"),))])
    (sent,) = fake.find("POST", r"^/channels/\d+/messages$")
    message = next(iter(m for m in fake.messages.values() if m["channel_id"] == sent.path.split("/")[2]))
    custom_id = buttons(sent.json["components"])[0]["custom_id"]
    click = await fake.click(message, custom_id, guild=None, channel=message["channel_id"])
    answer = (await fake.callback_for(click)).json
    assert answer["data"]["flags"] & 64
    # the core ran for the guild owner, not for a "dm" workspace
    assert core.store.users.get(Owner("dm", USER)) is None
