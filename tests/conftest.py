"""Shared fixtures: a real SQLite file per test, a fake clock, the core, and `say`."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pytest

from bot.core import Core
from bot.events import Action, Command, FormSubmit
from bot.replies import Reply
from storage.store import Store
from redflag_testkit import FakeClock, address, text_of  # noqa: F401  (re-exported for old imports)

pytest_plugins = ["pg_plugin"]  # PostgreSQL fixtures (pg_server, pg_template, pg_url), started only when asked for


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "redflag.db"


@pytest.fixture
def store(store_url: str):
    """The test's store on the `engine` fixture's engine (SQLite unless REDFLAG_TEST_ENGINES says more)."""
    s = Store(store_url)
    yield s
    s.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))


@pytest.fixture
def core(store: Store, clock: FakeClock) -> Core:
    return Core(store, clock)


Say = Callable[..., list[Reply]]


@pytest.fixture
def say(core: Core) -> Say:
    """Send one slash command line ("/client add Acme") as a user; returns the replies."""

    def _say(text: str, user: str = "U1", workspace: str = "W1", platform: str = "console", locale: str | None = None, request_id: str | None = None, timezone_name: str | None = None) -> list[Reply]:
        line = text.strip()
        assert line.startswith("/"), line
        name, _, rest = line[1:].partition(" ")
        return core.handle(Command(address(user, workspace, platform, locale, timezone_name), name, rest.strip(), request_id=request_id))

    return _say


@pytest.fixture
def click(core: Core) -> Say:
    def _click(action_id: str, user: str = "U1", workspace: str = "W1", platform: str = "console", request_id: str | None = None) -> list[Reply]:
        return core.handle(Action(address(user, workspace, platform), action_id, request_id=request_id))

    return _click


@pytest.fixture
def submit(core: Core) -> Say:
    def _submit(form_id: str, values: dict[str, str], user: str = "U1", workspace: str = "W1", context: str = "", request_id: str | None = None) -> list[Reply]:
        return core.handle(FormSubmit(address(user, workspace), form_id, tuple(values.items()), request_id=request_id, context=context))

    return _submit
