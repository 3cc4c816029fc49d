"""The real Slack service on localhost, a fake Slack Web API beside it, and a signed-request client.

`slack.command("/client", "add Acme")` sends what Slack sends: a form-encoded
body signed with the v0 scheme; `slack.click(...)`, `slack.submit(...)`,
`slack.event(...)` send `payload=` JSON and Events API bodies built from the
recorded fixtures in `fixtures/` (see `slack_harness.py`).
"""
from __future__ import annotations

import pytest

from adapters.slack.service import start
from slack_harness import STEVE, SlackSender, service_env, started_fake

@pytest.fixture(autouse=True)
def _clean_slack_env(monkeypatch):
    # Bolt reads some SLACK_* variables on its own; the tests pass everything explicitly.
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_SCOPES", "SLACK_REDIRECT_URI"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake():
    server = await started_fake(STEVE, ("U2", "nl-NL", "Europe/Amsterdam", "Sanne"), ("U9", "en-GB", "Europe/London", "Client Carl"))
    yield server
    await server.stop()


@pytest.fixture
def env(fake, store_url) -> dict[str, str]:
    """The service's environment, on the test's database: the `store` fixture's (a SQLite file, or PostgreSQL for
    the tests in `pg_plugin.BOTH_ENGINES` and under REDFLAG_TEST_ENGINES=postgresql)."""
    return service_env(fake.url, store_url)


@pytest.fixture
async def service(core, env):
    svc = await start(core, env)
    yield svc
    await svc.stop()


@pytest.fixture
def slack(service, fake) -> SlackSender:
    return SlackSender(service, fake)


