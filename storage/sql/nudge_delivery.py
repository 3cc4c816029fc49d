"""The statements of `storage/nudge_delivery.py`: leases, parts and outcomes on each table a `LeasedRows` holds."""
from __future__ import annotations

from sqlalchemy import ColumnElement, Table, bindparam, func, literal, null, select, union_all, update

from storage import schema
from storage.nudge_delivery import LEASED, finish_name
from storage.statements import Statement, greatest

#: The outcomes `finish` writes ("pending" is a retry at `next_at`), each under `finish_name`'s name.
STATUSES = ("delivered", "failed", "cancelled", "pending")


def _this(table: str, key: str) -> tuple[Table, ColumnElement[bool]]:
    t = schema.metadata.tables[table]
    return t, t.c[key] == bindparam("id")


def _held(table: str, key: str) -> tuple[Table, ColumnElement[bool]]:
    """The row, only while this token holds its lease."""
    t, this = _this(table, key)
    return t, this & (t.c.lease_owner == bindparam("token"))


def _read(table: str, key: str) -> Statement:
    t, this = _this(table, key)
    return Statement(select(t.c.parts_done, t.c.inflight_part, t.c.inflight_at).where(this))


def _take(table: str, key: str) -> Statement:
    """Pending, due on the caller's `now`, and not leased on the leases' clock (`start`)."""
    t, this = _this(table, key)
    return Statement(update(t).where(
        this, t.c.status == "pending", t.c.next_attempt_at <= bindparam("now"),
        t.c.lease_until.is_(None) | (t.c.lease_until <= bindparam("start")),
    ).values(lease_until=bindparam("until"), lease_owner=bindparam("token")))


def _renew(table: str, key: str) -> Statement:
    t, held = _held(table, key)
    return Statement(update(t).where(held).values(lease_until=bindparam("until")))


def _sending(table: str, key: str, push: bool) -> Statement:
    """The part in flight; with `push`, the lease pushed to `until` in the same statement."""
    t, held = _held(table, key)
    values = {"inflight_part": bindparam("part"), "inflight_at": bindparam("at")}
    if push:
        values["lease_until"] = bindparam("until")
    return Statement(update(t).where(held).values(values))


def _sent(table: str, key: str) -> Statement:
    t, held = _held(table, key)
    return Statement(update(t).where(held).values(
        parts_done=greatest(t.c.parts_done, bindparam("next")), inflight_part=null(), inflight_at=null()))


def _not_sent(table: str, key: str) -> Statement:
    t, held = _held(table, key)
    return Statement(update(t).where(held).values(inflight_part=null(), inflight_at=null()))


def _release(table: str, key: str, expired: str | None) -> Statement:
    t, held = _held(table, key)
    return Statement(update(t).where(held).values(lease_until=null() if expired is None else expired,
                                                  lease_owner=null()))


def _finish(table: str, key: str, status: str, count_attempt: bool, error_kind: bool) -> Statement:
    """One outcome (`status` in `STATUSES`; "pending": a retry at `next_at`), by the lease holder only."""
    t, held = _held(table, key)
    values: dict[str, object] = {"lease_until": null(), "lease_owner": null(),
                                 "attempts": t.c.attempts + (1 if count_attempt else 0)}
    if status == "delivered":
        values |= {"status": "delivered", "delivered_at": bindparam("at"), "last_error": null()}
    elif status == "failed":
        values |= {"status": "failed", "failed_at": bindparam("at"), "last_error": bindparam("error")}
        if error_kind:  # only the reminders' table keeps it (migrate_v4)
            values["error_kind"] = bindparam("error_kind")
    elif status == "cancelled":
        values["status"] = "cancelled"
    else:
        values |= {"next_attempt_at": bindparam("next_at"),
                   "last_error": func.coalesce(bindparam("error"), t.c.last_error)}
    return Statement(update(t).where(held, t.c.status == "pending").values(values))


def _leased(table: str, key: str, expired: str | None) -> dict[str, Statement]:
    """Every statement `LeasedRows` runs on one table, by name: `<TABLE>_READ`, `<TABLE>_FINISH_FAILED_KIND`, ...

    `TAKE` and `FINISH_*` only where the table has a `status` (reminder DMs, alerts); the `_KIND` variant of
    `FINISH_FAILED` only where it has an `error_kind`.
    """
    t = schema.metadata.tables[table]
    made = {"READ": _read(table, key), "RENEW": _renew(table, key), "SENDING": _sending(table, key, False),
            "SENDING_PUSH": _sending(table, key, True), "SENT": _sent(table, key),
            "NOT_SENT": _not_sent(table, key), "RELEASE": _release(table, key, expired)}
    if "status" in t.c:
        made["TAKE"] = _take(table, key)
        for status in STATUSES:
            for count_attempt in (True, False):
                for error_kind in (False, True) if status == "failed" and "error_kind" in t.c else (False,):
                    made[finish_name(status, count_attempt, error_kind)] = _finish(
                        table, key, status, count_attempt, error_kind)
    return {f"{table.upper()}_{name}": statement for name, statement in made.items()}


for _table, (_key, _expired) in LEASED.items():
    globals().update(_leased(_table, _key, _expired))

_m, _f = schema.nudge_messages, schema.nudge_followup_leases
#: Every DM and follow-up whose last part's outcome is still unknown.
UNKNOWN = Statement(union_all(
    select(literal("nudge").label("kind"), _m.c.id).where(_m.c.status == "pending", _m.c.inflight_part.is_not(None)),
    select(literal("followup"), _f.c.followup_id).where(_f.c.inflight_part.is_not(None)),
))
