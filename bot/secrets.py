"""Tokens and secrets never reach a log line: a logging filter masks their values."""
from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit
from typing import Mapping

SECRET_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_SECRET",
    "DISCORD_TOKEN",
    "REDFLAG_DATABASE_URL",  # a PostgreSQL URL may carry the password
)
#: Token shapes masked even when they did not come from the environment (OAuth installs, rotation).
TOKEN_PATTERNS = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|xoxe\.[A-Za-z0-9.-]+)\b")
MASK = "[redacted]"


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return TOKEN_PATTERNS.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def install_log_redaction(env: Mapping[str, str]) -> RedactingFilter:
    """Mask every configured secret in every handler's output, including later-added loggers."""
    secrets = [env[k] for k in SECRET_VARS if env.get(k)]
    password = _url_password(env.get("REDFLAG_DATABASE_URL") or "")
    if password:
        secrets.append(password)  # also where a driver or a message shows it without the rest of the URL
    flt = RedactingFilter(secrets)
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(flt)
    root.addFilter(flt)
    return flt
