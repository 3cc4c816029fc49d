"""The real discord.py client against the fake: connect, commands, buttons, modals, DMs."""
from __future__ import annotations

import logging

from fake_discord import GUILD, OTHER_USER, TOKEN, USER, FakeDiscord, buttons, modal_fields

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


def embed_text(data: dict) -> str:
    parts = []
    for e in data.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in e.get("fields") or []]
        parts.append((e.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in parts if p)


async def say(fake: FakeDiscord, path: str, options: dict | None = None, **kw) -> dict:
    """Run a slash command and return the callback body the bot answered with."""
    payload = await fake.slash(path, options, **kw)
    return (await fake.callback_for(payload)).json


async def test_client_add_builds_the_text_grammar_and_stores(bot, fake: FakeDiscord, core):
    body = await say(fake, "client add", {"name": 'Acme "Corp" B.V.', "terms": 45, "currency": "EUR"})
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
    assert 'Acme \\"Corp\\" B.V.' in embed_text(body["data"]) or 'Acme "Corp" B.V.' in embed_text(body["data"])
    from storage.records import Owner

    client = core.store.clients.by_name(Owner(GUILD, USER), 'acme "corp" b.v.')
    assert client is not None and client.terms_days == 45 and client.currency == "EUR"


async def test_bad_input_gets_a_translated_ephemeral_error(bot, fake: FakeDiscord):
    await say(fake, "client add", {"name": "Acme Corp"}, locale="nl")
    body = await say(fake, "client show", {"client": "Acme Crop"}, locale="nl")
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["embeds"][0]["color"] == 0xED4245
    text = embed_text(body["data"])
    assert "Acme Crop" in text and "Acme Corp" in text  # "did you mean", in Dutch
    assert "klant" in text.lower()


async def test_autocomplete_offers_only_this_users_clients_in_this_guild(bot, fake: FakeDiscord):
    await say(fake, "client add", {"name": "Acme Corp"})
    await say(fake, "client add", {"name": "Acorn Studio"})
    await say(fake, "client add", {"name": "Zeta"})
    await say(fake, "client add", {"name": "Acme Other Guild"}, guild="800000000000000009")
    await say(fake, "client add", {"name": "Acme Someone Else"}, user="600000000000000077")
    payload = await fake.autocomplete("client show", {"client": "ac"}, focused="client")
    call = await fake.callback_for(payload)
    assert call.json["type"] == 8
    assert [c["name"] for c in call.json["data"]["choices"]] == ["Acme Corp", "Acorn Studio"]


async def test_invoice_ref_autocomplete(bot, fake: FakeDiscord):
    await say(fake, "client add", {"name": "Acme"})
    await say(fake, "invoice add", {"client": "Acme", "amount": "1.200,50", "ref": "INV-7"})
    payload = await fake.autocomplete("invoice paid", {"ref": "inv"}, focused="ref")
    call = await fake.callback_for(payload)
    assert [c["value"] for c in call.json["data"]["choices"]] == ["INV-7"]


async def test_button_click_works_after_a_restart(core, env, fake: FakeDiscord, store_url):
    from adapters.discord.service import start
    from bot.core import Core
    from storage.store import Store

    first = await start(core, env)
    await fake.wait_ready(1)
    await say(fake, "client add", {"name": "Acme Corp"})
    body = await say(fake, "fire", {"client": "Acme Corp"})
    ids = [b["custom_id"] for b in buttons(body["data"]["components"])]
    go = next(i for i in ids if i.endswith(":go"))
    assert go.startswith(f"rf:{USER}:dlg:")
    message = next(m for m in fake.messages.values() if go in str(m["components"]))
    await first.stop()

    # a new process: new Core on the same file, a new client, no memory of the message
    second_store = Store(store_url)
    second = await start(Core(second_store, core.clock), env)
    try:
        await fake.wait_ready(2)
        click = await fake.click(message, go)
        answer = (await fake.callback_for(click)).json
        assert answer["type"] == 7  # the dialogue step replaces the message it was on
        assert answer["data"]["embeds"]
        assert not any(c["custom_id"] == go for c in buttons(answer["data"]["components"]))
    finally:
        await second.stop()
        second_store.close()


async def test_another_users_click_is_refused_without_calling_the_core(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Acme Corp"})
    body = await say(fake, "fire", {"client": "Acme Corp"})
    go = next(b["custom_id"] for b in buttons(body["data"]["components"]) if b["custom_id"].endswith(":go"))
    message = next(m for m in fake.messages.values() if go in str(m["components"]))
    click = await fake.click(message, go, user=OTHER_USER)
    answer = (await fake.callback_for(click)).json
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert "someone else" in embed_text(answer["data"])
    from storage.records import Owner

    assert core.store.users.get(Owner(GUILD, OTHER_USER)) is None  # the core never saw the click


async def test_incident_without_options_opens_a_modal_and_the_submission_is_logged(bot, fake: FakeDiscord, core):
    await say(fake, "client add", {"name": "Acme Corp"})
    body = await say(fake, "incident log")
    assert body["type"] == 9
    modal = body["data"]
    assert modal["custom_id"] == f"rfm:{USER}:incident"
    assert [c["type"] for c in modal["components"]] == [10, 18, 18, 18, 18]  # the intro text, then the inputs
    assert list(modal_fields(modal["components"])) == ["client", "kind", "note", "on"]  # issue 12: when it happened
    assert modal["components"][0]["content"]

    submit = await fake.submit_modal(modal["custom_id"], {"client": ["Acme Corp"], "kind": ["scope-creep"], "note": "Third 'small' revision *again*"})
    answer = (await fake.callback_for(submit)).json
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    from storage.records import Owner

    owner = Owner(GUILD, USER)
    client = core.store.clients.by_name(owner, "Acme Corp")
    incidents = core.store.incidents.for_client(owner, client.id)
    assert [(i.kind, i.note) for i in incidents] == [("scope-creep", "Third 'small' revision *again*")]


async def test_modal_errors_are_listed_with_a_button_to_reopen_the_form(bot, fake: FakeDiscord):
    await say(fake, "client add", {"name": "Acme Corp"})
    body = await say(fake, "incident log", {"note": "kept when the form reopens"})
    modal = body["data"]
    note = modal_fields(modal["components"])["note"]
    assert note["value"] == "kept when the form reopens"
    submit = await fake.submit_modal(modal["custom_id"], {"client": ["Nobody Inc"], "kind": ["haggling"], "note": "typed"})
    answer = (await fake.callback_for(submit)).json
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    text = embed_text(answer["data"])
    assert "Client" in text and "Nobody Inc" in text
    reopen = buttons(answer["data"]["components"])
    assert len(reopen) == 1 and reopen[0]["custom_id"].startswith(f"rff:{USER}:")
    message = next(m for m in fake.messages.values() if reopen[0]["custom_id"] in str(m["components"]))
    click = await fake.click(message, reopen[0]["custom_id"])
    again = (await fake.callback_for(click)).json
    assert again["type"] == 9
    assert modal_fields(again["data"]["components"])["note"]["value"] == "typed"


async def test_expired_interaction_is_logged_and_handled(bot, fake: FakeDiscord, caplog):
    fake.expired.add("redflag")
    with caplog.at_level(logging.WARNING, logger="adapters.discord"):
        payload = await fake.slash("redflag help")
        call = await fake.callback_for(payload)
        assert call.status == 404
        await fake.wait_for(lambda: any("10062" in r.getMessage() for r in caplog.records))
    # the bot is still fine
    fake.expired.clear()
    body = await say(fake, "redflag help")
    assert body["type"] == 4


async def test_the_token_never_reaches_the_logs(core, env, fake: FakeDiscord, caplog):
    from adapters.discord.service import start

    with caplog.at_level(logging.DEBUG):
        service = await start(core, env)
        await fake.wait_ready()
        await say(fake, "redflag help")
        await service.stop()
    assert caplog.records
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


async def test_out_of_range_option_gets_a_clear_ephemeral_error(bot, fake: FakeDiscord):
    # Discord enforces min/max in its client; a tampered value still gets a clear answer
    body = await say(fake, "redflag settings", {"hour": 99})
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
    assert "99" in embed_text(body["data"])
    assert body["data"]["embeds"][0]["color"] == 0xED4245


async def test_a_stale_button_is_answered_by_the_core(bot, fake: FakeDiscord):
    custom_id = f"rf:{USER}:gone:42"
    message = fake._message("700000000000000001", {"components": [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Old", "custom_id": custom_id}]}], "flags": 64})
    click = await fake.click(message, custom_id)
    answer = (await fake.callback_for(click)).json
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert "moved on" in embed_text(answer["data"])


async def test_a_reconnect_resumes_and_the_bot_keeps_answering(bot, fake: FakeDiscord):
    await say(fake, "client add", {"name": "Acme Corp"})
    await fake.ask_to_reconnect()
    await fake.wait_for(lambda: fake.resumes and fake.sockets)
    assert fake.resumes[0]["token"] == TOKEN and fake.resumes[0]["session_id"]
    body = await say(fake, "client show", {"client": "acme corp"})
    assert "Acme Corp" in embed_text(body["data"])


async def test_a_wrong_token_fails_at_start_without_logging_it(core, env, fake: FakeDiscord, caplog):
    import discord
    import pytest

    from adapters.discord.service import start

    wrong = "wrong-token.Zz9.definitely-not-valid"
    with caplog.at_level(logging.DEBUG), pytest.raises(discord.LoginFailure):
        await start(core, dict(env, DISCORD_TOKEN=wrong))
    assert fake.calls[0].status == 401
    assert not fake.identifies
    assert all(wrong not in r.getMessage() for r in caplog.records)
