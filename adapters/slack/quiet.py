"""Bolt's log lines about refused requests, without the request in them.

Bolt logs a request with a bad signature at INFO with its whole body (the
`response_url`, the legacy token, what the user typed), and an unhandled
request at WARNING with the body too. Whoever sent a forged request, its
content is not ours to keep: the line says what happened and nothing more.
"""
from __future__ import annotations

import logging

_REWRITES = (
    ("Invalid request signature detected", "refused a Slack request: invalid signature (its content is not logged)"),
    ("Unhandled request (", "unhandled Slack request: no listener for it (its content is not logged)"),
)


class RefusedRequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = str(record.msg)
        for prefix, text in _REWRITES:
            if msg.startswith(prefix):
                record.msg, record.args = text, None
                break
        return True


def install(logger: logging.Logger) -> logging.Logger:
    """Attach the filter (Bolt copies the app logger's filters to its middleware loggers)."""
    if not any(isinstance(f, RefusedRequestFilter) for f in logger.filters):
        logger.addFilter(RefusedRequestFilter())
    return logger
