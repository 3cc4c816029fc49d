"""Pattern alerts and the weekly digest in Discord: the real sweep through the Discord notifier, buttons that click."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.nudges.cli import run_once
from fake_discord import FakeDiscord, buttons


async def test_alert_and_digest_render_and_click(bot, fake: FakeDiscord, core):
    for path, options in (
        ("redflag settings", {"tz": "UTC", "hour": 9, "digest": "monday"}),
        ("client add", {"name": "Acme Corp"}),
        ("invoice add", {"client": "Acme Corp", "amount": "900", "currency": "EUR", "ref": "INV-9",
                         "issued": "2026-10-01", "due": "2026-11-26"}),
        ("incident log", {"client": "Acme Corp", "kind": "unethical", "note": "asked for fake reviews"}),
    ):
        payload = await fake.slash(path, options)
        assert (await fake.callback_for(payload)).json["type"] == 4
    await run_once(core.store, [bot.notifier], at=core.clock.now)
    (sent,) = fake.find("POST", r"^/channels/\d+/messages$")
    embeds = str(sent.json["embeds"])
    assert "Red flag: Acme Corp" in embeds and "Unethical" in embeds
    labels = [b.get("label") for b in buttons(sent.json["components"])]
    assert "Should I fire them?" in labels and "Show me" in labels and "Not now" in labels

    channel = sent.path.split("/")[2]
    message = next(m for m in fake.messages.values() if m["channel_id"] == channel)
    show = next(b["custom_id"] for b in buttons(sent.json["components"]) if b.get("label") == "Show me")
    click = await fake.click(message, show, guild=None, channel=channel)
    answer = (await fake.callback_for(click)).json
    assert answer["type"] in (4, 7) and "Acme Corp" in str(answer["data"])

    core.clock.set(datetime(2026, 11, 30, 9, 1, tzinfo=timezone.utc))
    await run_once(core.store, [bot.notifier], at=core.clock.now)
    digest = fake.find("POST", r"^/channels/\d+/messages$")[-1]
    text = str(digest.json["embeds"])
    assert "Your week" in text and "€900.00" in text
    assert [b.get("label") for b in buttons(digest.json["components"])][:3] == ["Overdue invoices", "All invoices", "Clients"]
