"""The pure ladder: stages by days overdue, local days, the send hour across DST."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.nudges import policy

NY = ZoneInfo("America/New_York")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AKL = ZoneInfo("Pacific/Auckland")
UTC = ZoneInfo("UTC")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "overdue, stage",
    [(-3, None), (0, None), (6, None), (7, "friendly"), (13, "friendly"), (14, "firm"), (29, "firm"),
     (30, "final"), (59, "final"), (60, "escalate"), (400, "escalate")],
)
def test_highest_stage_due(overdue: int, stage: str | None) -> None:
    assert policy.due_stage(overdue) == stage


def test_workspace_offsets_are_validated() -> None:
    assert policy.validate_offsets({"friendly": 3, "firm": 10, "final": 21, "escalate": 45})["final"] == 21
    for bad in ({"friendly": 7}, {"friendly": 14, "firm": 7, "final": 30, "escalate": 60},
                {"friendly": 0, "firm": 7, "final": 30, "escalate": 60}, {"friendly": "7", "firm": 14, "final": 30, "escalate": 60}):
        with pytest.raises(policy.BadOffsets):
            policy.validate_offsets(bad)


def test_send_hour_follows_new_york_across_fall_back() -> None:
    # 1 Nov 2026: clocks go back from EDT (UTC-4) to EST (UTC-5) at 02:00.
    assert policy.local_moment(date(2026, 10, 31), 9, NY) == utc(2026, 10, 31, 13)
    assert policy.local_moment(date(2026, 11, 1), 9, NY) == utc(2026, 11, 1, 14)
    # 01:30 happens twice that night: the first one counts.
    assert policy.local_moment(date(2026, 11, 1), 1, NY) == utc(2026, 11, 1, 5)


def test_send_hour_follows_new_york_across_spring_forward() -> None:
    # 14 Mar 2027: clocks jump from 02:00 EST to 03:00 EDT.
    assert policy.local_moment(date(2027, 3, 13), 9, NY) == utc(2027, 3, 13, 14)
    assert policy.local_moment(date(2027, 3, 14), 9, NY) == utc(2027, 3, 14, 13)
    # 02:00 does not exist that day: the nudge goes out right after the gap (03:00 EDT).
    assert policy.local_moment(date(2027, 3, 14), 2, NY) == utc(2027, 3, 14, 7)


def test_local_day_differs_from_utc_ahead_of_utc() -> None:
    now = utc(2026, 11, 24, 20, 30)
    assert policy.local_day(now, AKL) == date(2026, 11, 25)
    assert policy.local_day(now, HCM) == date(2026, 11, 25)
    assert policy.local_day(now, NY) == date(2026, 11, 24)


def test_window_never_at_night() -> None:
    assert not policy.in_window(utc(2026, 11, 25, 7, 59), 9, ZoneInfo("Europe/Amsterdam"))  # 08:59 local
    assert policy.in_window(utc(2026, 11, 25, 8, 0), 9, ZoneInfo("Europe/Amsterdam"))
    assert policy.in_window(utc(2026, 11, 25, 20, 59), 9, ZoneInfo("Europe/Amsterdam"))  # 21:59
    assert not policy.in_window(utc(2026, 11, 25, 21, 0), 9, ZoneInfo("Europe/Amsterdam"))  # 22:00
    # After the quiet hour the next chance is tomorrow's send hour.
    assert policy.next_window_start(utc(2026, 11, 25, 22), 9, ZoneInfo("Europe/Amsterdam")) == utc(2026, 11, 26, 8)
    # A late send hour still gets its own hour.
    assert policy.in_window(utc(2026, 11, 25, 23, 30), 23, UTC)
    assert not policy.in_window(utc(2026, 11, 25, 22, 30), 23, UTC)


def decide(now: datetime, due: date, tz: ZoneInfo = UTC, sent: set[str] | None = None, **kw) -> policy.Decision:
    return policy.decide(now=now, tz=tz, send_hour=9, due_on=due, sent=frozenset(sent or ()), **kw)


def test_decide_each_stage_then_the_next_check() -> None:
    due = date(2026, 10, 1)
    d = decide(utc(2026, 10, 8, 9), due)
    assert (d.stage, d.next_check, d.overdue) == ("friendly", date(2026, 10, 15), 7)
    d = decide(utc(2026, 10, 8, 12), due, sent={"friendly"})
    assert (d.stage, d.reason, d.next_check) == (None, "sent", date(2026, 10, 15))
    assert decide(utc(2026, 10, 15, 9), due, sent={"friendly"}).stage == "firm"
    assert decide(utc(2026, 10, 31, 9), due, sent={"friendly", "firm"}).stage == "final"
    last = decide(utc(2026, 11, 30, 9), due, sent={"friendly", "firm", "final"})
    assert (last.stage, last.next_check) == ("escalate", None)
    assert decide(utc(2026, 12, 30, 9), due, sent=set(policy.STAGES)).reason == "sent"


def test_decide_catch_up_sends_only_the_highest_stage() -> None:
    d = decide(utc(2026, 11, 5, 9), date(2026, 10, 1))
    assert d.stage == "final" and d.next_check == date(2026, 11, 30)


def test_decide_not_due_before_the_first_stage() -> None:
    d = decide(utc(2026, 10, 3, 9), date(2026, 10, 1))
    assert (d.stage, d.reason, d.next_check) == (None, "not_due", date(2026, 10, 8))


def test_decide_waits_for_the_send_hour_in_the_users_zone() -> None:
    due = date(2026, 11, 18)
    # 01:30 in Ho Chi Minh City on the 25th (still the 24th in UTC): too early.
    early = decide(utc(2026, 11, 24, 18, 30), due, HCM)
    assert (early.stage, early.reason, early.next_check) == (None, "before_hour", date(2026, 11, 25))
    assert decide(utc(2026, 11, 25, 1, 59), due, HCM).stage is None  # 08:59 local
    assert decide(utc(2026, 11, 25, 2, 0), due, HCM).stage == "friendly"  # 09:00 local
    # A 06:00 send hour in Ho Chi Minh City falls on the previous UTC day.
    six = policy.decide(now=utc(2026, 11, 24, 23, 0), tz=HCM, send_hour=6, due_on=due, sent=frozenset())
    assert six.stage == "friendly"
    # Auckland (UTC+13 in summer): 09:00 on the 25th is 20:00 UTC on the 24th.
    assert decide(utc(2026, 11, 24, 19, 59), due, AKL).stage is None
    assert decide(utc(2026, 11, 24, 20, 0), due, AKL).stage == "friendly"
    # The same UTC moment is still the 24th in New York: only 6 days overdue there.
    assert decide(utc(2026, 11, 24, 20, 0), due, NY).reason == "not_due"
