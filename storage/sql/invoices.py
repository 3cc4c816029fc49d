"""The statements of `storage/invoices.py`: invoices, their payments, and the reminder sweep's scans."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, case, delete, func, null, select, tuple_, update

from storage import schema
from storage.invoices import CANDIDATE_SIZES
from storage.statements import Statement, days_between, greatest, owned

_t = schema.invoices
_p = schema.payments
_c = schema.clients.alias("c")
#: Invoices still on the books: a deleted one (issue 19) keeps its row, status 'deleted', and a
#: ref_key no look-up matches, so its reference is free again; storage/history.py keeps what it was.
_LIVE = _t.c.status != "deleted"
_OPEN = _t.c.status == "open"
_THIS = (_t.c.id == bindparam("id")) & owned(_t)
_BY_ID = _t.c.id == bindparam("id")
_paid_minor = func.coalesce(select(func.sum(_p.c.amount_minor)).where(_p.c.invoice_id == _t.c.id).scalar_subquery(),
                            0).label("paid_minor")
#: An invoice with what has been paid on it.
_READ = select(_t, _paid_minor)
GET = Statement(_READ.where(_THIS))
BY_REF = Statement(_READ.where(owned(_t), _t.c.ref_key == bindparam("ref_key")))
LIST = Statement(_READ.where(owned(_t), _LIVE).order_by(_t.c.due_on, _t.c.id))
LIST_FOR_CLIENT = Statement(_READ.where(owned(_t), _t.c.client_id == bindparam("client_id"), _LIVE)
                            .order_by(_t.c.due_on, _t.c.id))
# `ref_key` is casefolded, so LIKE with a casefolded pattern means the same on both engines.
_refs = select(_t.c.ref).where(owned(_t), _t.c.ref_key.like(bindparam("like")))
#: The references matching a pattern: of every live invoice (`REFS`) or of the open ones only (`REFS_OPEN`).
REFS = Statement(_refs.where(_LIVE).order_by(_t.c.due_on.desc()).limit(bindparam("limit")))
REFS_OPEN = Statement(_refs.where(_OPEN).order_by(_t.c.due_on.desc()).limit(bindparam("limit")))
COUNT = Statement(select(func.count().label("n")).select_from(_t).where(owned(_t)))
PAYMENTS = Statement(select(_p).where(_p.c.invoice_id == bindparam("id"), owned(_p)).order_by(_p.c.paid_on, _p.c.id))
PAYMENTS_FOR_CLIENT = Statement(select(_p).join(_t, _t.c.id == _p.c.invoice_id)
                                .where(_t.c.client_id == bindparam("client_id"), owned(_p), _LIVE)
                                .order_by(_p.c.paid_on, _p.c.id))
PAYMENT = Statement(select(_p).where(_p.c.id == bindparam("id")))
#: The invoice's row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the only write lock).
LOCK = Statement(select(_t.c.id).where(_THIS).with_for_update())
SETTLE = Statement(update(_t).where(_BY_ID).values(status="paid", paid_on=bindparam("paid_on"),
                                                  updated_at=bindparam("at")))
TOUCH = Statement(update(_t).where(_BY_ID).values(updated_at=bindparam("at")))
SNOOZE = Statement(update(_t).where(_THIS).values(
    snoozed_until=bindparam("until"), next_nudge_on=greatest(func.coalesce(_t.c.next_nudge_on, ""), bindparam("until")),
    updated_at=bindparam("at")))
SET_DUE = Statement(update(_t).where(_THIS).values(due_on=bindparam("due_on"), next_nudge_on=bindparam("due_on"),
                                                   snoozed_until=null(), updated_at=bindparam("at")))
SET_STATUS = Statement(update(_t).where(_THIS).values(status=bindparam("status"), updated_at=bindparam("at")))

#: The sweep's scan: open invoices in `next_nudge_on` order, through the index made for it (SQLite is told).
_NEXT_NUDGE_INDEX = "INDEXED BY idx_invoices_status_next_nudge_on"
_scan = (select(_t.c.id.label("invoice_id"), _t.c.workspace, _t.c.owner, _t.c.client_id, _t.c.due_on,
                _t.c.snoozed_until, _t.c.next_nudge_on).with_hint(_t, _NEXT_NUDGE_INDEX, "sqlite"))
_DUE = _OPEN & (_t.c.next_nudge_on <= bindparam("horizon"))
CANDIDATES = Statement(_scan.where(_DUE).order_by(_t.c.next_nudge_on, _t.c.id).limit(bindparam("limit")))
CANDIDATES_AFTER = Statement(_scan.where(
    _DUE, tuple_(_t.c.next_nudge_on, _t.c.id) > tuple_(bindparam("after_on"), bindparam("after_id")),
).order_by(_t.c.next_nudge_on, _t.c.id).limit(bindparam("limit")))
_due_clients = (select(_t.c.client_id).distinct().with_hint(_t, _NEXT_NUDGE_INDEX, "sqlite")
                .where(_DUE, _t.c.client_id > bindparam("after")).subquery("d"))
#: Rows another sweeper holds are passed over (PostgreSQL's `FOR NO KEY UPDATE OF c SKIP LOCKED`).
DUE_CLIENTS = Statement(select(_c.c.id).join_from(_c, _due_clients, _due_clients.c.client_id == _c.c.id)
                        .order_by(_c.c.id).limit(bindparam("limit"))
                        .with_for_update(key_share=True, skip_locked=True, of=_c))
UPCOMING = Statement(_scan.where(_OPEN, _t.c.next_nudge_on.is_not(None)).order_by(_t.c.next_nudge_on, _t.c.id)
                     .limit(bindparam("limit")))


def _candidates(count: int) -> Statement:
    """`client_id IN (…)` with `count` values, in index order."""
    return Statement(_scan.where(_DUE, _t.c.client_id.in_([bindparam(f"c{n}") for n in range(count)]))
                     .order_by(_t.c.client_id, _t.c.next_nudge_on, _t.c.id))


#: `CANDIDATES_<n>` for each list length of `storage.invoices.CANDIDATE_SIZES`, named ahead of time.
globals().update({f"CANDIDATES_{n}": _candidates(n) for n in CANDIDATE_SIZES})


_next_check = update(_t).where(_BY_ID, _OPEN).values(next_nudge_on=bindparam("day"))
SET_NEXT_CHECK = Statement(_next_check)
MOVE_NEXT_CHECK = Statement(_next_check.where(_t.c.next_nudge_on == bindparam("expected")))
NEXT_CHECK_OF = Statement(select(_t.c.next_nudge_on).where(_BY_ID))
_PAID = (_t.c.status == "paid")
_LATE = _PAID & (_t.c.paid_on > _t.c.due_on)
PAYMENT_RECORD = Statement(select(
    func.sum(case((_PAID & _t.c.paid_on.is_not(None), 1), else_=0)).label("paid"),
    func.sum(case((_LATE, 1), else_=0)).label("late"),
    func.sum(case((_LATE, days_between(_t.c.paid_on, _t.c.due_on)))).label("late_days"),
    func.sum(case((_OPEN & (_t.c.due_on < bindparam("today")), 1), else_=0)).label("overdue"),
).where(owned(_t), _t.c.client_id == bindparam("client_id")))
_IMPORTED = {
    "amount_minor": bindparam("amount_minor"), "currency": bindparam("currency"), "issued_on": bindparam("issued_on"),
    "due_on": bindparam("due_on"), "status": bindparam("status"),
    "paid_on": case((and_(bindparam("status") == "paid", _t.c.paid_on.is_(None)), bindparam("paid_on")),
                    else_=_t.c.paid_on),
    "updated_at": bindparam("at"),
}
#: An imported change; with `replan`, the ladder re-armed on the new due date (`APPLY_IMPORT_REPLAN`).
APPLY_IMPORT = Statement(update(_t).where(_THIS).values(_IMPORTED))
APPLY_IMPORT_REPLAN = Statement(update(_t).where(_THIS).values({**_IMPORTED, "next_nudge_on": bindparam("due_on"),
                                                               "snoozed_until": null()}))
_EDITED = {c: bindparam(c) for c in ("ref", "ref_key", "amount_minor", "currency", "issued_on", "due_on", "status",
                                     "paid_on")} | {"updated_at": bindparam("at")}
#: An edit; with `replan`, the snooze cleared too (`APPLY_EDIT_REPLAN`; `REPLAN` then moves the next check).
APPLY_EDIT = Statement(update(_t).where(_THIS).values(_EDITED))
APPLY_EDIT_REPLAN = Statement(update(_t).where(_THIS).values({**_EDITED, "snoozed_until": null()}))
#: SET reads the old row, so an edit's new due date becomes the next check in a second step.
REPLAN = Statement(update(_t).where(_BY_ID).values(next_nudge_on=_t.c.due_on))
MARK_DELETED = Statement(update(_t).where(_THIS).values(
    status="deleted", ref_key=_t.c.ref_key.concat(bindparam("mark")).concat(_t.c.id), next_nudge_on=null(),
    updated_at=bindparam("at")))
MOVE = Statement(update(_t).where(owned(_t), _t.c.client_id == bindparam("from_id"))
                 .values(client_id=bindparam("into_id")))
FORGET_PAYMENTS = Statement(delete(_p).where(
    owned(_p), _p.c.invoice_id.in_(select(_t.c.id).where(_t.c.client_id == bindparam("client_id")))))
FORGET = Statement(delete(_t).where(owned(_t), _t.c.client_id == bindparam("client_id")))
