"""Pattern alerts and weekly digests waiting to be sent, "Not now" silences, and each user's alert settings.

One row per alert or digest in `alerts`, unique on (workspace, owner, key):
the key names the pattern (`repeat:scope-creep:7:41`) or the digest's week
(`digest:2026-11-30`), so queueing twice — a platform retry, a second check
— writes one row. The row also carries the delivery state the reminder
ledger's `DeliveryState` works on (`lease_until`, `lease_owner`,
`parts_done`, `inflight_part`, `inflight_at`; its statements are
`LeasedRows` in `storage/nudge_delivery.py`, held here for this table): alerts
are delivered by the reminder sweep, exactly once, like reminders.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.db import Database, from_iso, to_iso
from storage.nudge_delivery import LeasedRows
from storage.records import Owner
from storage.rows import by_key, insert_once, mapper

if TYPE_CHECKING:
    import sqlite_utils

DIGEST_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DIGEST_DAY = "monday"


def _v1(db: "sqlite_utils.Database") -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS alerts ("
        " id INTEGER PRIMARY KEY, workspace TEXT NOT NULL, owner TEXT NOT NULL, platform TEXT NOT NULL,"
        " client_id INTEGER, kind TEXT NOT NULL, rule TEXT NOT NULL, key TEXT NOT NULL, advice TEXT NOT NULL DEFAULT '',"
        " evidence TEXT NOT NULL DEFAULT '{}', due_at TEXT NOT NULL, created_at TEXT NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,"
        " last_error TEXT, delivered_at TEXT, failed_at TEXT, lease_until TEXT, lease_owner TEXT,"
        " parts_done INTEGER NOT NULL DEFAULT 0, inflight_part INTEGER, inflight_at TEXT)"
    )
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_alerts_key ON alerts (workspace, owner, key)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_alerts_pending ON alerts (status, due_at)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_silences (workspace TEXT NOT NULL, owner TEXT NOT NULL,"
        " client_id INTEGER NOT NULL, rule TEXT NOT NULL, until TEXT NOT NULL, PRIMARY KEY (workspace, owner, client_id, rule))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_settings (workspace TEXT NOT NULL, owner TEXT NOT NULL,"
        " alerts_on INTEGER NOT NULL DEFAULT 1, digest_day TEXT NOT NULL DEFAULT 'monday', PRIMARY KEY (workspace, owner))"
    )


MIGRATIONS = [_v1]


@dataclass(frozen=True)
class Alert:
    id: int
    workspace: str
    owner: str
    platform: str
    client_id: int | None
    kind: str  # "alert" | "digest"
    rule: str  # repeat | late | urgent | pareto | digest
    key: str
    advice: str
    evidence: dict[str, Any]
    due_at: datetime
    created_at: datetime
    status: str  # pending | delivered | failed | cancelled
    attempts: int
    delivered_at: datetime | None

    @property
    def base(self) -> str:
        """The rule without its kind: `repeat:haggling` -> `repeat`."""
        return self.rule.split(":", 1)[0]

    @property
    def owner_key(self) -> Owner:
        return Owner(self.workspace, self.owner)


@dataclass(frozen=True)
class AlertSettings:
    alerts_on: bool = True
    digest_day: str = DEFAULT_DIGEST_DAY  # a DIGEST_DAYS name, or "off"


_row = mapper(Alert)
_settings = mapper(AlertSettings)


class Alerts:
    def __init__(self, db: Database) -> None:
        self.db = db
        # '' where a lease is given back without an outcome, as for follow-ups (what the sweep always wrote)
        self.leases = LeasedRows(db, "alert", "alerts", expired="''")

    # -- settings -------------------------------------------------------------------
    def settings(self, owner: Owner) -> AlertSettings:
        row = self.db.one("SELECT alerts_on, digest_day FROM alert_settings WHERE workspace = ? AND owner = ?",
                          (owner.workspace, owner.user))
        return _settings(row) if row else AlertSettings()

    def set_settings(self, owner: Owner, *, alerts_on: bool | None = None, digest_day: str | None = None) -> AlertSettings:
        current = self.settings(owner)
        new = AlertSettings(current.alerts_on if alerts_on is None else alerts_on, digest_day or current.digest_day)
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO alert_settings (workspace, owner, alerts_on, digest_day) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(workspace, owner) DO UPDATE SET alerts_on = excluded.alerts_on, digest_day = excluded.digest_day",
                (owner.workspace, owner.user, int(new.alerts_on), new.digest_day),
            )
            if not new.alerts_on:
                self.db.execute("UPDATE alerts SET status = 'cancelled' WHERE workspace = ? AND owner = ?"
                                " AND kind = 'alert' AND status = 'pending' AND lease_owner IS NULL",
                                (owner.workspace, owner.user))
            if new.digest_day == "off":
                self.db.execute("UPDATE alerts SET status = 'cancelled' WHERE workspace = ? AND owner = ?"
                                " AND kind = 'digest' AND status = 'pending' AND lease_owner IS NULL",
                                (owner.workspace, owner.user))
        return new

    def digest_owners(self) -> list[tuple[Owner, str, str | None]]:
        """(owner, digest day, first client added at) of every user with a client whose digest is not off.

        A user with no client has nothing to summarise; the first client's time (on the core's clock)
        says from when there is a week to tell about.
        """
        rows = self.db.rows(
            "SELECT u.workspace, u.\"user\", coalesce(s.digest_day, 'monday'), c.since FROM users u"
            " JOIN (SELECT workspace, owner, min(created_at) AS since FROM clients GROUP BY workspace, owner) c"
            "   ON c.workspace = u.workspace AND c.owner = u.\"user\""
            " LEFT JOIN alert_settings s ON s.workspace = u.workspace AND s.owner = u.\"user\""
            " WHERE coalesce(s.digest_day, 'monday') != 'off'"
        )
        return [(Owner(r[0], r[1]), r[2], r[3]) for r in rows]

    # -- queueing ---------------------------------------------------------------------
    def queue(self, owner: Owner, platform: str, *, kind: str, rule: str, key: str, due_at: datetime, now: datetime,
              client_id: int | None = None, advice: str = "", evidence: dict[str, Any] | None = None) -> tuple[Alert, bool]:
        """Write the alert once: an existing key returns the first row unchanged."""
        with self.db.transaction():
            created = insert_once(self.db, "alerts", {
                "workspace": owner.workspace, "owner": owner.user, "platform": platform, "client_id": client_id,
                "kind": kind, "rule": rule, "key": key, "advice": advice,
                "evidence": json.dumps(evidence or {}, sort_keys=True), "due_at": to_iso(due_at),
                "created_at": to_iso(now), "next_attempt_at": to_iso(now),
            }) is not None
            if created and kind == "digest":
                # After downtime only the latest digest goes out: older pending ones are dropped.
                self.db.execute("UPDATE alerts SET status = 'cancelled' WHERE workspace = ? AND owner = ?"
                                " AND kind = 'digest' AND status = 'pending' AND key != ? AND lease_owner IS NULL",
                                (owner.workspace, owner.user, key))
            row = by_key(self.db, "alerts", owner, "key", key)
        assert row is not None
        return _row(row), created

    def has_key(self, owner: Owner, key: str) -> bool:
        """A read before a write: the sweep asks this for every user, every run."""
        return self.db.one("SELECT 1 AS x FROM alerts WHERE workspace = ? AND owner = ? AND key = ?",
                           (owner.workspace, owner.user, key)) is not None

    def get(self, alert_id: int) -> Alert | None:
        row = self.db.one("SELECT * FROM alerts WHERE id = ?", (alert_id,))
        return _row(row) if row else None

    def for_owner(self, owner: Owner, kind: str | None = None) -> list[Alert]:
        sql = "SELECT * FROM alerts WHERE workspace = ? AND owner = ?"
        params: tuple = (owner.workspace, owner.user)
        if kind:
            sql += " AND kind = ?"
            params += (kind,)
        return [_row(r) for r in self.db.query(sql + " ORDER BY id", params)]

    def keys_for_client(self, owner: Owner, client_id: int) -> list[str]:
        rows = self.db.rows("SELECT key FROM alerts WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (owner.workspace, owner.user, client_id))
        return [r[0] for r in rows]

    def last_fired(self, owner: Owner, client_id: int) -> dict[str, datetime]:
        rows = self.db.rows("SELECT rule, max(created_at) FROM alerts WHERE workspace = ? AND owner = ? AND client_id = ?"
                            " AND kind = 'alert' GROUP BY rule", (owner.workspace, owner.user, client_id))
        return {r[0]: from_iso(r[1]) for r in rows}  # type: ignore[misc]

    def last_client_alert(self, owner: Owner, client_id: int) -> datetime | None:
        """When the latest non-urgent alert about this client goes (or went) out."""
        row = self.db.one("SELECT max(due_at) AS at FROM alerts WHERE workspace = ? AND owner = ? AND client_id = ?"
                          " AND kind = 'alert' AND rule != 'urgent' AND status IN ('pending', 'delivered')",
                          (owner.workspace, owner.user, client_id))
        return from_iso(row["at"]) if row and row["at"] else None

    # -- Not now ----------------------------------------------------------------------
    def silence(self, owner: Owner, client_id: int, rule: str, until: datetime) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO alert_silences (workspace, owner, client_id, rule, until) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(workspace, owner, client_id, rule) DO UPDATE SET until = "
                + self.db.dialect.greatest("alert_silences.until", "excluded.until"),
                (owner.workspace, owner.user, client_id, rule, to_iso(until)),
            )

    def silenced(self, owner: Owner, client_id: int) -> dict[str, datetime]:
        rows = self.db.rows("SELECT rule, until FROM alert_silences WHERE workspace = ? AND owner = ? AND client_id = ?",
                            (owner.workspace, owner.user, client_id))
        return {r[0]: from_iso(r[1]) for r in rows}  # type: ignore[misc]

    # -- delivery (the reminder sweep) ----------------------------------------------
    def deliverable_ids(self, at: datetime, now: datetime, limit: int = 500) -> list[int]:
        """Pending, due as of the sweep's `at`, retry time come on the real clock, not leased (on the leases' clock)."""
        rows = self.db.rows(
            "SELECT id FROM alerts WHERE status = 'pending' AND due_at <= ? AND next_attempt_at <= ?"
            " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY due_at, id LIMIT ?",
            (to_iso(at), to_iso(now), to_iso(self.leases.lease_clock(now)), limit),
        )
        return [r[0] for r in rows]

    def lease(self, alert_id: int, token: str, now: datetime, until: datetime) -> bool:
        return self.leases.take(alert_id, token, now, until)

    def finish(self, alert_id: int, token: str, status: str, now: datetime, *, error: str | None = None,
               next_at: datetime | None = None, count_attempt: bool = True) -> bool:
        """delivered | failed | cancelled | pending (retry at `next_at`); only by the lease holder."""
        return self.leases.finish(alert_id, token, status, now, error=error, next_at=next_at, count_attempt=count_attempt)

    # -- what the digest reads from the reminder ledger --------------------------------
    def reminders_between(self, owner: Owner, start: datetime, end: datetime) -> tuple[int, int]:
        """(reminder DMs delivered, reminder DMs failed) between `start` and `end`."""
        row = self.db.one(
            "SELECT sum(CASE WHEN delivered_at >= ? AND delivered_at < ? THEN 1 ELSE 0 END) AS ok,"
            " sum(CASE WHEN status = 'failed' AND failed_at >= ? AND failed_at < ? THEN 1 ELSE 0 END) AS bad"
            " FROM nudge_messages WHERE workspace = ? AND owner = ?",
            (to_iso(start), to_iso(end), to_iso(start), to_iso(end), owner.workspace, owner.user),
        )
        return (int(row["ok"] or 0), int(row["bad"] or 0)) if row else (0, 0)
