"""What every Slack listener shares: the core, who is asking, and one way to ask the core.

`handle` is the only way a listener runs an event: once per request key,
through the retry memory (`replay.py`), so a Slack retry, a double click or
a resubmitted modal gets the first answer. The listeners themselves live in
`listeners/`, one job per module; delivery in `delivery.py`.
"""
from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import teams
from adapters.slack.acking import Continuations
from adapters.slack.addresses import Addresses
from adapters.slack.people import People
from adapters.slack.replay import RetryMemory
from bot import lanes
from bot.core import Core
from bot.events import Address, Event
from bot.i18n import Messages
from bot.replies import Attachment, Later, Reply
from bot.slow_process import SlowLane, WorkerDied, died_reply, lane_for

#: How long a command may take before the ack goes out with a "working on it" line
#: (Slack gives up after 3 s); the answer follows through the response_url.
ACK_BUDGET = 2.0
#: Threads for slow commands (each waiting on its worker process), buttons and forms (short commands run on the loop).
WORKERS = 4
#: PostgreSQL only: threads for short commands, whose round trips must not hold the loop (issue 16).
#: Slow pool + short pool stay inside the store's connection pool (5 + 10 overflow).
SHORT_WORKERS = 8
#: The interpreter's thread switch interval while slow commands share the process with the loop
#: (CPython's default is 5 ms); see `share_the_gil`.
SWITCH_INTERVAL = 0.0005


def share_the_gil() -> float:
    """Let the loop take the GIL back quickly from a slow command's thread; returns the interval before.

    Set by the Slack service while it serves (`service.start`, undone by `stop`).

    Every SQLite call and socket operation on the loop releases the GIL; while an export or a
    report runs pure Python on a pool thread, the loop then waits up to the switch interval to
    get it back, once per call: with CPython's 5 ms, an `/incident` beside an export took 2-3x
    its time alone (issue 20). A shorter interval costs the slow thread a little throughput.
    """
    import os
    import sys

    before = sys.getswitchinterval()
    wanted = float(os.environ.get("REDFLAG_SWITCH_INTERVAL", SWITCH_INTERVAL))
    if before > wanted:
        sys.setswitchinterval(wanted)
    return before


class CorePool(ThreadPoolExecutor):
    """The threads of slow commands, buttons and forms, owning (and shutting down with it) the short
    commands' pool, if any, and the slow commands' worker processes (`bot/slow_process.py`)."""

    def __init__(self, short: bool, lane: SlowLane | None = None) -> None:
        super().__init__(max_workers=WORKERS, thread_name_prefix="redflag-core")
        self.short = ThreadPoolExecutor(max_workers=SHORT_WORKERS, thread_name_prefix="redflag-short") if short else None
        self.lane = lane

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.short is not None:
            self.short.shutdown(wait=wait, cancel_futures=cancel_futures)
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if self.lane is not None:
            self.lane.shutdown()


class SlackBridge:
    """Turns Bolt requests into core events; the listeners in `listeners/` deliver the replies."""

    def __init__(self, core: Core, people: People | None = None, ack_budget: float = ACK_BUDGET) -> None:
        self.core = core
        self.ack_budget = ack_budget
        self.addresses = Addresses(core, people or People())
        #: The listeners' work after their ack (a second message, files, a modal), waited for at shutdown.
        self.continuations = Continuations()
        # Short commands run inline on the loop (bot/lanes.py, replay.py); this pool takes only the
        # slow ones (reports, exports, imports), buttons and forms. Several threads, so one long
        # report never queues another request behind it (issue 20).
        # On PostgreSQL short commands get a pool of their own (bot/lanes.py `runs_inline`).
        # A slow command's thread only waits there: the command itself runs in a worker process
        # (`bot/slow_process.py`), so its Python work never holds the GIL the loop needs.
        self.lane = lane_for(core)
        self.worker = CorePool(short=not core.answers.inline, lane=self.lane)
        # The retry memory lives in the database: shared by every process, kept over restarts.
        # It claims a slow command's key here, before the worker runs it, and keeps its answer after.
        # Files that may follow a reply (the report's chart) stay orders, made after the text is out (`make`).
        self.memory = RetryMemory(core.answers, self.worker, functools.partial(self.lane.handle, later=True),
                                  short_pool=self.worker.short)

    async def make(self, order: Later) -> tuple[Attachment, ...]:
        """The files a reply promised (the report's chart), made in the slow lane after its text went out."""
        return await asyncio.get_running_loop().run_in_executor(self.worker, self.lane.make, order)

    @property
    def people(self) -> People:
        return self.addresses.people

    async def address(self, client: AsyncWebClient, who: teams.Who, channel: str | None) -> Address:
        return await self.addresses.address(client, who, channel)

    def t(self, address: Address) -> Messages:
        """The person's language for the adapter's own words (as the core picks it for its replies)."""
        return self.core.context(address).t

    def runs_inline(self, event: Event) -> bool:
        """Whether the event runs on the loop, answered well inside the ack budget (short, on SQLite)."""
        return lanes.runs_inline(event, self.core.answers.inline)

    async def handle(self, key: str | None, event: Event, ttl: float = 3600.0) -> list[Reply]:
        """One event through the core, once per request key (retries get the first answer).

        A slow command whose worker process died is answered with a translated error; the retry
        memory let its key go, so a retry runs it again (its writes are keyed: nothing twice).
        """
        try:
            return await self.memory.answer(event.address.workspace, key, event, ttl)
        except WorkerDied:
            return [died_reply(self.core, event.address)]
