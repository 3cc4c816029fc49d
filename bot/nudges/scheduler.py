"""The sweep on a timer inside the bot process (APScheduler 3, `AsyncIOScheduler`).

The scheduler holds no state worth keeping: every run asks the database
what is due, so a restart or a missed run loses nothing. One run at a time
(`max_instances=1`), missed runs collapse into one (`coalesce`), and the
first run happens at start-up so a bot that was down catches up at once.
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


async def sweep_job(core: "Core", notifiers: Mapping[str, Notifier]) -> None:
    """One scheduled sweep; an error is logged and the next run tries again."""
    try:
        report = await run_sweep(core.store, notifiers, core.clock(), core=core)
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
    scheduler.add_job(
        sweep_job,
        "interval",
        args=(core, dict(notifiers)),
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
