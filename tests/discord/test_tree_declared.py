"""The Discord command tree, as synced to the fake Discord, is the core's declarations and nothing else;
a slash command reaches the core as typed values, not as text to parse again."""
from __future__ import annotations

from adapters.discord.sync import sync_commands
from bot import declare, registry
from bot.i18n import messages
from fake_discord import GUILD, USER, FakeDiscord
from storage.records import Owner

EN = messages("en")

#: Discord's application-command option types.
SUB_COMMAND, STRING, INTEGER, BOOLEAN, ATTACHMENT = 1, 3, 4, 5, 11
#: What a declared type must become on Discord (an independent statement of the mapping, so the test can fail).
DISCORD_TYPE = {declare.INTEGER: INTEGER, declare.FLAG: BOOLEAN, declare.FILE: ATTACHMENT}
AUTOCOMPLETED = {declare.CLIENT, declare.INVOICE, declare.OPEN_INVOICE, declare.TIMEZONE}
CONTEXT_MENU = "Log as client incident"


async def synced(core, env, fake: FakeDiscord) -> dict[str, dict]:
    await sync_commands(core, env, None)
    (call,) = fake.find("PUT", r"^/applications/\d+/commands$")
    return {c["name"]: c for c in call.json}


def check_options(where: str, options: list[dict], sub: declare.Sub) -> None:
    shown = [o for o in sub.options if o.discord]
    by_name = {o["name"]: o for o in options}
    assert set(by_name) == {EN(o.label_key) for o in shown}, where  # the declared label, in English
    for opt in shown:
        got = by_name[EN(opt.label_key)]
        assert got["description"] == EN(opt.description_key)[:100], (where, opt.name)
        assert got["type"] == DISCORD_TYPE.get(opt.type, STRING), (where, opt.name)
        assert got.get("required", False) is opt.required, (where, opt.name)
        if opt.type == declare.INTEGER:
            assert (got["min_value"], got["max_value"]) == (opt.low, opt.high), (where, opt.name)
        if opt.limits is not None and opt.type != declare.CHOICE:
            assert (got["min_length"], got["max_length"]) == opt.limits, (where, opt.name)
        else:
            assert "max_length" not in got, (where, opt.name)
        if opt.type == declare.CHOICE:
            assert [c["value"] for c in got["choices"]] == list(declare.choice_values(opt)), (where, opt.name)
        else:
            assert "choices" not in got or not got["choices"], (where, opt.name)
        assert bool(got.get("autocomplete")) is (opt.type in AUTOCOMPLETED), (where, opt.name)
    # Discord wants the required options first
    required = [o.get("required", False) for o in options]
    assert required == sorted(required, reverse=True), where


async def test_the_synced_tree_is_the_declarations(core, env, fake: FakeDiscord):
    tree = await synced(core, env, fake)
    assert set(tree) == set(registry.DECLARED) | {CONTEXT_MENU}
    for name, declared in registry.DECLARED.items():
        command = tree[name]
        if not declared.grouped:
            check_options(f"/{name}", command.get("options", []), declared.subs[0])
            continue
        subs = {o["name"]: o for o in command["options"]}
        assert all(o["type"] == SUB_COMMAND for o in subs.values()), name
        assert set(subs) == {EN(f"discord.cmd.{name}.{s.name}") for s in declared.subs if s.discord}, name
        for spec in declared.subs:
            if spec.discord:
                check_options(f"/{name} {spec.name}", subs[EN(f"discord.cmd.{name}.{spec.name}")].get("options", []), spec)


async def test_a_slash_command_reaches_the_core_typed(bot, fake: FakeDiscord, core, monkeypatch):
    seen = []
    handle = core.handle

    def spy(event):
        seen.append(event)
        return handle(event)

    monkeypatch.setattr(core, "handle", spy)
    payload = await fake.slash("client add", {"name": 'Bob "the" Builder', "terms": 14})
    assert (await fake.callback_for(payload)).json["type"] == 4
    (event,) = seen
    assert (event.command, event.sub, event.text) == ("client", "add", "")
    assert dict(event.args) == {"name": 'Bob "the" Builder', "terms": 14}  # the integer stays an integer
    client = core.store.clients.by_name(Owner(GUILD, USER), 'Bob "the" Builder')
    assert client is not None and client.terms_days == 14


async def test_a_typed_note_is_kept_as_typed(bot, fake: FakeDiscord, core):
    """The text grammar reads `on=` off the end of a note; a typed note is never re-read as text."""
    await fake.callback_for(await fake.slash("client add", {"name": "Acme"}))
    note = "he wrote: meet me on=friday"
    await fake.callback_for(await fake.slash("incident log", {"client": "Acme", "kind": "haggling", "note": note}))
    acme = core.store.clients.by_name(Owner(GUILD, USER), "Acme")
    [incident] = core.store.incidents.for_client(Owner(GUILD, USER), acme.id)
    assert incident.note == note and incident.occurred_on is None


async def test_autocomplete_asks_the_core(bot, fake: FakeDiscord, core, monkeypatch):
    asked = []
    names = core.client_names

    def spy(address, prefix, limit):
        asked.append((address.workspace, address.user, prefix, limit))
        return names(address, prefix, limit)

    monkeypatch.setattr(core, "client_names", spy)
    await fake.callback_for(await fake.slash("client add", {"name": "Acme"}))
    payload = await fake.autocomplete("client show", {"client": "ac"}, focused="client")
    body = (await fake.callback_for(payload)).json
    assert [c["value"] for c in body["data"]["choices"]] == ["Acme"]
    assert asked == [(GUILD, USER, "ac", 25)]
