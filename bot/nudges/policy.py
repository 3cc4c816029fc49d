"""The reminder ladder as pure functions: which stage is due, and when it may go out.

Nothing here touches the database or a clock: the sweep passes in the
moment (UTC), the user's zone and send hour, and the invoice's dates, so every
rule is testable on its own. Days are counted on the user's local calendar;
a nudge goes out at the user's send hour local time and never at night.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from zoneinfo import ZoneInfo

from storage.users import DEFAULT_SEND_HOUR

log = logging.getLogger(__name__)

#: The ladder, mildest first.
STAGES: tuple[str, ...] = ("friendly", "firm", "final", "escalate")
#: Days overdue at which each stage becomes due (a workspace may override them).
DEFAULT_OFFSETS: dict[str, int] = {"friendly": 7, "firm": 14, "final": 30, "escalate": 60}
#: From this stage on the DM offers "Should I fire them?" and a late-payment incident is on file.
FINAL = "final"
#: Local hour from which nothing is sent any more (unless the user's own send hour is later).
QUIET_FROM = 22
#: The late fee the final notice names, in percent of the remaining balance (a workspace may override it).
DEFAULT_LATE_FEE_PERCENT = 5


class BadOffsets(ValueError):
    """Offsets must name every stage with strictly increasing positive day counts."""


def validate_offsets(offsets: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    previous = 0
    for stage in STAGES:
        value = offsets.get(stage)
        if not isinstance(value, int) or isinstance(value, bool) or value <= previous or value > 3650:
            raise BadOffsets(stage)
        out[stage] = value
        previous = value
    return out


def offsets_of(custom: Mapping[str, int] | None, workspace: str) -> dict[str, int]:
    """A workspace's stage offsets: its own when valid, else the defaults (a bad row is logged, not fatal)."""
    if not custom:
        return dict(DEFAULT_OFFSETS)
    try:
        return validate_offsets(custom)
    except BadOffsets:
        log.warning("workspace %s has invalid nudge offsets %r; using the defaults", workspace, custom)
        return dict(DEFAULT_OFFSETS)


def stage_rank(stage: str) -> int:
    return STAGES.index(stage)


def at_least_final(stage: str) -> bool:
    return stage_rank(stage) >= stage_rank(FINAL)


def local_day(now: datetime, tz: ZoneInfo) -> date:
    """The user's calendar date at the UTC moment `now`."""
    return now.astimezone(tz).date()


def days_overdue(due_on: date, today: date) -> int:
    return (today - due_on).days


def due_stage(overdue: int, offsets: Mapping[str, int] = DEFAULT_OFFSETS) -> str | None:
    """The highest stage whose offset has been reached (catch-up sends only this one)."""
    found = None
    for stage in STAGES:
        if overdue >= offsets[stage]:
            found = stage
    return found


def next_stage(stage: str | None) -> str | None:
    if stage is None:
        return STAGES[0]
    index = stage_rank(stage) + 1
    return STAGES[index] if index < len(STAGES) else None


def stage_date(due_on: date, stage: str, offsets: Mapping[str, int] = DEFAULT_OFFSETS) -> date:
    """The local date on which `stage` becomes due for an invoice due on `due_on`."""
    return due_on + timedelta(days=offsets[stage])


def local_moment(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`hour`:00 local on `day`, as UTC, safe across daylight-saving changes.

    On a spring-forward day an hour that does not exist (02:00 in New York)
    becomes the first moment after the gap; on a fall-back day an hour that
    happens twice is taken the first time.
    """
    naive = datetime.combine(day, time(hour))
    # fold=0: a skipped hour is read with the offset from before the change
    # (so it lands just after the gap); a repeated hour is its first occurrence.
    return naive.replace(tzinfo=tz, fold=0).astimezone(timezone.utc)


def send_hour_of(settings: object | None) -> int:
    """The user's reminder hour, or the default for a user who never set one (one rule for every caller)."""
    return settings.send_hour if settings is not None else DEFAULT_SEND_HOUR  # type: ignore[attr-defined]


def at_send_hour(now: datetime, days: int, send_hour: int, tz: ZoneInfo) -> datetime:
    """`days` local days after `now`, at the user's send hour in their zone (UTC): when a follow-up lands."""
    return local_moment(local_day(now, tz) + timedelta(days=days), send_hour, tz)


def window(day: date, send_hour: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC interval on local `day` during which a nudge may go out."""
    start = local_moment(day, send_hour, tz)
    end_hour = max(QUIET_FROM, send_hour + 1)
    if end_hour >= 24:
        end = local_moment(day + timedelta(days=1), 0, tz)
    else:
        end = local_moment(day, end_hour, tz)
    return start, end


def in_window(now: datetime, send_hour: int, tz: ZoneInfo) -> bool:
    start, end = window(local_day(now, tz), send_hour, tz)
    return start <= now < end


def next_window_start(now: datetime, send_hour: int, tz: ZoneInfo) -> datetime:
    """The first moment at or after `now` when sending is allowed."""
    today = local_day(now, tz)
    start, end = window(today, send_hour, tz)
    if now < start:
        return start
    if now < end:
        return now
    return window(today + timedelta(days=1), send_hour, tz)[0]


@dataclass(frozen=True)
class Decision:
    """What the sweep should do with one invoice right now.

    `stage` is the stage to claim and send now (None: nothing to send);
    `next_check` is the local date to look at the invoice again (None: the
    ladder is finished until the due date changes); `wait_for_hour` means a
    stage is due today but the send hour has not come (keep it in the queue).
    """

    stage: str | None
    next_check: date | None
    reason: str  # "send" | "not_due" | "sent" | "snoozed" | "paused" | "before_hour" | "done"
    overdue: int = 0


def decide(
    *,
    now: datetime,
    tz: ZoneInfo,
    send_hour: int,
    due_on: date,
    sent: frozenset[str] | set[str],
    snoozed_until: date | None = None,
    paused: bool = False,
    paused_until: date | None = None,
    offsets: Mapping[str, int] = DEFAULT_OFFSETS,
) -> Decision:
    """Decide for one open invoice; `sent` is the stages already claimed for this due date."""
    today = local_day(now, tz)
    overdue = days_overdue(due_on, today)
    stage = due_stage(overdue, offsets)
    if stage is None:
        return Decision(None, stage_date(due_on, STAGES[0], offsets), "not_due", overdue)
    if stage in sent or any(stage_rank(s) > stage_rank(stage) for s in sent):
        upcoming = next_stage(max(sent | {stage}, key=stage_rank))
        return Decision(None, stage_date(due_on, upcoming, offsets) if upcoming else None, "sent", overdue)
    if snoozed_until is not None and today < snoozed_until:
        return Decision(None, snoozed_until, "snoozed", overdue)
    if paused and (paused_until is None or today < paused_until):
        # Paused with no end: look again tomorrow, so a resume is noticed within a day.
        return Decision(None, paused_until or today + timedelta(days=1), "paused", overdue)
    if not in_window(now, send_hour, tz):
        start = next_window_start(now, send_hour, tz)
        return Decision(None, local_day(start, tz), "before_hour", overdue)
    upcoming = next_stage(stage)
    return Decision(stage, stage_date(due_on, upcoming, offsets) if upcoming else None, "send", overdue)
