"""Issue 14, item 10: the OAuth install page and its success and failure pages, in a real headless Chromium.

The browser opens /slack/install, reads the "Add to Slack" link, follows it to
the fake Slack's authorize endpoint (which approves and sends the browser back
to /slack/oauth_redirect with a code, as Slack does), and lands on the success
page, with the installation stored. A forged state lands on the failure page.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from adapters.slack.installations import SharedInstallationStore, open_engine

import browser
from adapters.slack.service import start
from slack_harness import CLIENT_ID, CLIENT_SECRET, grant

TOKEN = "xoxb-2222-3333-BROWSERTOKEN"
MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text(encoding="utf-8"))


@pytest.fixture
def chrome():
    problem = browser.missing()
    assert problem is None, problem  # never skipped: CI must have the browser (make test installs it)
    driver = browser.chromium()
    yield driver
    driver.quit()


@pytest.fixture
async def oauth_service(core, env, fake):
    fake.accept_any_token = False
    oauth_env = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    oauth_env.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    svc = await start(core, oauth_env)
    fake.oauth_redirect = f"http://127.0.0.1:{svc.port}/slack/oauth_redirect"
    yield svc
    await svc.stop()


def _install_in_browser(driver, base: str) -> dict:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "/slack/install")
    link = WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "a[href*='oauth/v2/authorize']")))
    page = {"install_text": driver.find_element(By.TAG_NAME, "body").text, "href": link.get_attribute("href"), "link_html": link.get_attribute("innerHTML")}
    link.click()
    WebDriverWait(driver, 20).until(lambda d: "/slack/oauth_redirect" in d.current_url)
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").text.strip())
    page.update(final_url=driver.current_url, final_text=driver.find_element(By.TAG_NAME, "body").text)
    return page


async def test_install_page_add_to_slack_and_success_page_in_a_real_browser(chrome, oauth_service, fake, db_path):
    fake.oauth_grants[fake.authorize_code] = grant(TOKEN)
    base = f"http://127.0.0.1:{oauth_service.port}"
    page = await asyncio.to_thread(_install_in_browser, chrome, base)

    assert 'alt="Add to Slack"' in page["link_html"]
    href = urlparse(page["href"])
    assert page["href"].startswith(fake.base + "/oauth/v2/authorize")  # the configured authorize URL
    query = parse_qs(href.query)
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert query["state"][0]
    assert fake.authorize_requests and fake.authorize_requests[-1]["state"] == query["state"][0]

    assert "/slack/oauth_redirect" in page["final_url"]
    assert page["final_text"].startswith("Thank you!")
    bot = await SharedInstallationStore(client_id=CLIENT_ID, engine=open_engine(str(db_path))).async_find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None and bot.bot_token == TOKEN


def _forged_state(driver, base: str) -> str:
    from selenium.webdriver.common.by import By

    driver.get(base + "/slack/install")  # the state cookie is set ...
    driver.get(base + "/slack/oauth_redirect?code=anything&state=forged")  # ... but this state is not it
    return driver.find_element(By.TAG_NAME, "body").text


async def test_a_forged_state_ends_on_the_failure_page(chrome, oauth_service, fake, db_path):
    text = await asyncio.to_thread(_forged_state, chrome, f"http://127.0.0.1:{oauth_service.port}")
    assert "something went wrong" in text.lower() and "try again" in text.lower()
    assert fake.calls_to("oauth.v2.access") == []
    assert await SharedInstallationStore(client_id=CLIENT_ID, engine=open_engine(str(db_path))).async_find_bot(enterprise_id=None, team_id="T2") is None
