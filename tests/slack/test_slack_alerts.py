"""Pattern alerts and the weekly digest in Slack: the real sweep, the Slack notifier, a click in the DM."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.nudges.sweep import run_sweep
from slack_harness import SlackSender, button, buttons, shown
from storage.records import Owner

OWNER = Owner("T1", "U1")


async def test_abuse_alert_at_once_then_the_digest_and_not_now(slack: SlackSender, fake, core, store):
    await slack.command("/redflag", "settings tz=UTC hour=9")
    await slack.command("/client", 'add "Acme Corp" currency=EUR')
    await slack.command("/invoice", 'add "Acme Corp" 900 EUR ref=INV-9 issued=2026-10-01 due=2026-11-26')
    _, logged = await slack.command("/incident", '"Acme Corp" abuse insulted me in a call')
    report = await run_sweep(store, [slack.service.notifier], at=core.clock.now, core=core)
    assert report.count("delivered") == 1, report
    [dm] = fake.calls_to("chat.postMessage")
    text = shown(dm.params["blocks"])
    assert "Red flag: Acme Corp" in text and "the dialogue stops early" in text
    assert dm.params["text"].strip()
    ids = [b["action_id"] for b in buttons(dm.params["blocks"])]
    assert ids and all(i.startswith("alert:") for i in ids)
    assert "Should I fire them?" in [b["text"]["text"] for b in buttons(dm.params["blocks"])]
    status, _ = await slack.click(button(dm.params["blocks"], "Not now"), channel="D1", message_ts="1764064800.000001",
                                  ephemeral=False)
    assert status == 200
    await fake.wait_for(lambda: fake.responses or None)
    assert "won't raise this pattern about Acme Corp" in str(fake.responses[-1])

    core.clock.set(datetime(2026, 11, 30, 9, 1, tzinfo=timezone.utc))  # Monday, the send hour
    report = await run_sweep(store, [slack.service.notifier], at=core.clock.now, core=core)
    digest = fake.calls_to("chat.postMessage")[-1]
    text = shown(digest.params["blocks"])
    assert "Your week" in text and "Owed to you: €900.00" in text and "Went overdue this week: 1 invoice (INV-9)" in text
    labels = [b["text"]["text"] for b in buttons(digest.params["blocks"])]
    assert labels[:3] == ["Overdue invoices", "All invoices", "Clients"]
