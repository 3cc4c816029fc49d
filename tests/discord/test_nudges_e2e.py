"""Reminder DMs end to end: the real sweep, the Discord notifier, a click in the DM after a restart."""
from __future__ import annotations

from bot.nudges.cli import run_once
from fake_discord import GUILD, USER, FakeDiscord, buttons
from storage.records import Owner


async def overdue_invoice(fake: FakeDiscord) -> None:
    for path, options in (
        ("client add", {"name": "Acme Corp"}),
        ("invoice add", {"client": "Acme Corp", "amount": "900", "currency": "EUR", "ref": "INV-9", "issued": "2026-10-01", "due": "2026-11-10"}),
    ):
        payload = await fake.slash(path, options)
        assert (await fake.callback_for(payload)).json["type"] == 4


async def test_nudge_dm_and_mark_paid_from_the_dm_after_a_restart(core, env, fake: FakeDiscord, store_url):
    from adapters.discord.service import start
    from bot.core import Core
    from storage.store import Store

    first = await start(core, env)
    await fake.wait_ready(1)
    await overdue_invoice(fake)
    report = await run_once(core.store, [first.notifier], at=core.clock.now)
    (sent,) = fake.find("POST", r"^/channels/\d+/messages$")
    assert "INV-9" in str(sent.json["embeds"]) and "Acme Corp" in str(sent.json["embeds"])
    ids = [b["custom_id"] for b in buttons(sent.json["components"])]
    assert ids and all(i.startswith(f"rf:{USER}@{GUILD}:") for i in ids)
    assert all(len(i) <= 100 for i in ids)
    channel = sent.path.split("/")[2]
    message = next(m for m in fake.messages.values() if m["channel_id"] == channel)
    await first.stop()
    assert report

    store = Store(store_url)
    second = await start(Core(store, core.clock), env)
    try:
        await fake.wait_ready(2)
        paid = next(i for i in ids if "paid" in i)
        click = await fake.click(message, paid, guild=None, channel=channel)
        answer = (await fake.callback_for(click)).json
        assert answer["type"] in (4, 7)
        invoice = store.invoices.by_ref(Owner(GUILD, USER), "INV-9")
        assert invoice.status == "paid"
    finally:
        await second.stop()
        store.close()


async def test_closed_dms_are_not_marked_delivered_and_are_shown_later(bot, fake: FakeDiscord, core):
    await overdue_invoice(fake)
    fake.closed_dms.add(USER)
    report = await run_once(core.store, [bot.notifier], at=core.clock.now)
    assert fake.find("POST", r"^/channels/\d+/messages$")[0].status == 403
    assert report
    # the next command shows the failed reminder
    payload = await fake.slash("invoice list")
    body = (await fake.callback_for(payload)).json
    text = str(body["data"]["embeds"]).lower()
    assert "inv-9" in text
    assert "could not be delivered" in text
