"""Issue 20: short commands run inline in one transaction, slow ones on a pool that never holds them up."""
from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from redflag_testkit import frozen
from slack_harness import answer_after, shown
from storage.records import Owner

OWNER = Owner("T1", "U1")


async def _a_started_worker(slack) -> int:
    """The pid of the slow lane's worker, started by a first slow command (it runs in a process of its own)."""
    responses = len(slack.fake.responses)
    status, ack = await slack.command("/client", "list")
    assert status == 200
    await answer_after(slack.fake, ack, responses)  # answered (after "working on it" when the worker took long to start)
    [pid] = slack.service.bridge.lane.worker_pids()
    assert pid != os.getpid()
    return pid


async def test_an_incident_is_logged_while_a_report_runs_in_another_process(slack, fake, store):
    """Issue 20: a slow command runs in a worker process; the loop (and its GIL) serves /incident meanwhile.

    The worker is frozen while the report is in it: on a pool thread of the adapter's own
    process (the code before) there is no worker to freeze, and its Python work held the GIL.
    """
    await slack.command("/client", "add Acme")
    await slack.command("/incident", "Acme late-payment paid late")
    pid = await _a_started_worker(slack)
    responses = len(fake.responses)
    with frozen(pid):
        report = asyncio.ensure_future(slack.command("/client", "report"))
        await asyncio.sleep(0.3)  # the report is in the frozen worker
        status, ack = await slack.command("/incident", "Acme haggling again")
        assert status == 200 and "Logged" in shown(ack["blocks"])
        acme = store.clients.by_name(OWNER, "acme")
        assert store.incidents.count_for_client(OWNER, acme.id) == 2  # stored before the ack, report still running
        assert not report.done()  # the report waits on its process
    status, ack = await report
    assert status == 200
    assert "Acme" in await answer_after(fake, ack, responses)


async def test_a_killed_worker_is_answered_with_an_error_and_nothing_is_written_twice(slack, fake, store):
    """A worker that dies mid-command: a translated error, the key let go, a fresh worker for the retry."""
    await slack.command("/client", "add Acme")
    await slack.command("/incident", "Acme late-payment paid late")
    pid = await _a_started_worker(slack)
    body, _ = slack.command_body("/client", "report", user="U2")  # Sanne (nl-NL): her first command
    tables = [r["name"] for r in store.database.query("SELECT name FROM sqlite_master WHERE type = 'table'")] \
        if store.database.dialect.sqlite else ["users", "workspaces", "clients", "incidents", "invoices"]

    def counts() -> dict[str, int]:
        return {t: store.database.one(f'SELECT count(*) AS n FROM "{t}"')["n"] for t in tables if t != "request_answers"}

    responses = len(fake.responses)
    os.kill(pid, signal.SIGSTOP)
    first = asyncio.ensure_future(slack.post(body))
    await asyncio.sleep(0.3)  # the report is handed to the frozen worker
    os.kill(pid, signal.SIGKILL)
    status, ack = await first
    assert status == 200
    said = await answer_after(fake, ack, responses)
    assert "onderbroken" in said and "niets dubbel" in said  # in her language: interrupted, nothing twice
    assert not store.database.query("SELECT state FROM request_answers WHERE state = 'running'")  # the key let go
    after_kill = counts()

    responses = len(fake.responses)
    status, ack = await slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200
    from bot.i18n import messages

    assert messages("nl")("report.no_clients") in await answer_after(fake, ack, responses)  # the retry ran, in a fresh worker
    [fresh] = slack.service.bridge.lane.worker_pids()
    assert fresh != pid
    again = counts()
    assert again["users"] == after_kill["users"] or again["users"] == after_kill["users"] + 1
    assert store.database.one("SELECT count(*) AS n FROM users WHERE \"user\" = 'U2'")["n"] == 1  # her row once
    assert {k: v for k, v in again.items() if k not in ("users", "workspaces")} == \
        {k: v for k, v in after_kill.items() if k not in ("users", "workspaces")}
    acme = store.clients.by_name(OWNER, "acme")
    assert store.incidents.count_for_client(OWNER, acme.id) == 1


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


async def test_the_report_answers_with_its_text_and_its_chart_follows_as_a_file(slack, fake, store):
    """Issue 20 (b): the report's text is the ack; the chart is drawn after it, in the worker, and uploaded to the DM."""
    from redflag_testkit import frozen

    await slack.command("/client", "add Acme")
    await slack.command("/incident", "Acme late-payment paid late")
    pid = await _a_started_worker(slack)
    before = len(fake.uploads)
    status, ack = await slack.command("/client", "report")
    assert status == 200
    text = shown(ack["blocks"])  # the text, in the ack itself
    assert "Trouble against revenue" in text and "Acme" in text
    with frozen(pid):  # the chart is drawn in the worker (a fresh one draws for a few hundred ms): held there
        await asyncio.sleep(0.2)
        assert len(fake.uploads) == before  # the text is out, the chart is not yet
    completed = await fake.wait_for(lambda: [c for c in fake.calls if c.method == "files.completeUploadExternal"] or None)
    [upload] = completed
    assert upload.params["channel_id"].startswith("D")  # the user's DM: files cannot be ephemeral
    [png] = [content for content in fake.uploads.values() if content.startswith(b"\x89PNG")]
    assert len(png) > 10_000
    assert "Pareto chart" in str(upload.params)  # its title
    notes = await fake.wait_for(lambda: [r for r in fake.responses if "redflag-report-" in str(r)] or None)
    assert notes  # and a line where the command was typed says where it went


async def test_a_chart_whose_worker_dies_is_said_to_be_missing_and_the_text_stays(slack, fake):
    """The report's text is out; its chart's worker killed while drawing: a line says the file did not come."""
    import signal as signals

    from redflag_testkit import frozen

    await slack.command("/client", "add Acme")
    await slack.command("/incident", "Acme late-payment paid late")
    pid = await _a_started_worker(slack)
    before = len(fake.uploads)
    status, ack = await slack.command("/client", "report")
    assert status == 200 and "Trouble against revenue" in shown(ack["blocks"])  # the text, at once
    with frozen(pid):  # the chart is being drawn in it
        os.kill(pid, signals.SIGKILL)
    said = await fake.wait_for(lambda: [r for r in fake.responses if "could not be made" in str(r)] or None)
    assert "redflag-report-" in shown(said[-1]["blocks"]) and "text above" in shown(said[-1]["blocks"])
    assert len(fake.uploads) == before  # no chart uploaded
    status, ack = await slack.command("/client", "report")  # and the next report gets a fresh worker, and its chart
    assert "Trouble against revenue" in shown(ack["blocks"])
    await fake.wait_for(lambda: len(fake.uploads) > before or None)
