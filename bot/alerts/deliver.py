"""Alerts and digests on the reminder sweep: queue the week's digest, then lease, render, record.

`queue_digests` runs in the sweep's claim step: for every user whose digest
is on it writes the row of the latest digest moment that has come (their day,
their send hour, their zone) under the key `digest:<local date>`, so a week
of downtime yields one digest — the latest — and older pending ones are
dropped; a missed one whose successor is due within `CATCH_UP_SKIP` is skipped. The other functions are the alert side of `bot/nudges/prepare.py`:
the same lease on the real clock, the same `Delivery` with parts and
verify-before-resend (`storage/nudge_delivery.py` works on the `alerts`
rows), the same backoff. Alerts wait for the send-hour window; urgent ones
(abuse, unethical) go with the first sweep after they were queued.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.nudges import policy
from storage.alerts import DIGEST_DAYS
from storage.records import Owner

if TYPE_CHECKING:
    from bot.core import Core
    from bot.nudges.delivery import Deliverer, Job
    from bot.nudges.sweep import Outcome
    from storage.store import Store


#: A missed digest is sent late (after downtime, after a change of day) unless the next one is this close.
CATCH_UP_SKIP = timedelta(days=1)


def latest_digest_day(at: datetime, tz: ZoneInfo, send_hour: int, weekday: str) -> date:
    """The latest local date on `weekday` whose send hour is at or before `at`."""
    index = DIGEST_DAYS.index(weekday)
    today = policy.local_day(at, tz)
    d = today - timedelta(days=(today.weekday() - index) % 7)
    if policy.local_moment(d, send_hour, tz) > at:
        d -= timedelta(days=7)
    return d


def queue_digests(store: "Store", core: "Core", at: datetime, now: datetime | None = None) -> int:
    """Write each user's latest due digest once; returns how many rows were written now.

    `at` decides what is due; `now` (the real clock) stamps the row's first attempt, as for reminders.
    """
    from bot.nudges.sweep import user_context
    from storage.db import from_iso

    written = 0
    for owner, weekday, created_at in store.alerts.digest_owners():
        settings = store.users.get(owner)
        if settings is None or weekday not in DIGEST_DAYS:
            continue
        ctx = user_context(core, settings, owner, settings.platform, at)
        day = latest_digest_day(at, ctx.tz, settings.send_hour, weekday)
        moment = policy.local_moment(day, settings.send_hour, ctx.tz)
        joined = from_iso(created_at) if created_at else None
        if joined is not None and moment < joined:
            continue  # no digest for a week the user was not here yet
        if policy.local_moment(day + timedelta(days=7), settings.send_hour, ctx.tz) - at < CATCH_UP_SKIP:
            continue  # a missed digest whose successor is due within the day: never two in a row
        key = f"digest:{day.isoformat()}"
        if store.alerts.has_key(owner, key):
            continue  # the usual case: this week's digest is written (or sent) already
        _, created = store.alerts.queue(owner, settings.platform, kind="digest", rule="digest",
                                        key=key, due_at=moment, now=now or at)
        written += created
    return written


def next_digest(store: "Store", core: "Core", owner: Owner, at: datetime) -> datetime | None:
    """When this user's next digest is due after `at` (for `redflag nudges preview`)."""
    from bot.nudges.sweep import user_context

    weekday = store.alerts.settings(owner).digest_day
    settings = store.users.get(owner)
    if weekday not in DIGEST_DAYS or settings is None:
        return None
    ctx = user_context(core, settings, owner, settings.platform, at)
    day = latest_digest_day(at, ctx.tz, settings.send_hour, weekday) + timedelta(days=7)
    return policy.local_moment(day, settings.send_hour, ctx.tz)


def preview_digests(store: "Store", core: "Core", at: datetime, limit: int, t) -> list[str]:  # type: ignore[no-untyped-def]
    """`redflag nudges preview`: when each user's next digest goes, and the next one as it would read."""
    from dataclasses import replace

    from bot import fmt
    from bot.alerts.render import digest_reply
    from bot.nudges.sweep import user_context
    from bot.replies import strip_markup

    due = []
    for owner, _, _ in store.alerts.digest_owners():
        when = next_digest(store, core, owner, at)
        if when is not None:
            due.append((when, owner))
    due.sort(key=lambda pair: (pair[0], pair[1].workspace, pair[1].user))
    if not due:
        return []
    lines = [t("digest.cli.preview_title")]
    for when, owner in due[:limit]:
        settings = store.users.get(owner)
        ctx = user_context(core, settings, owner, settings.platform if settings else "console", when)
        lines.append("• " + t("digest.cli.preview", when=fmt.local_iso(ctx.tz, when), user=owner.user,
                              workspace=owner.workspace))
    first_owner = due[0][1]
    settings = store.users.get(first_owner)
    ctx = user_context(core, settings, first_owner, settings.platform if settings else "console", due[0][0])
    lines.append(strip_markup(replace(digest_reply(ctx), choices=()).plain()))
    return lines


# -- the alert side of bot/nudges/prepare.py ----------------------------------------------
def _outcome(status: str, base: dict, **kw: str) -> "Outcome":
    from bot.nudges.prepare import _outcome as outcome

    return outcome(status=status, **base, **kw)


def prepare(d: "Deliverer", alert_id: int) -> "Job | Outcome | None":
    from bot.alerts.render import alert_replies, digest_reply
    from bot.notify import Recipient
    from bot.nudges.delivery import Job
    from bot.nudges.sweep import user_context

    store = d.store
    a = store.alerts.get(alert_id)
    if a is None or a.status != "pending" or a.due_at > d.at:
        return None
    base = dict(kind="alert", item_id=a.id, workspace=a.workspace, user=a.owner, platform=a.platform)
    notifier = d.notifier_for(a.platform)
    if notifier is None:
        return _outcome("no_notifier", base)
    owner = Owner(a.workspace, a.owner)
    settings = store.users.get(owner)
    ctx = user_context(d.core, settings, owner, a.platform, d.at)
    if a.rule != "urgent" and not policy.in_window(d.at, policy.send_hour_of(settings), ctx.tz):
        return _outcome("waiting", base)  # never at night; nothing written
    now = d.clock()
    if not store.alerts.lease(a.id, d.token, now, now + d.settings.lease):
        return None
    mine = store.alerts.settings(owner)
    off = (a.kind == "alert" and not mine.alerts_on) or (a.kind == "digest" and mine.digest_day == "off")
    replies = [] if off else (alert_replies(ctx, a) if a.kind == "alert" else [digest_reply(ctx)])
    if not replies:
        store.alerts.finish(a.id, d.token, "cancelled", now, count_attempt=False)
        return _outcome("cancelled", base)
    lease = store.nudges.delivery.read("alert", a.id, d.token)
    return Job("alert", a.id, lease, Recipient(a.platform, a.workspace, a.owner), notifier, replies, a.attempts,
               base={**base, "summary": replies[0].title})


def delivered(d: "Deliverer", job: "Job") -> None:
    d.store.alerts.finish(job.id, d.token, "delivered", d.clock())


def failed(d: "Deliverer", job: "Job", reason: str, give_up: bool, wait: timedelta) -> None:
    now = d.clock()
    if give_up:
        d.store.alerts.finish(job.id, d.token, "failed", now, error=reason)
    else:
        d.store.alerts.finish(job.id, d.token, "pending", now, error=reason, next_at=now + wait)


def rate_limited(d: "Deliverer", job: "Job", reason: str, next_at: datetime) -> None:
    d.store.alerts.finish(job.id, d.token, "pending", d.clock(), error=reason, next_at=next_at, count_attempt=False)
