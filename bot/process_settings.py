"""Which parts of Redflag one process runs, and how: the in-process reminder scheduler, the sweep's batch.

Past one machine, chat workers run with `REDFLAG_SCHEDULER=off` (or
`redflag serve --no-scheduler`) and one sweeper runs `redflag nudges run`
on a schedule, so one sweep at a time sends reminders. Unset, the scheduler
runs beside the chat surfaces, as it always has.
"""
from __future__ import annotations

import logging
from typing import Mapping

log = logging.getLogger("redflag")

SCHEDULER_VAR = "REDFLAG_SCHEDULER"
BATCH_VAR = "REDFLAG_NUDGE_BATCH"
#: Clients a sweep claims per batch (one transaction on PostgreSQL; their DMs go out as the batch commits).
DEFAULT_BATCH = 100
_ON = ("on", "true", "yes", "1")
_OFF = ("off", "false", "no", "0")


class SettingError(ValueError):
    """A setting Redflag cannot start with; the message names it and the values it takes."""


def scheduler_enabled(env: Mapping[str, str]) -> bool:
    """True unless `REDFLAG_SCHEDULER` says off; a value that is neither is an error, not a guess."""
    value = (env.get(SCHEDULER_VAR) or "").strip().lower()
    if not value or value in _ON:
        return True
    if value in _OFF:
        return False
    raise SettingError(f"{SCHEDULER_VAR} takes on or off, not {env.get(SCHEDULER_VAR)!r}")


def scheduler_wanted(env: Mapping[str, str]) -> bool:
    """`scheduler_enabled`, saying in the log when this process leaves the sweeps to a sweeper."""
    if scheduler_enabled(env):
        return True
    log.warning("reminder scheduler off in this process (%s=off): run `redflag nudges run` on a schedule", SCHEDULER_VAR)
    return False


def nudge_batch(env: Mapping[str, str]) -> int:
    """Clients per claimed batch (`REDFLAG_NUDGE_BATCH`, default 100): a whole number of at least 1, or an error.

    Smaller batches let several sweepers interleave sooner (the tests use 2); larger ones cost fewer
    transactions, but on PostgreSQL hold more client rows while a batch is claimed.
    """
    value = (env.get(BATCH_VAR) or "").strip()
    if not value:
        return DEFAULT_BATCH
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise SettingError(f"{BATCH_VAR} takes a whole number of clients, 1 or more, not {env.get(BATCH_VAR)!r}")
    return size
