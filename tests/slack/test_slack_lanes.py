"""Issue 20: short commands run inline in one transaction, slow ones on a pool that never holds them up."""
from __future__ import annotations

import asyncio
import threading

import pytest

from slack_harness import shown
from storage.records import Owner

OWNER = Owner("T1", "U1")


async def test_an_incident_is_logged_while_a_report_is_still_running(slack, fake, monkeypatch, store):
    from bot import registry
    from bot.replies import Reply

    await slack.command("/client", "add Acme")
    started, release = threading.Event(), threading.Event()
    original = registry.COMMANDS["client"]

    def client(ctx, text):
        if text.startswith("report"):
            started.set()
            release.wait(30)  # a report that takes as long as the test needs
            return [Reply(title="Report", text="Ready")]
        return original(ctx, text)

    monkeypatch.setitem(registry.COMMANDS, "client", client)
    report = asyncio.ensure_future(slack.command("/client", "report"))
    try:
        assert await asyncio.to_thread(started.wait, 10)
        status, ack = await slack.command("/incident", "Acme haggling again")
        assert status == 200 and "Logged" in shown(ack["blocks"])
        acme = store.clients.by_name(OWNER, "acme")
        assert store.incidents.count_for_client(OWNER, acme.id) == 1  # stored before the ack, report still running
        assert not report.done()  # the report is still in its thread
    finally:
        release.set()
    status, ack = await report
    assert status == 200
    if "Ready" not in shown(ack.get("blocks") or []):  # acked "working on it", answered after
        [answer] = await fake.wait_for(lambda: fake.responses or None)
        assert "Ready" in shown(answer["blocks"])


async def test_a_short_command_and_its_answer_are_one_transaction(slack, store):
    """The inline lane stores the answer beside the write: a retry gets it and writes nothing again."""
    await slack.command("/client", "add Acme")
    body, _ = slack.command_body("/incident", "Acme haggling again")
    first = await slack.post(body)
    retry = await slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first[0] == retry[0] == 200
    assert shown(first[1]["blocks"]) == shown(retry[1]["blocks"])
    rows = store.database.query("SELECT state FROM request_answers")
    assert rows and all(r["state"] == "done" for r in rows)  # never left `running`
    acme = store.clients.by_name(OWNER, "acme")
    assert store.incidents.count_for_client(OWNER, acme.id) == 1


@pytest.mark.parametrize("engine", ["postgresql"])
async def test_on_postgresql_a_short_command_waiting_on_the_database_leaves_the_loop_free(slack, monkeypatch, store, engine):
    """Issue 16: on PostgreSQL a short command's round trips run on the short pool, not on the loop."""
    from bot import registry

    await slack.command("/client", "add Acme")
    started, release = threading.Event(), threading.Event()
    original = registry.COMMANDS["incident"]

    def incident(ctx, text):
        if not started.is_set():  # the first one stalls, as on a slow network to the database
            started.set()
            release.wait(30)
        return original(ctx, text)

    monkeypatch.setitem(registry.COMMANDS, "incident", incident)
    stalled = asyncio.ensure_future(slack.command("/incident", "Acme haggling again"))
    try:
        assert await asyncio.to_thread(started.wait, 10)
        status, ack = await slack.command("/incident", "Acme haggling once more")
        assert status == 200 and "Logged" in shown(ack["blocks"])  # answered while the first still waits
        assert not stalled.done()
    finally:
        release.set()
    status, ack = await stalled
    assert status == 200 and "Logged" in shown(ack["blocks"])
    acme = store.clients.by_name(OWNER, "acme")
    assert store.incidents.count_for_client(OWNER, acme.id) == 2
    assert {r["state"] for r in store.database.query("SELECT state FROM request_answers")} == {"done"}


def test_lanes_send_only_slow_commands_to_the_pool():
    from bot.events import Action, Address, Command
    from bot.lanes import is_short

    who = Address("slack", "T1", "U1", "C1")
    assert is_short(Command(who, "incident", "Acme haggling"))
    assert is_short(Command(who, "client", "add Acme"))
    assert is_short(Command(who, "invoice", "add Acme 700"))
    assert not is_short(Command(who, "client", "report"))
    assert not is_short(Command(who, "client", "export Acme"))
    assert not is_short(Command(who, "invoice", "import"))
    assert not is_short(Action(who, "page:2"))
