"""Issue 20 on Discord: slow commands run in a worker process; a killed one is answered, and replaced."""
from __future__ import annotations

import asyncio
import os
import re
import signal

from fake_discord import FakeDiscord
from test_flows import add_client_with_invoice


async def _worker(bot, fake: FakeDiscord) -> int:
    """The slow lane's worker, started by a first report (it runs in a process of its own)."""
    payload = await fake.slash("client report")
    text, chart = await fake.followups_for(payload, count=2)  # the text, then the chart (made in the worker too)
    assert "Acme Corp" in str(text.json["embeds"]) and chart.files
    [pid] = bot.client.bridge.lane.worker_pids()
    assert pid != os.getpid()
    return pid


async def test_an_incident_is_answered_while_an_export_runs_in_another_process(bot, fake: FakeDiscord, core):
    from storage.records import Owner
    from fake_discord import GUILD, USER

    await add_client_with_invoice(fake)
    pid = await _worker(bot, fake)
    os.kill(pid, signal.SIGSTOP)  # the export sits in the frozen worker as long as the test needs
    try:
        export = await fake.slash("client export", {"client": "Acme Corp"})
        assert (await fake.callback_for(export)).json["type"] == 5  # "thinking…"
        payload = await fake.slash("incident log", {"client": "Acme Corp", "kind": "haggling", "note": "again"})
        assert (await fake.callback_for(payload)).json["type"] == 4  # answered on the loop meanwhile
        acme = core.store.clients.by_name(Owner(GUILD, USER), "Acme Corp")
        assert core.store.incidents.count_for_client(Owner(GUILD, USER), acme.id) == 2
        assert not fake.find("POST", rf"^/webhooks/\d+/{re.escape(export['token'])}$")  # the export still waits on its worker
    finally:
        os.kill(pid, signal.SIGCONT)
    (followup,) = await fake.followups_for(export)
    assert any(name.endswith(".csv") for name, _ in followup.files)


async def test_a_killed_worker_is_answered_with_an_error_then_a_fresh_one_serves(bot, fake: FakeDiscord):
    await add_client_with_invoice(fake)
    pid = await _worker(bot, fake)
    os.kill(pid, signal.SIGSTOP)
    payload = await fake.slash("client report")
    assert (await fake.callback_for(payload)).json["type"] == 5
    await asyncio.sleep(0.3)  # handed to the frozen worker
    os.kill(pid, signal.SIGKILL)
    (followup,) = await fake.followups_for(payload)
    assert "interrupted on our side" in str(followup.json) and "nothing will be saved twice" in str(followup.json)
    again = await fake.slash("client report")
    answer, chart = await fake.followups_for(again, count=2)
    assert "Acme Corp" in str(answer.json["embeds"]) and chart.files
    [fresh] = bot.client.bridge.lane.worker_pids()
    assert fresh != pid


async def test_the_report_answers_with_its_text_then_its_chart_in_a_follow_up(bot, fake: FakeDiscord):
    """Issue 20 (b): the text follow-up first, drawn without the chart; the chart after it, a message of its own."""
    await add_client_with_invoice(fake)
    payload = await fake.slash("client report")
    assert (await fake.callback_for(payload)).json["type"] == 5
    text, chart = await fake.followups_for(payload, count=2)
    assert "Acme Corp" in str(text.json["embeds"]) and not text.files  # the text, on its own
    [(name, content)] = chart.files
    assert name.startswith("redflag-report-") and name.endswith(".png") and content.startswith(b"\x89PNG")
    assert chart.json["flags"] & 64  # only for them, like the text
