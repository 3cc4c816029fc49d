"""The real discord.py client against the fake: connect, commands, buttons, modals, DMs."""
from __future__ import annotations

import logging

from fake_discord import APP_ID, BOT_ID, GUILD, TOKEN, USER, FakeDiscord

EPHEMERAL = 64


async def test_connects_with_non_privileged_intents_and_heartbeats(bot, fake: FakeDiscord):
    identify = fake.identifies[0]
    assert identify["token"] == TOKEN
    intents = identify["intents"]
    privileged = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
    assert intents & privileged == 0
    assert intents & 1  # guilds
    await fake.wait_for(lambda: fake.acks >= 1)
    assert fake.heartbeats >= 1
    assert [c.path for c in fake.calls[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    # no command sync on connect: that is `redflag discord sync`
    assert not fake.find("PUT", r"/commands$")


async def test_help_reply_is_ephemeral_embed(bot, fake: FakeDiscord):
    payload = await fake.slash("redflag help")
    call = await fake.callback_for(payload)
    assert call.json["type"] == 4
    data = call.json["data"]
    assert data["flags"] & EPHEMERAL
    text = " ".join((e.get("title") or "") + (e.get("description") or "") for e in data["embeds"])
    assert "/client" in text
