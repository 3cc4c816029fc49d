"""What every Slack listener shares: the core, who is asking, and one way to ask the core.

`handle` is the only way a listener runs an event: once per request key,
through the retry memory (`replay.py`), so a Slack retry, a double click or
a resubmitted modal gets the first answer. The listeners themselves live in
`listeners/`, one job per module; delivery in `delivery.py`.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import teams
from adapters.slack.addresses import Addresses
from adapters.slack.people import People
from adapters.slack.replay import RetryMemory
from bot.core import Core
from bot.events import Address, Event
from bot.i18n import Messages
from bot.replies import Reply

#: How long a command may take before the ack goes out with a "working on it" line
#: (Slack gives up after 3 s); the answer follows through the response_url.
ACK_BUDGET = 2.0
#: Threads for slow commands, buttons and forms (short commands run on the loop).
WORKERS = 4
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


class SlackBridge:
    """Turns Bolt requests into core events; the listeners in `listeners/` deliver the replies."""

    def __init__(self, core: Core, people: People | None = None, ack_budget: float = ACK_BUDGET) -> None:
        self.core = core
        self.ack_budget = ack_budget
        self.addresses = Addresses(core, people or People())
        # Short commands run inline on the loop (bot/lanes.py, replay.py); this pool takes only the
        # slow ones (reports, exports, imports), buttons and forms. Several threads, so one long
        # report never queues another request behind it (issue 20).
        self.worker = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="redflag-core")
        # The retry memory lives in the database: shared by every process, kept over restarts.
        self.memory = RetryMemory(core.answers, self.worker, core.handle)

    @property
    def people(self) -> People:
        return self.addresses.people

    async def address(self, client: AsyncWebClient, who: teams.Who, channel: str | None) -> Address:
        return await self.addresses.address(client, who, channel)

    def t(self, address: Address) -> Messages:
        """The person's language for the adapter's own words (as the core picks it for its replies)."""
        return self.core.context(address).t

    async def handle(self, key: str | None, event: Event, ttl: float = 3600.0) -> list[Reply]:
        """One event through the core, once per request key (retries get the first answer)."""
        return await self.memory.answer(event.address.workspace, key, event, ttl)
