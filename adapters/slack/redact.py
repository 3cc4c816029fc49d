"""Keep tokens and secrets out of every log line, whoever logs them.

slack-sdk logs request headers and OAuth bodies at debug level; a handler
filter would miss records from loggers the operator configured themselves,
so the record factory scrubs each record once, as it is created.
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Iterable

TOKEN_PATTERN = re.compile(
    r"xox[a-zA-Z]\.xox[a-zA-Z]-[A-Za-z0-9-]+"  # rotating tokens (xoxe.xoxb-…)
    r"|xox[a-zA-Z]-[A-Za-z0-9-]+"  # bot, user, refresh tokens
    r"|xapp-[A-Za-z0-9-]+"  # app-level tokens (Socket Mode)
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+"
)
#: `key=value` / `"key": "value"` pairs whose value is a credential: the legacy verification
#: token in payloads, the OAuth client secret and one-time code, refresh tokens.
KEYED_PATTERN = re.compile(
    r"(?i)\b((?:client_secret|verification_token|token|refresh_token|code)['\"]?\s*[:=]\s*\[?\s*['\"]?)([^'\"&,\s}]{8,})"
)
MASK = "[redacted]"

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def scrub(text: str) -> str:
    out = TOKEN_PATTERN.sub(MASK, text)
    out = KEYED_PATTERN.sub(lambda m: m.group(1) + MASK, out)
    for secret in _secrets:
        if secret in out:
            out = out.replace(secret, MASK)
    return out


def add_secrets(secrets: Iterable[str]) -> None:
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= 6)


def install(secrets: Iterable[str] = ()) -> None:
    """Scrub every log record from now on (idempotent; adds to the known secrets)."""
    global _installed
    add_secrets(secrets)
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a bad format string must not hide the record
                return record
            clean = scrub(message)
            if clean != message or record.args:
                record.msg, record.args = clean, None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
