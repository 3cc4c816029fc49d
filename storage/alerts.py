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
from storage.query import of, statements
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
    """A pattern alert or digest already sent, by key, so the same evidence never alerts twice."""
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
    """A person's alert choices; the defaults stand until they change them."""
    alerts_on: bool = True
    digest_day: str = DEFAULT_DIGEST_DAY  # a DIGEST_DAYS name, or "off"


@dataclass(frozen=True)
class ClientAlerts:
    """What a pattern check needs about one client, read in one statement (issue 16: one look-up per incident,
    not four): whether alerts are on, the keys on file, when each rule last fired, the rules silenced."""

    alerts_on: bool
    keys: frozenset[str]
    last_fired: dict[str, datetime]
    silenced: dict[str, datetime]


_row = mapper(Alert)
_settings = mapper(AlertSettings)

_q = statements("storage.sql.alerts")


class Alerts:
    def __init__(self, db: Database) -> None:
        self.db = db
        # '' where a lease is given back without an outcome, as for follow-ups (what the sweep always wrote)
        self.leases = LeasedRows(db, "alert", "alerts")

    # -- settings -------------------------------------------------------------------
    def settings(self, owner: Owner) -> AlertSettings:
        row = self.db.one(_q.SETTINGS, of(owner))
        return _settings(row) if row else AlertSettings()

    def set_settings(self, owner: Owner, *, alerts_on: bool | None = None, digest_day: str | None = None) -> AlertSettings:
        current = self.settings(owner)
        new = AlertSettings(current.alerts_on if alerts_on is None else alerts_on, digest_day or current.digest_day)
        with self.db.transaction():
            self.db.execute(_q.SET_SETTINGS, of(owner, alerts_on=int(new.alerts_on), digest_day=new.digest_day))
            if not new.alerts_on:
                self.db.execute(_q.CANCEL_PENDING_ALERTS, of(owner))
            if new.digest_day == "off":
                self.db.execute(_q.CANCEL_PENDING_DIGESTS, of(owner))
        return new

    def digest_owners(self) -> list[tuple[Owner, str, str | None]]:
        """(owner, digest day, first client added at) of every user with a client whose digest is not off.

        A user with no client has nothing to summarise; the first client's time (on the core's clock)
        says from when there is a week to tell about.
        """
        return [(Owner(r[0], r[1]), r[2], r[3]) for r in self.db.rows(_q.DIGEST_OWNERS)]

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
                self.db.execute(_q.CANCEL_OLDER_DIGESTS, of(owner, key=key))
            row = by_key(self.db, "alerts", owner, "key", key)
        assert row is not None
        return _row(row), created

    def has_key(self, owner: Owner, key: str) -> bool:
        """A read before a write: the sweep asks this for every user, every run."""
        return self.db.one(_q.HAS_KEY, of(owner, key=key)) is not None

    def get(self, alert_id: int) -> Alert | None:
        row = self.db.one(_q.GET, {"id": alert_id})
        return _row(row) if row else None

    def for_owner(self, owner: Owner, kind: str | None = None) -> list[Alert]:
        if kind:
            return [_row(r) for r in self.db.query(_q.FOR_OWNER_OF_KIND, of(owner, kind=kind))]
        return [_row(r) for r in self.db.query(_q.FOR_OWNER, of(owner))]

    def client_alerts(self, owner: Owner, client_id: int) -> ClientAlerts:
        """Whether alerts are on, the client's alert keys, each rule's latest alert, and the silences: one round trip
        (a check after every logged incident asks all four)."""
        alerts_on = AlertSettings().alerts_on
        keys: set[str] = set()
        fired: dict[str, str] = {}
        silenced: dict[str, datetime] = {}
        for what, key, rule, at in self.db.rows(_q.CLIENT_ALERTS, of(owner, client_id=client_id)):
            if what == "alert":
                keys.add(key)
                if rule is not None and (rule not in fired or at > fired[rule]):
                    fired[rule] = at
            elif what == "silence":
                silenced[rule] = from_iso(at)  # type: ignore[assignment]
            else:
                alerts_on = bool(int(at))
        return ClientAlerts(alerts_on, frozenset(keys), {r: from_iso(at) for r, at in fired.items()},  # type: ignore[misc]
                            silenced)

    def last_client_alert(self, owner: Owner, client_id: int) -> datetime | None:
        """When the latest non-urgent alert about this client goes (or went) out."""
        row = self.db.one(_q.LAST_CLIENT_ALERT, of(owner, client_id=client_id))
        return from_iso(row["at"]) if row and row["at"] else None

    # -- Not now ----------------------------------------------------------------------
    def silence(self, owner: Owner, client_id: int, rule: str, until: datetime) -> None:
        with self.db.transaction():
            self.db.execute(_q.SILENCE, of(owner, client_id=client_id, rule=rule, until=to_iso(until)))

    def silenced(self, owner: Owner, client_id: int) -> dict[str, datetime]:
        rows = self.db.rows(_q.SILENCED, of(owner, client_id=client_id))
        return {r[0]: from_iso(r[1]) for r in rows}  # type: ignore[misc]

    # -- delivery (the reminder sweep) ----------------------------------------------
    def deliverable_ids(self, at: datetime, now: datetime, limit: int = 500) -> list[int]:
        """Pending, due as of the sweep's `at`, retry time come on the real clock, not leased (on the leases' clock)."""
        rows = self.db.rows(_q.DELIVERABLE, {"at": to_iso(at), "now": to_iso(now),
                                              "lease_now": to_iso(self.leases.lease_clock(now)), "limit": limit})
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
        row = self.db.one(_q.REMINDERS_BETWEEN, of(owner, start=to_iso(start), end=to_iso(end)))
        return (int(row["ok"] or 0), int(row["bad"] or 0)) if row else (0, 0)
