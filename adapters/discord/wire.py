"""How long a DM may wait for Discord: only while a request is on the wire, never while discord.py waits a 429.

discord.py waits out a rate limit inside the call (`channel.send` sleeps the
`Retry-After`, then sends again). A plain `asyncio.wait_for` round the call
counted that sleep as "no answer from Discord": the DM was recorded as
unknown, an attempt was counted, and the workspace was not held back. So the
clients carry an aiohttp trace that tells the `Watch` of the call in hand
(found through a context variable) when a request goes out and when its
answer comes back; the timeout runs only in between.

The clients also set discord.py's `max_ratelimit_timeout`: a 429 asking for
longer than `RATE_LIMIT_WAIT` raises `discord.RateLimited` at once, and the
sweep holds that workspace back instead (`bot/nudges/delivery.py`).
"""
from __future__ import annotations

import asyncio
import contextvars
import os
import time
from typing import Any, Awaitable, Mapping, TypeVar

import aiohttp

T = TypeVar("T")

#: The longest 429 discord.py waits out by itself (30 s is the least its `max_ratelimit_timeout` takes).
RATE_LIMIT_WAIT = 30.0
RATE_LIMIT_VAR = "REDFLAG_DISCORD_RATELIMIT_WAIT"


def rate_limit_wait(env: Mapping[str, str] | None = None) -> float:
    """`RATE_LIMIT_WAIT`, or a shorter one from the environment (tests: a "minutes" wait in seconds)."""
    env = os.environ if env is None else env
    try:
        return max(0.01, float(env.get(RATE_LIMIT_VAR, "") or RATE_LIMIT_WAIT))
    except ValueError:
        return RATE_LIMIT_WAIT


class Watch:
    """One call's clock: the time since its current request went out, if one is out."""

    def __init__(self) -> None:
        self.out_since: float | None = None
        self.changed = asyncio.Event()
        self.global_limit = False  # the last 429 was Discord's global limit (on the bot, not one route)

    def request_out(self) -> None:
        self.out_since = time.monotonic()
        self.changed.set()

    def answered(self) -> None:
        self.out_since = None
        self.changed.set()


_WATCH: contextvars.ContextVar[Watch | None] = contextvars.ContextVar("redflag_discord_watch", default=None)


def trace() -> aiohttp.TraceConfig:
    """The aiohttp trace for a discord.py client: reports each request to the watch of the call making it."""

    async def start(session: Any, ctx: Any, params: Any) -> None:
        if (watch := _WATCH.get()) is not None:
            watch.request_out()

    async def end(session: Any, ctx: Any, params: Any) -> None:
        if (watch := _WATCH.get()) is not None:
            response = getattr(params, "response", None)
            if response is not None and response.status == 429:
                headers = response.headers
                watch.global_limit = (headers.get("X-RateLimit-Global", "").lower() == "true"
                                      or headers.get("X-RateLimit-Scope", "") == "global")
            watch.answered()

    config = aiohttp.TraceConfig()
    config.on_request_start.append(start)
    config.on_request_end.append(end)
    config.on_request_exception.append(end)
    return config


async def timed(call: Awaitable[T], timeout: float, watch: Watch | None = None) -> T:
    """Await `call`; `asyncio.TimeoutError` once one of its requests has had no answer for `timeout` seconds."""
    watch = watch or Watch()
    token = _WATCH.set(watch)
    try:
        task = asyncio.ensure_future(call)  # the task copies the context, watch included
    finally:
        _WATCH.reset(token)
    try:
        while not task.done():
            watch.changed.clear()
            left = None if watch.out_since is None else watch.out_since + timeout - time.monotonic()
            if left is not None and left <= 0:
                raise asyncio.TimeoutError
            changed = asyncio.ensure_future(watch.changed.wait())
            try:
                await asyncio.wait({task, changed}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            finally:
                changed.cancel()
        return task.result()
    finally:
        if not task.done():
            task.cancel()
            try:
                await task
            except BaseException:
                pass
