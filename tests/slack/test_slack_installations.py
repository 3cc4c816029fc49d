"""Installations in the shared database: looked up off the loop, never stale after a write, and an old file kept.

Issue 20: the look-up runs on the store's own threads over pooled connections.
Issue 16: the same store on PostgreSQL, and a SQLite file written by the
previous release (slack-sdk's `SQLite3InstallationStore`) upgrades without
losing an installation.
"""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore
from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore

from adapters.slack.installations import SharedInstallationStore, SharedStateStore, open_engine


def _install(team: str, token: str, **more) -> Installation:
    return Installation(app_id="A1", team_id=team, user_id="U1", bot_token=token, bot_id="B1", bot_user_id="UB", bot_scopes="commands", **more)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_store_url")  # at head, Slack's tables included (PostgreSQL makes none at start)
    return str(tmp_path / "oauth.db")


async def test_lookups_run_off_the_loop_on_one_reused_connection(tmp_path):
    store = SharedInstallationStore(client_id="C1", engine=open_engine(str(tmp_path / "oauth.db")))
    await store.async_save(_install("T1", "xoxb-one"))
    seen_threads = set()
    original = store.find_bot

    def find_bot(**kwargs):
        seen_threads.add(threading.current_thread().name)
        return original(**kwargs)

    store.find_bot = find_bot  # type: ignore[method-assign]
    for team in ("T1", "T2", "T1"):
        store._forget()
        await store.async_find_bot(enterprise_id=None, team_id=team)
    assert seen_threads and all(name.startswith("redflag-installations") for name in seen_threads)
    assert store.engine.pool.checkedin() == 1  # one connection for all of them
    store.close()


async def test_a_saved_or_deleted_bot_is_seen_at_once(database):
    store = SharedInstallationStore(client_id="C1", engine=open_engine(database))
    await store.async_save(_install("T1", "xoxb-old"))
    assert (await store.async_find_bot(enterprise_id=None, team_id="T1")).bot_token == "xoxb-old"
    await store.async_save(_install("T1", "xoxb-rotated"))
    assert (await store.async_find_bot(enterprise_id=None, team_id="T1")).bot_token == "xoxb-rotated"
    await store.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    store.close()


async def test_oauth_state_is_issued_on_one_worker_and_consumed_once_on_another(database):
    one = SharedStateStore(expiration_seconds=600, engine=open_engine(database))
    two = SharedStateStore(expiration_seconds=600, engine=open_engine(database))
    state = await one.async_issue()
    assert await two.async_consume(state) is True
    assert await one.async_consume(state) is False
    one.engine.dispose(), two.engine.dispose()


async def test_a_file_from_the_previous_release_keeps_every_installation(tmp_path):
    path = str(tmp_path / "redflag.db")
    old = SQLite3InstallationStore(database=path, client_id="C1")  # what the previous release wrote
    old.init()
    SQLite3OAuthStateStore(database=path, expiration_seconds=600).init()
    expires = int(time.time()) + 43200
    old.save(_install("T1", "xoxb-t1-first"))
    old.save(_install("T1", "xoxb-t1-latest"))
    old.save(_install("T2", "xoxb-t2", bot_refresh_token="xoxe-1-r", bot_token_expires_at=expires))
    old.save(Installation(app_id="A1", enterprise_id="E1", team_id=None, user_id="U1", bot_token="xoxb-org", bot_id="B1",
                          bot_user_id="UB", bot_scopes="commands", is_enterprise_install=True))
    before = {t: sqlite3.connect(path).execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("slack_bots", "slack_installations")}

    store = SharedInstallationStore(client_id="C1", engine=open_engine(path))
    again = SharedInstallationStore(client_id="C1", engine=open_engine(path))  # a second start converts nothing twice
    for s in (store, again):
        assert (await s.async_find_bot(enterprise_id=None, team_id="T1")).bot_token == "xoxb-t1-latest"
        t2 = await s.async_find_bot(enterprise_id=None, team_id="T2")
        assert (t2.bot_token, t2.bot_refresh_token, t2.bot_token_expires_at) == ("xoxb-t2", "xoxe-1-r", expires)
        org = await s.async_find_bot(enterprise_id="E1", team_id=None, is_enterprise_install=True)
        assert org.bot_token == "xoxb-org" and org.is_enterprise_install is True
        assert (await s.async_find_installation(enterprise_id=None, team_id="T2")).bot_token == "xoxb-t2"
    conn = sqlite3.connect(path)
    after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("slack_bots", "slack_installations")}
    assert after == before
    assert conn.execute("SELECT count(*) FROM slack_bots_sqlite3").fetchone()[0] == before["slack_bots"]  # the old rows kept
    store.close(), again.close()
