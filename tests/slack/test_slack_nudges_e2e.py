"""Reminder DMs end to end: the real sweep, the Slack notifier, Mark paid clicked in the DM after a restart."""
from __future__ import annotations

import json

from adapters.slack.service import start
from bot.nudges.sweep import run_sweep
from slack_harness import BOT_TOKEN, SlackSender, button, buttons, shown
from storage.records import Owner

OWNER = Owner("T1", "U1")


async def overdue_invoice(slack: SlackSender) -> None:
    _, added = await slack.command("/client", 'add "Acme Corp" currency=EUR')
    _, invoice = await slack.command("/invoice", 'add "Acme Corp" 900 EUR ref=INV-9 issued=2026-10-01 due=2026-11-10')
    assert "INV-9" in shown(invoice["blocks"]), invoice


async def test_nudge_dm_and_mark_paid_from_the_dm_after_a_restart(core, env, fake, store):
    first = await start(core, env)
    await overdue_invoice(SlackSender(first, fake))
    report = await run_sweep(core.store, [first.notifier], at=core.clock.now, core=core)
    assert report.count("delivered") == 1, report
    [dm] = fake.calls_to("chat.postMessage")
    assert dm.token == BOT_TOKEN and dm.params["channel"] == "D1"
    assert "INV-9" in shown(dm.params["blocks"]) and "Acme Corp" in shown(dm.params["blocks"])
    assert dm.params["text"].strip()  # the notification shows a real sentence
    ids = [(b["action_id"], json.loads(b["value"])["u"]) for b in buttons(dm.params["blocks"])]
    assert ids and all(a.startswith("nudge:") and u == "U1" for a, u in ids)
    await first.stop()

    second = await start(core, env)  # a restart: nothing about the DM is in memory any more
    try:
        slack = SlackSender(second, fake)
        paid = button(dm.params["blocks"], "paid")
        for _ in range(2):  # a double click
            status, _ = await slack.click(paid, channel="D1", message_ts="1764064800.000001", ephemeral=False)
            assert status == 200
        await fake.wait_for(lambda: len(fake.responses) >= 2 or None)
        invoice = store.invoices.by_ref(OWNER, "INV-9")
        assert invoice.status == "paid"
        assert len(store.invoices.payments(OWNER, invoice.id)) == 1
        # In a DM the answer stays (an ephemeral message there would vanish on reload).
        assert all(r["response_type"] == "in_channel" or r.get("replace_original") for r in fake.responses)
    finally:
        await second.stop()


async def test_undeliverable_dm_is_recorded_and_shown_later(slack, fake, core):
    await overdue_invoice(slack)
    fake.fail("conversations.open", "user_not_found")
    report = await run_sweep(core.store, [slack.service.notifier], at=core.clock.now, core=core)
    assert report.count("failed") == 1 and report.count("delivered") == 0
    failed = next(o for o in report.outcomes if o.status == "failed")
    assert failed.error == "user_not_found"
    status, listing = await slack.command("/invoice", "list")
    assert status == 200
    assert "INV-9" in shown(listing["blocks"])
    assert "deliver" in shown(listing["blocks"]).lower()


async def test_rate_limited_dm_is_retried_later_not_lost(slack, fake, core):
    await overdue_invoice(slack)
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "300"})
    report = await run_sweep(core.store, [slack.service.notifier], at=core.clock.now, core=core)
    assert report.count("retry") == 1 and report.count("delivered") == 0
    core.clock.advance(minutes=10)
    report = await run_sweep(core.store, [slack.service.notifier], at=core.clock.now, core=core)
    assert report.count("delivered") == 1
    assert "INV-9" in shown(fake.calls_to("chat.postMessage")[-1].params["blocks"])
