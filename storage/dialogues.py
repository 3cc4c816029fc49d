"""Decision dialogues: one row per `/fire` conversation, written after every step.

A dialogue belongs to one workspace, one user and one client. At most one is
`active` per (workspace, user, client) — a partial unique index guards that
even against a second process on the same file.

`step_no` only ever grows. Buttons carry it (`dlg:<id>:<step_no>:<answer>`),
and `advance` is a compare-and-swap on it, so a click on a step that has moved
on, or the second of two racing clicks, changes nothing. `last_action`
remembers the button that produced the current step, so a double click on the
same choice is recognised and answered with the current step again.

Finished dialogues keep their outcome (verdict, reasons) for the client's
timeline.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # storage/db.py imports it only when a migration runs: ~1 s of start-up
    import sqlite_utils

from storage.db import Database, to_iso
from storage.query import Named, of, statements
from storage.records import Owner
from storage.rows import mapper

ACTIVE, FINISHED, CANCELLED = "active", "finished", "cancelled"


def _v1(db: sqlite_utils.Database) -> None:
    db["dialogues"].create(
        {
            "id": int,
            "workspace": str,
            "owner": str,
            "platform": str,
            "client_id": int,
            "status": str,
            "step": str,
            "step_no": int,
            "answers": str,
            "history": str,
            "last_action": str,
            "verdict": str,
            "outcome": str,
            "started_at": str,
            "updated_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"workspace", "owner", "platform", "client_id", "status", "step", "step_no", "answers", "history", "started_at", "updated_at"},
        defaults={"status": ACTIVE, "step_no": 1, "answers": "{}", "history": "[]"},
        foreign_keys=[("client_id", "clients", "id")],
        if_not_exists=True,
    )
    db["dialogues"].create_index(["workspace", "owner", "client_id", "status"], if_not_exists=True)
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS dialogues_one_active ON dialogues (workspace, owner, client_id)"
        " WHERE status = 'active'"
    )


MIGRATIONS = [_v1]


@dataclass(frozen=True)
class Dialogue:
    """A /fire conversation's state, written before each reply so a restart resumes on the same step."""
    id: int
    workspace: str
    owner: str
    platform: str
    client_id: int
    status: str  # "active" | "finished" | "cancelled"
    step: str  # the state name of the step the user is on
    step_no: int  # grows with every change; part of every button id
    answers: dict[str, str]
    history: tuple[str, ...]  # the steps behind the current one, for Back
    last_action: str | None  # the button id that led to the current step
    verdict: str | None
    outcome: dict[str, Any] | None  # the verdict as stored for the timeline
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


_row = mapper(Dialogue)


_q = statements("storage.sql.dialogues")


class Dialogues:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, owner: Owner, dialogue_id: int) -> Dialogue | None:
        """The dialogue if it belongs to this owner (another user's id reads as None)."""
        row = self.db.one(_q.GET, of(owner, id=dialogue_id))
        return _row(row) if row else None

    def active_for(self, owner: Owner, client_id: int) -> Dialogue | None:
        row = self.db.one(_q.ACTIVE_FOR, of(owner, client_id=client_id))
        return _row(row) if row else None

    def latest_active(self, owner: Owner) -> Dialogue | None:
        """The owner's open dialogue touched most recently (to point back to it from other commands)."""
        row = self.db.one(_q.LATEST_ACTIVE, of(owner))
        return _row(row) if row else None

    def start(
        self, owner: Owner, platform: str, client_id: int, step: str, now: datetime, request_id: str | None = None
    ) -> Dialogue:
        """Open a new dialogue, cancelling any active one for the same client (start over).

        `request_id` (the platform's id for the command) is kept as the
        dialogue's `last_action` ("req:<id>"), so a platform retry of the same
        `/fire` can be recognised and answered with the same first step.
        """
        stamp = to_iso(now)
        with self.db.transaction():
            self.db.execute(_q.CANCEL_ACTIVE, of(owner, client_id=client_id, stamp=stamp))
            inserted = self.db.one(_q.START, of(owner, platform=platform, client_id=client_id, step=step, stamp=stamp,
                                                last_action=f"req:{request_id}" if request_id else None))
            assert inserted is not None
            new_id = inserted["id"]
        found = self.get(owner, new_id)  # type: ignore[arg-type]
        assert found is not None
        return found

    def advance(
        self,
        owner: Owner,
        dialogue_id: int,
        expected_step_no: int,
        *,
        step: str,
        answers: dict[str, str],
        history: tuple[str, ...] | list[str],
        action: str | None,
        now: datetime,
    ) -> Dialogue | None:
        """Move an active dialogue to `step` if it is still at `expected_step_no`; None if it has moved on."""
        return self._move(_q.ADVANCE, owner, dialogue_id, expected_step_no, now, step=step,
                          answers=json.dumps(answers, sort_keys=True), history=json.dumps(list(history)),
                          last_action=action)

    def finish(
        self,
        owner: Owner,
        dialogue_id: int,
        expected_step_no: int,
        *,
        step: str,
        answers: dict[str, str],
        history: tuple[str, ...] | list[str],
        action: str | None,
        verdict: str,
        outcome: dict[str, Any],
        now: datetime,
    ) -> Dialogue | None:
        """Close the dialogue with its verdict (kept for the timeline); None if it has moved on."""
        return self._move(_q.FINISH, owner, dialogue_id, expected_step_no, now, status="finished", step=step,
                          answers=json.dumps(answers, sort_keys=True), history=json.dumps(list(history)),
                          last_action=action, verdict=verdict, outcome=json.dumps(outcome, sort_keys=True),
                          finished_at=to_iso(now))

    def cancel(self, owner: Owner, dialogue_id: int, expected_step_no: int, action: str | None, now: datetime) -> Dialogue | None:
        return self._move(_q.CANCEL, owner, dialogue_id, expected_step_no, now, status="cancelled", last_action=action)

    def _move(self, statement: Named, owner: Owner, dialogue_id: int, expected_step_no: int, now: datetime,
              **columns: Any) -> Dialogue | None:
        """One step of an active dialogue, only from `expected_step_no` (a double click moves it once).

        `statement` is the step's own (`ADVANCE`, `FINISH`, `CANCEL`), setting exactly the `columns`
        the methods above give.
        """
        with self.db.transaction():
            cur = self.db.execute(statement, of(owner, **columns, stamp=to_iso(now), id=dialogue_id,
                                                expected=expected_step_no))
            if cur.rowcount != 1:
                return None
        return self.get(owner, dialogue_id)

    def finished_for(self, owner: Owner, client_id: int) -> list[Dialogue]:
        """Every decision taken about a client, oldest first (for the timeline)."""
        return [_row(r) for r in self.db.query(_q.FINISHED_FOR, of(owner, client_id=client_id))]

    # -- corrections (inside the correction's transaction, storage/corrections.py) ---
    def move_client(self, owner: Owner, from_id: int, into_id: int) -> None:
        """A merge: one active dialogue per client, so the merged one's ends; finished ones move."""
        with self.db.transaction():
            self.db.execute(_q.CANCEL_MERGED, of(owner, from_id=from_id, into_id=into_id))
            self.db.execute(_q.MOVE, of(owner, from_id=from_id, into_id=into_id))

    def forget_client(self, owner: Owner, client_id: int) -> None:
        with self.db.transaction():
            self.db.execute(_q.FORGET, of(owner, client_id=client_id))
