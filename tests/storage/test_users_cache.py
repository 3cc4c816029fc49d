"""`storage/users.py`: a user's settings kept in memory a short while, never longer, even for a user who keeps asking."""
from __future__ import annotations

import time

import pytest

from storage import users
from storage.records import Owner
from storage.store import Store

OWNER = Owner("W1", "U1")


def test_another_processs_change_shows_within_the_ttl_while_the_user_keeps_sending(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "SETTINGS_TTL", 0.3)
    worker, other = Store(store_url), Store(store_url)  # two processes' stores on one database
    try:
        worker.users.ensure(OWNER, "slack")  # first contact: the rows are made
        assert worker.users.ensure(OWNER, "slack").language is None  # read, and kept
        other.users.update(OWNER, language="nl")
        assert worker.users.ensure(OWNER, "slack").language is None  # kept: no read on every request
        deadline = time.monotonic() + 5
        seen = None
        while time.monotonic() < deadline:  # a request every 20 ms: the kept entry must still expire
            seen = worker.users.ensure(OWNER, "slack").language
            if seen == "nl":
                break
            time.sleep(0.02)
        assert seen == "nl"
    finally:
        worker.close()
        other.close()
