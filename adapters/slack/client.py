"""Every Web API client the adapter makes: same base URL, same retry handlers.

Requests, OAuth, token rotation and the scheduler's DMs all go through
`web_client()`, so `SLACK_API_URL` and the `Retry-After` handling hold
everywhere, not only inside Bolt's request cycle.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Optional

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

#: Longest `Retry-After` we wait out inline; beyond it the caller gets the 429
#: (the scheduler records the failure and tries again later).
MAX_INLINE_WAIT = 30.0


def retry_after(headers: dict) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, (list, tuple)) else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                return None
    return None


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Waits exactly what Slack's `Retry-After` says (no jitter), up to a cap."""

    def __init__(self, max_retry_count: int = 2, max_wait: float = MAX_INLINE_WAIT) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: Optional[HttpResponse] = None,
        error: Optional[Exception] = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: Optional[HttpResponse] = None,
        error: Optional[Exception] = None,
    ) -> None:
        wait = retry_after(response.headers) if response is not None else None
        wait = 1.0 if wait is None else wait
        log.warning("Slack rate limit on %s; retrying in %.0f s", request.url.rsplit("/", 1)[-1], wait)
        state.next_attempt_requested = True
        if wait:
            await asyncio.sleep(wait)
        state.increment_current_attempt()


def retry_handlers() -> list[AsyncRetryHandler]:
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=1),
        RateLimitRetry(),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]


def web_client(api_url: str, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=api_url, retry_handlers=retry_handlers(), timeout=15)


def api_error(err: BaseException) -> str:
    """Slack's short error code (`channel_not_found`, `ratelimited`, ...) or the exception's type."""
    response = getattr(err, "response", None)
    if response is not None:
        try:
            code = response.get("error")
        except Exception:
            code = None
        if code:
            return str(code)
        status = getattr(response, "status_code", None)
        if status:
            return f"http_{status}"
    return type(err).__name__
