"""Ambiguous input in Slack: a question with buttons, nothing stored until a button is clicked."""
from __future__ import annotations

from slack_harness import button, buttons, shown
from storage.records import Owner

OWNER = Owner("T1", "U1")


async def test_ambiguous_amount_is_asked_with_buttons(slack, fake, store):
    await slack.command("/client", "add Zed currency=EUR")
    status, body = await slack.command("/invoice", "add Zed 1.200")
    assert status == 200
    assert "Which amount do you mean by “1.200”?" in shown(body["blocks"])
    assert [b["text"]["text"] for b in buttons(body["blocks"])] == ["€1,200.00", "€1.20", "Cancel"]
    assert store.invoices.list(OWNER) == []
    status, _ = await slack.click(button(body["blocks"], "€1,200.00"))
    assert status == 200
    # A click is acked first and handled on the pool: wait for its write, as the other click tests do.
    [invoice] = await fake.wait_for(lambda: store.invoices.list(OWNER))
    assert (invoice.amount_minor, invoice.currency) == (120000, "EUR")
