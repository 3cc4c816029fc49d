#!/usr/bin/env bash
# The browser tests (tests/slack/test_slack_oauth_browser.py) drive Debian's Chromium through the
# system chromedriver. Install both when they are missing and we may (root with apt-get); otherwise
# say so: the tests then fail with the same advice (they never skip).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium and chromium-driver for the browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium chromium-driver >/dev/null
    exit 0
fi
echo "chromium/chromedriver missing: install them (apt-get install -y chromium chromium-driver) for the browser tests" >&2
