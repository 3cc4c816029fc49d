"""What the Slack and Discord fakes share: waking waiting tests, and pauses that end when the fake stops.

Both fakes record the calls the app makes and let a test wait, event-driven,
until the calls it expects have happened; slow and hanging answers give up at
once when the fake stops.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable


class FakeServer:
    #: Seconds `wait_for` waits by default: a guard against hanging, not a timing assertion.
    wait_timeout = 5.0

    def __init__(self) -> None:
        self._closing = asyncio.Event()  # set on stop: slow and hanging answers give up at once
        self._changed = asyncio.Condition()

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
