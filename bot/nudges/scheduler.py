"""The sweep on a timer inside the bot process (APScheduler 3, `AsyncIOScheduler`).

The scheduler holds no state worth keeping: every run asks the database
what is due, so a restart or a missed run loses nothing. One run at a time
(`max_instances=1`), missed runs collapse into one (`coalesce`), and the
first run happens at start-up so a bot that was down catches up at once.
Leases and retries follow the core's clock (the real one in production).
On SIGTERM the bot calls `scheduler.sweeps.drain()`: the running sweep
finishes the DMs in flight and leaves the rest for the next start.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Mapping

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.notify import Notifier
from bot.nudges.sweep import run_sweep

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

#: Minutes between sweeps: short enough that a nudge is at most this late after the send hour.
INTERVAL_MINUTES = 3
JOB_ID = "redflag-nudge-sweep"


class SweepControl:
    """Lets the bot stop its sweep cleanly: no new DMs once `stop` is set, the ones in flight finish."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.running: asyncio.Task | None = None

    async def drain(self, timeout: float = 30.0) -> None:
        self.stop.set()
        if self.running is not None and not self.running.done():
            await asyncio.wait({self.running}, timeout=timeout)


async def sweep_job(core: "Core", notifiers: Mapping[str, Notifier], control: SweepControl | None = None) -> None:
    """One scheduled sweep; an error is logged and the next run tries again."""
    if control is not None and control.stop.is_set():
        return
    if control is not None:
        control.running = asyncio.current_task()
    try:
        report = await run_sweep(core.store, notifiers, core.clock(), core=core,
                                 stop=control.stop if control is not None else None)
    except Exception:
        log.exception("reminder sweep failed")
        return
    if report.claimed or report.outcomes:
        log.info(
            "reminder sweep: %d claimed, %d delivered, %d to retry, %d failed",
            report.claimed, report.count("delivered"), report.count("retry"), report.count("failed"),
        )


def start_scheduler(core: "Core", notifiers: Mapping[str, Notifier], interval_minutes: float = INTERVAL_MINUTES) -> AsyncIOScheduler:
    """Start the sweep on the current event loop (running, or set for this thread) and return the scheduler."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.get_event_loop()
    scheduler = AsyncIOScheduler(event_loop=loop, timezone=timezone.utc)
    control = SweepControl()
    scheduler.sweeps = control  # type: ignore[attr-defined]
    scheduler.add_job(
        sweep_job,
        "interval",
        args=(core, dict(notifiers), control),
        minutes=interval_minutes,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=datetime.now(timezone.utc),
        replace_existing=True,
    )
    scheduler.start()
    return scheduler
