"""Issue 20: the OAuth installation store reuses one connection per thread and never serves a stale bot after a write."""
from __future__ import annotations

import threading

from slack_sdk.oauth.installation_store import Installation

from adapters.slack.installations import ReusingInstallationStore


def _install(team: str, token: str) -> Installation:
    return Installation(app_id="A1", team_id=team, user_id="U1", bot_token=token, bot_id="B1", bot_user_id="UB", bot_scopes="commands")


async def test_lookups_reuse_one_connection_off_the_loop(tmp_path):
    store = ReusingInstallationStore(database=str(tmp_path / "oauth.db"), client_id="C1")
    store.init()
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
    assert len(store._all) == 1  # one connection for all of them
    store.close()


async def test_a_saved_or_deleted_bot_is_seen_at_once(tmp_path):
    store = ReusingInstallationStore(database=str(tmp_path / "oauth.db"), client_id="C1")
    store.init()
    await store.async_save(_install("T1", "xoxb-old"))
    assert (await store.async_find_bot(enterprise_id=None, team_id="T1")).bot_token == "xoxb-old"
    await store.async_save(_install("T1", "xoxb-rotated"))
    assert (await store.async_find_bot(enterprise_id=None, team_id="T1")).bot_token == "xoxb-rotated"
    await store.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    store.close()
