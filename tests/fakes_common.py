"""What the Slack and Discord fakes share: waking waiting tests, taps, and pauses that end when the fake stops.

Both fakes record the calls the app makes and let a test wait, event-driven,
until the calls it expects have happened; slow and hanging answers give up at
once when the fake stops. A tap is told of an event the moment the fake sees
it ("dm": a direct message was stored, before its answer goes back, with the
caller's address as `peer`), so a test can act inside that moment (the chaos
test kills the sweep that posted, between its post and its mark) or count
events across both fakes, without polling.
"""
from __future__ import annotations

import asyncio
import contextvars
from typing import Any, Callable

from aiohttp import web

#: A tap: called with the event's name and what the fake knows of it (the message stored, for "dm").
Tap = Callable[[str, dict], None]


class FakeServer:
    #: Seconds `wait_for` waits by default: a guard against hanging, not a timing assertion.
    wait_timeout = 5.0

    def __init__(self) -> None:
        self._closing = asyncio.Event()  # set on stop: slow and hanging answers give up at once
        self._changed = asyncio.Condition()
        self._taps: list[Tap] = []
        self._peer: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("peer", default=None)

    def tap(self, callback: Tap) -> None:
        """Call `callback(event, detail)` as each event happens, on the fake's loop (it must not block)."""
        self._taps.append(callback)

    def _calling(self, request: web.Request) -> None:
        """Who is calling (host, port), for the taps of what this request does; per request task."""
        transport = request.transport
        self._peer.set(transport.get_extra_info("peername") if transport is not None else None)

    def _tapped(self, event: str, detail: dict) -> None:
        for callback in self._taps:
            callback(event, {**detail, "peer": self._peer.get()})

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def wait_for(self, predicate: Callable[[], Any], timeout: float | None = None) -> Any:
        """Wait until `predicate()` is truthy: the app has made the calls a test expects (no polling sleeps)."""

        async def loop() -> Any:
            async with self._changed:
                while True:
                    value = predicate()
                    if value:
                        return value
                    await self._changed.wait()

        return await asyncio.wait_for(loop(), self.wait_timeout if timeout is None else timeout)
