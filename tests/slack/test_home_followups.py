"""App Home's "next reminders" include the dialogue's follow-up, at the user's send hour in their zone."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.events import Address, Command
from slack_harness import fixture_json, shown
from storage.records import Owner

USER = Address(platform="slack", workspace="T1", user="U1", channel="C1", locale="en-US", timezone="Europe/Amsterdam")


async def test_app_home_shows_the_follow_up_with_its_local_time(slack, fake, core, store):
    core.handle(Command(USER, "client", "add Acme currency=EUR"))
    core.handle(Command(USER, "redflag", "settings hour=8"))
    acme = store.clients.list(Owner("T1", "U1"))[0]
    from bot.nudges.policy import at_send_hour
    from zoneinfo import ZoneInfo

    due = at_send_hour(core.clock(), 3, 8, ZoneInfo("Europe/Amsterdam"))
    store.followups.add(Owner("T1", "U1"), "slack", "decide", due, {"client_name": "Acme"}, client_id=acme.id,
                        key="dlg:1:verdict", now=core.clock())
    status, _ = await slack.event(fixture_json("event_app_home_opened.json"))
    assert status == 200
    [call] = await fake.wait_for(lambda: fake.calls_to("views.publish") or None)
    text = shown(call.params["view"]["blocks"])
    assert due == datetime(2026, 11, 28, 7, 0, tzinfo=timezone.utc)
    assert "Nov 28, 2026" in text and "8:00" in text and "decide about Acme" in text, text
