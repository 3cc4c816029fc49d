"""The database side of delivering one DM: lease and render before, record the outcome after.

Plain synchronous functions: the `Deliverer` runs each one in a worker
thread, so no SQLite work stalls the event loop. Every write is made only by
the holder of the lease (its token), on the real clock.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.notify import Recipient
from bot.nudges import policy
from storage.records import Owner

if TYPE_CHECKING:
    from bot.nudges.delivery import Deliverer, Job
    from bot.nudges.sweep import Outcome

log = logging.getLogger(__name__)


def _outcome(kind: str, item_id: int, workspace: str, user: str, platform: str, status: str, **kw: str) -> "Outcome":
    from bot.nudges.sweep import Outcome

    return Outcome(kind=kind, id=item_id, workspace=workspace, user=user, platform=platform, status=status, **kw)


def prepare(d: "Deliverer", kind: str, item_id: int) -> "Job | Outcome | None":
    if kind == "alert":
        from bot.alerts import deliver

        return deliver.prepare(d, item_id)
    return _prepare_nudge(d, item_id) if kind == "nudge" else _prepare_followup(d, item_id)


def _prepare_nudge(d: "Deliverer", message_id: int) -> "Job | Outcome | None":
    from bot.nudges.delivery import Job
    from bot.nudges.render import message_replies
    from bot.nudges.sweep import user_context

    store = d.store
    msg = store.nudges.get_message(message_id)
    if msg is None or msg.status != "pending":
        return None
    base = dict(kind="nudge", item_id=msg.id, workspace=msg.workspace, user=msg.owner, platform=msg.platform)
    notifier = d.notifier_for(msg.platform)
    if notifier is None:
        return _outcome(status="no_notifier", **base)  # type: ignore[arg-type]
    owner = Owner(msg.workspace, msg.owner)
    settings = store.users.get(owner)
    ctx = user_context(d.core, settings, owner, msg.platform, d.at)
    send_hour = policy.send_hour_of(settings)
    if not policy.in_window(d.at, send_hour, ctx.tz):
        return _outcome(status="waiting", **base)  # type: ignore[arg-type]  # never at night; nothing written
    now = d.clock()
    lease = store.nudges.delivery.lease_nudge(msg.id, d.token, now, now + d.settings.lease)
    if lease is None:
        return None  # another sweep holds it, or it is not due yet on the real clock
    replies = message_replies(ctx, msg)
    if not replies:
        store.nudges.delivery.finish_nudge(msg.id, d.token, "cancelled", now, count_attempt=False)
        return _outcome(status="cancelled", **base)  # type: ignore[arg-type]
    recipient = Recipient(msg.platform, msg.workspace, msg.owner)
    return Job("nudge", msg.id, lease, recipient, notifier, replies, msg.attempts,
               base={**base, "summary": replies[0].title})


def _prepare_followup(d: "Deliverer", followup_id: int) -> "Job | Outcome | None":
    from bot.nudges.delivery import Job
    from bot.nudges.sweep import user_context

    try:
        from bot.dialogue import followup_replies
    except ImportError:
        return None
    store = d.store
    f = store.followups.get(followup_id)
    if f is None or not f.pending or f.due_at > d.at:
        return None
    base = dict(kind="followup", item_id=f.id, workspace=f.workspace, user=f.owner, platform=f.platform)
    notifier = d.notifier_for(f.platform)
    if notifier is None:
        return _outcome(status="no_notifier", **base)  # type: ignore[arg-type]
    now = d.clock()
    lease = store.nudges.delivery.lease_followup(f.id, d.token, now, now + d.settings.lease)
    if lease is None:
        return None
    owner = Owner(f.workspace, f.owner)
    ctx = user_context(d.core, store.users.get(owner), owner, f.platform, d.at)
    replies = followup_replies(ctx, f)
    return Job("followup", f.id, lease, Recipient(f.platform, f.workspace, f.owner), notifier, replies, f.attempts,
               base={**base, "summary": replies[0].title if replies else ""})


def delivered(d: "Deliverer", job: "Job") -> "Outcome":
    now = d.clock()
    store = d.store
    if job.kind == "nudge":
        store.nudges.delivery.finish_nudge(job.id, d.token, "delivered", now)
    elif job.kind == "alert":
        from bot.alerts import deliver

        deliver.delivered(d, job)
    else:
        store.followups.mark_delivered(job.id, now)
        store.followups.release_lease(job.id)
    text = "\n\n".join(r.plain() for r in job.replies)
    return _outcome(status="delivered", text=text, **job.base)


def leave(d: "Deliverer", job: "Job", reason: str) -> "Outcome":
    """Stopping, or the workspace paused for long: give the lease back, count nothing."""
    d.store.nudges.delivery.release(job.kind, job.id, d.token)
    return _outcome(status="left", error=reason, **job.base)


def held(d: "Deliverer", job: "Job", seconds: float) -> "Outcome":
    """Its workspace (or the whole platform) is paused for long: the DM waits with it, counting nothing.

    Written like a long Retry-After (`rate_limited`), so a later sweep does not spend a request to learn
    the limit again; but nothing was sent in this attempt, so a part still unknown stays unknown.
    """
    from datetime import timedelta

    now = d.clock()
    state = d.store.nudges.delivery
    next_at = now + timedelta(seconds=seconds)
    if job.kind == "nudge":
        state.finish_nudge(job.id, d.token, "pending", now, next_at=next_at, count_attempt=False)
    elif job.kind == "alert":
        from bot.alerts import deliver

        deliver.rate_limited(d, job, "ratelimited", next_at)
    else:
        state.release(job.kind, job.id, d.token)
    state.defer_workspace(job.recipient.platform, job.recipient.workspace, next_at, now)
    return _outcome(status="left", error="ratelimited", **job.base)


def rate_limited(d: "Deliverer", job: "Job", err) -> "Outcome":  # type: ignore[no-untyped-def]
    """A long Retry-After: the DM goes out in a later sweep, after the wait; no attempt is counted."""
    from datetime import timedelta

    now = d.clock()
    state = d.store.nudges.delivery
    state.not_sent(job.kind, job.id, d.token)
    next_at = now + timedelta(seconds=err.retry_after if err.retry_after is not None else 60)
    if job.kind == "nudge":
        state.finish_nudge(job.id, d.token, "pending", now, error=err.reason, next_at=next_at, count_attempt=False)
    elif job.kind == "alert":
        from bot.alerts import deliver

        deliver.rate_limited(d, job, err.reason, next_at)
    else:
        state.release(job.kind, job.id, d.token)
    state.defer_workspace(job.recipient.platform, job.recipient.workspace, next_at, now)
    return _outcome(status="retry", error=err.reason, **job.base)


def failed(d: "Deliverer", job: "Job", reason: str, permanent: bool, unknown: bool,
           kind: str | None = None) -> "Outcome":
    """Record a failed attempt: retried with backoff, given up for good, or (unknown) looked for first."""
    from bot.nudges.delivery import scaled_backoff
    from bot.nudges.sweep import MAX_ATTEMPTS

    now = d.clock()
    state = d.store.nudges.delivery
    if not unknown:
        state.not_sent(job.kind, job.id, d.token)
    attempts = job.attempts + 1
    give_up = permanent or attempts >= MAX_ATTEMPTS
    if job.kind == "nudge":
        if give_up:
            state.finish_nudge(job.id, d.token, "failed", now, error=reason, error_kind=kind)
            return _outcome(status="failed", error=reason, **job.base)
        wait = d.settings.unknown_retry if unknown else scaled_backoff(d.settings, attempts, None)
        state.finish_nudge(job.id, d.token, "pending", now, error=reason, next_at=now + wait)
        return _outcome(status="unknown" if unknown else "retry", error=reason, **job.base)
    if job.kind == "alert":
        from bot.alerts import deliver

        wait = d.settings.unknown_retry if unknown else scaled_backoff(d.settings, attempts, None)
        deliver.failed(d, job, reason, give_up, wait)
        status = "failed" if give_up else ("unknown" if unknown else "retry")
        return _outcome(status=status, error=reason, **job.base)
    # Follow-ups keep their own hourly retry (storage/followups.py), scaled like the nudges' backoff.
    wait_s = d.settings.unknown_retry.total_seconds() if unknown else 3600 * d.settings.backoff_scale
    after = d.store.followups.mark_failed(job.id, reason, now, permanent=permanent, retry_after=max(wait_s, 0.001))
    state.release(job.kind, job.id, d.token)
    given_up = after is not None and after.gave_up_at is not None
    status = "failed" if given_up else ("unknown" if unknown else "retry")
    return _outcome(status=status, error=reason, **job.base)
