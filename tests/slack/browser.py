"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Selenium with the system chromedriver.

Nothing is downloaded: the browser and its driver come from the Debian
packages `chromium` and `chromium-driver`, which `make test` installs when
they are missing (tools/ensure_chromium.sh). Without them the browser tests
fail with a message saying how to install them; they never skip.
"""
from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("REDFLAG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("REDFLAG_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


def missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) or shutil.which(path)):
            return f"{path} is missing: run `apt-get install -y chromium chromium-driver` (make test does it as root)"
    return None


def chromium():
    """A started WebDriver for headless Chromium; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver
