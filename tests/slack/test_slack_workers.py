"""Issue 16, Slack across workers: two Bolt apps (two workers) on one database, SQLite and PostgreSQL.

Installations and OAuth state live in the shared database, so a workspace
installed through one worker is served by the other; a token near expiry is
refreshed once (`oauth.v2.access` counted at the fake Slack) however many
workers notice it together, and every worker then uses the new token; a
Slack retry that lands on the other worker gets the first answer and writes
nothing twice (rows counted).
"""
from __future__ import annotations

import asyncio

import pytest

from adapters.slack.service import start
from bot.core import Core
from bot.notify import Recipient
from bot.replies import Reply
from slack_harness import CLIENT_ID, CLIENT_SECRET, SlackSender, grant, install, shown
from storage.store import Store

OLD, NEW = "xoxb-old-rotating", "xoxb-new-rotated"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, db_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_store_url")
    return str(db_path)


@pytest.fixture
def worker_env(env, database) -> dict[str, str]:
    """What every worker is started with: the same OAuth app, the same database."""
    out = {k: v for k, v in env.items() if k not in ("SLACK_BOT_TOKEN", "REDFLAG_DB", "REDFLAG_DATABASE_URL")}
    out.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    out["REDFLAG_DATABASE_URL" if database.startswith("postgresql") else "REDFLAG_DB"] = database
    return out


@pytest.fixture
async def workers(worker_env, database, fake, clock):
    fake.accept_any_token = False  # only tokens the fake has issued work
    started = []
    for _ in range(2):
        core = Core(Store(database), clock)
        started.append((core, await start(core, worker_env)))
    yield started
    for core, svc in started:
        await svc.stop()
        core.store.close()


def refreshes(fake) -> list:
    return [c for c in fake.calls_to("oauth.v2.access") if c.params.get("grant_type") == "refresh_token"]


async def test_an_install_on_one_worker_is_served_by_the_other(workers, fake):
    (_, a), (core_b, b) = workers
    fake.oauth_grants["code-1"] = grant("xoxb-2222-T2")
    assert await install(f"http://127.0.0.1:{a.port}", fake, "code-1") == 200  # state issued and consumed in the database
    status, reply = await SlackSender(b, fake).command("/client", "add Acme", team="T2")
    assert status == 200 and "Acme" in reply["text"]
    assert {c.token for c in fake.calls_to("users.info")} == {"xoxb-2222-T2"}


async def test_two_workers_noticing_expiry_together_refresh_the_token_once(workers, fake):
    (_, a), (_, b) = workers
    fake.oauth_grants["code-3"] = grant(OLD, refresh="xoxe-1-refresh-a", expires_in=60)
    fake.refreshes["xoxe-1-refresh-a"] = grant(NEW, refresh="xoxe-1-refresh-b", expires_in=43200)
    assert await install(f"http://127.0.0.1:{a.port}", fake, "code-3") == 200
    seen = len(fake.calls)
    fake.slow("oauth.v2.access", 0.3)  # the first refresh is still in flight when the others notice expiry
    results = await asyncio.gather(
        SlackSender(a, fake).command("/client", "add Acme", team="T2"),
        SlackSender(b, fake).command("/client", "add Beta", team="T2"),
        a.notifier.send_dm(Recipient("slack", "T2", "U1"), [Reply(text="INV-1 is late")]),
        b.notifier.send_dm(Recipient("slack", "T2", "U1"), [Reply(text="INV-2 is late")]),
    )
    assert [status for status, _ in results[:2]] == [200, 200]
    assert len(refreshes(fake)) == 1 and refreshes(fake)[0].params["refresh_token"] == "xoxe-1-refresh-a"
    used = {c.token for c in fake.calls[seen:] if c.method != "oauth.v2.access" and c.token}
    assert used == {NEW}
    assert {c.token for c in fake.calls_to("chat.postMessage")} == {NEW}

    # Later requests on either worker: the new token, no more refreshes.
    for svc in (a, b):
        status, _ = await SlackSender(svc, fake).command("/client", "list", team="T2")
        assert status == 200
    assert len(refreshes(fake)) == 1
    assert {c.token for c in fake.calls[seen:] if c.method != "oauth.v2.access" and c.token} == {NEW}


async def test_a_retry_on_the_other_worker_gets_the_first_answer_and_writes_once(workers, fake):
    (core_a, a), (core_b, b) = workers
    fake.oauth_grants["code-4"] = grant("xoxb-2222-T2")
    assert await install(f"http://127.0.0.1:{a.port}", fake, "code-4") == 200
    first_worker, second_worker = SlackSender(a, fake), SlackSender(b, fake)
    await first_worker.command("/client", "add Acme", team="T2")
    body, _ = first_worker.command_body("/invoice", "add Acme 500", team="T2")
    status, first = await first_worker.post(body)
    assert status == 200 and "INV-0001" in shown(first["blocks"])
    status, retried = await second_worker.post(body, headers={"X-Slack-Retry-Num": "1"})
    assert status == 200 and shown(retried["blocks"]) == shown(first["blocks"])
    count = core_b.store.database.one
    assert count("SELECT count(*) AS n FROM invoices")["n"] == 1
    answers = count("SELECT count(*) AS n FROM request_answers")["n"]
    status, _ = await second_worker.post(body, headers={"X-Slack-Retry-Num": "2"})
    assert status == 200
    assert count("SELECT count(*) AS n FROM invoices")["n"] == 1
    assert count("SELECT count(*) AS n FROM request_answers")["n"] == answers  # remembered once, not per retry
