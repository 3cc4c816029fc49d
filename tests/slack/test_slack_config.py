"""Which mode the environment selects, and what start() refuses."""
from __future__ import annotations

import pytest

from adapters.slack import configured
from adapters.slack.config import SlackConfig
from adapters.slack.service import start


@pytest.mark.parametrize("env,expected", [
    ({}, False),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, False),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, True),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, True),
    ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}, True),
    ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}, False),
    ({"SLACK_BOT_TOKEN": "  ", "SLACK_SIGNING_SECRET": "s"}, False),
])
def test_configured(env, expected):
    assert configured(env) is expected


def test_modes_and_urls():
    c = SlackConfig.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": "https://slack-gov.com/api"})
    assert c.socket_mode and not c.oauth
    assert c.api_url == "https://slack-gov.com/api/"
    assert c.authorization_url == "https://slack-gov.com/oauth/v2/authorize"
    assert SlackConfig.from_env({}).port == 3000
    with pytest.raises(ValueError, match="REDFLAG_PORT"):
        SlackConfig.from_env({"REDFLAG_PORT": "http"})


async def test_http_mode_without_signing_secret_refuses_to_start(core, fake, db_path):
    env = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_API_URL": fake.url, "REDFLAG_PORT": "0", "REDFLAG_DB": str(db_path)}
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        await start(core, env)
