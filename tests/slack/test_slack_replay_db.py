"""Issue 14, items 1-2: a replayed request writes nothing twice and gets the first answer,
after a restart, on another worker, and while the first copy is still running."""
from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone

from adapters.slack.replay import request_key
from adapters.slack.service import start
from bot import reply_codec
from bot.core import Core
from bot.replies import Reply
from slack_harness import SlackSender, shown
from storage.records import Owner
from storage.store import Store

OWNER = Owner("T1", "U1")


async def _service(store_url, env, clock):
    core = Core(Store(store_url), clock)
    return core, await start(core, env)


async def test_invoice_add_replayed_after_a_restart_creates_one_invoice_and_answers_the_same(store_url, env, fake, clock):
    core, svc = await _service(store_url, env, clock)
    sender = SlackSender(svc, fake)
    await sender.command("/client", "add Acme currency=EUR")
    body, _ = sender.command_body("/invoice", "add Acme 1200")
    status, first = await sender.post(body)
    assert status == 200 and "INV-0001" in shown(first["blocks"])
    await svc.stop()
    core.store.close()

    core, svc = await _service(store_url, env, clock)  # a new process on the same database
    try:
        sender = SlackSender(svc, fake)
        status, again = await sender.post(body, headers={"X-Slack-Retry-Num": "1"})
        assert status == 200
        assert shown(again["blocks"]) == shown(first["blocks"])
        assert [i.ref for i in core.store.invoices.list(OWNER)] == ["INV-0001"]
    finally:
        await svc.stop()
        core.store.close()


async def test_a_retry_on_another_worker_gets_the_first_answer(store_url, env, fake, clock):
    core_a, svc_a = await _service(store_url, env, clock)
    core_b, svc_b = await _service(store_url, env, clock)
    try:
        a, b = SlackSender(svc_a, fake), SlackSender(svc_b, fake)
        await a.command("/client", "add Acme")
        body, _ = a.command_body("/invoice", "add Acme 500")
        _, first = await a.post(body)
        _, retried = await b.post(body, headers={"X-Slack-Retry-Num": "1"})
        assert shown(retried["blocks"]) == shown(first["blocks"])
        assert len(core_b.store.invoices.list(OWNER)) == 1
    finally:
        await svc_a.stop()
        await svc_b.stop()
        core_a.store.close()
        core_b.store.close()


async def test_the_invoice_modal_resubmitted_after_a_restart_adds_one_invoice(store_url, env, fake, clock):
    core, svc = await _service(store_url, env, clock)
    sender = SlackSender(svc, fake)
    await sender.command("/client", "add Acme currency=EUR")
    await sender.command("/invoice", "add")
    [call] = await fake.wait_for(lambda: fake.calls_to("views.open") or None)
    payload = sender.submit_payload(call.params["view"], {"client": "Acme", "amount": "300", "currency": "", "due": "", "ref": ""}, view_id="V0INV")
    assert (await sender.payload(payload))[0] == 200
    await svc.stop()
    core.store.close()

    core, svc = await _service(store_url, env, clock)
    try:
        assert (await SlackSender(svc, fake).payload(payload, headers={"X-Slack-Retry-Num": "1"}))[0] == 200
        assert [i.ref for i in core.store.invoices.list(OWNER)] == ["INV-0001"]
    finally:
        await svc.stop()
        core.store.close()


async def test_a_retry_arriving_while_the_first_copy_runs_waits_for_its_answer(store_url, env, fake, clock):
    core, svc = await _service(store_url, env, clock)
    try:
        sender = SlackSender(svc, fake)
        await sender.command("/client", "add Acme")
        body, trigger = sender.command_body("/invoice", "add Acme 700")
        # Another worker has started this very request and not answered yet.
        now = datetime.now(timezone.utc)
        key = request_key("command", trigger)
        assert core.store.requests.claim("T1", key, now, ttl=3600, stale_after=30).action == "run"
        retry = asyncio.ensure_future(sender.post(body, headers={"X-Slack-Retry-Num": "1"}))
        await asyncio.sleep(0.5)
        assert not retry.done()  # it waits instead of running the command again
        core.store.requests.finish("T1", key, reply_codec.dumps([Reply(text="the first answer")]), now, 3600)
        status, answer = await asyncio.wait_for(retry, 10)
        assert status == 200 and "the first answer" in shown(answer["blocks"])
        assert core.store.invoices.list(OWNER) == []  # the retry did not run the command itself
    finally:
        await svc.stop()
        core.store.close()


def test_invoices_and_clients_are_unique_on_the_request_id(store):
    from datetime import date

    client = store.clients.add(OWNER, "Acme", 30, "EUR", None, request_id="trig-1")
    assert store.clients.add(OWNER, "Other name", 30, "EUR", None, request_id="trig-1").id == client.id
    first = store.invoices.add(OWNER, client.id, "INV-0001", 100, "EUR", date(2026, 1, 1), date(2026, 1, 31), request_id="trig-2")
    again = store.invoices.add(OWNER, client.id, "INV-0002", 100, "EUR", date(2026, 1, 1), date(2026, 1, 31), request_id="trig-2")
    assert again == first and len(store.invoices.list(OWNER)) == 1
    import psycopg

    try:
        with store.database.transaction():
            store.database.execute(
                "INSERT INTO invoices (workspace, owner, client_id, ref, ref_key, amount_minor, currency, issued_on, due_on, status,"
                " created_at, updated_at, request_id) VALUES ('T1','U1',?, 'X', 'x', 1, 'EUR', '2026-01-01', '2026-01-02', 'open', 'a', 'a', 'trig-2')",
                (client.id,),
            )
    except (sqlite3.IntegrityError, psycopg.IntegrityError):
        pass
    else:
        raise AssertionError("no unique index on invoices.request_id")


def test_the_retry_memory_expires_and_takes_over_a_dead_copy(store):
    now = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    assert store.requests.claim("T1", "k", now, ttl=60, stale_after=30).action == "run"
    assert store.requests.claim("T1", "k", now + timedelta(seconds=5), ttl=60, stale_after=30).action == "wait"
    # The first copy's process died: after a while a retry runs it (its writes are keyed anyway).
    assert store.requests.claim("T1", "k", now + timedelta(seconds=40), ttl=60, stale_after=30).action == "run"
    store.requests.finish("T1", "k", "[]", now + timedelta(seconds=41), 60)
    assert store.requests.claim("T1", "k", now + timedelta(seconds=42), ttl=60, stale_after=30).action == "done"
    assert store.requests.claim("T1", "k", now + timedelta(seconds=200), ttl=60, stale_after=30).action == "run"
    assert store.requests.purge(now + timedelta(days=1)) == 1
