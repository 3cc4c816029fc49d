"""Workspaces and per-user settings (language, time zone, send hour).

This module owns both tables: `users` (`Users`) and `workspaces`
(`Workspaces`: the row made on first contact, and the workspace's own
settings, a JSON object in `workspaces.settings`, such as its reminder
stage offsets).
"""
from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING, Mapping


if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso, utcnow
from storage.query import statements
from storage.records import Owner, UserSettings
from storage.rows import blank_none, mapper

DEFAULT_SEND_HOUR = 9


def _v1(db: "sqlite_utils.Database") -> None:
    db["workspaces"].create(
        {"id": str, "platform": str, "name": str, "settings": str, "created_at": str},
        pk="id",
        not_null={"id", "platform", "created_at"},
        if_not_exists=True,
    )
    db["users"].create(
        {
            "workspace": str,
            "user": str,
            "platform": str,
            "language": str,
            "timezone": str,
            "send_hour": int,
            "platform_locale": str,
            "platform_timezone": str,
            "created_at": str,
        },
        pk=("workspace", "user"),
        not_null={"workspace", "user", "platform", "send_hour", "created_at"},
        defaults={"send_hour": DEFAULT_SEND_HOUR},
        if_not_exists=True,
    )


def _v2(db: "sqlite_utils.Database") -> None:
    # Letters are signed with the freelancer's own name and signature; asked about once.
    columns = db["users"].columns_dict
    for column, kind in (("display_name", str), ("signature", str), ("letter_prompted", int)):
        if column not in columns:
            db["users"].add_column(column, kind)


MIGRATIONS = [_v1, _v2]


_row = mapper(UserSettings, display_name=blank_none, signature=blank_none)

#: Keys of `workspaces.settings`.
OFFSETS_KEY = "nudge_offsets"
LATE_FEE_KEY = "nudge_late_fee_percent"


#: How long a user's settings row is taken from memory instead of read again (issue 20). Changes
#: made here clear it at once; a change by another process on the same file shows within this.
SETTINGS_TTL = 2.0
#: At most this many users' settings are kept (the oldest go first).
SETTINGS_KEPT = 10_000


_q = statements("storage.sql.users")
#: The statement for each setting /redflag settings may change.
_SET_USER = {"display_name": _q.SET_DISPLAY_NAME, "signature": _q.SET_SIGNATURE, "language": _q.SET_LANGUAGE,
             "timezone": _q.SET_TIMEZONE, "send_hour": _q.SET_SEND_HOUR}


class Workspaces:
    """The `workspaces` rows and each workspace's own settings."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def ensure(self, workspace: str, platform: str, now: str) -> None:
        """The workspace's row, made on first contact (inside the caller's transaction)."""
        self.db.execute(_q.ENSURE_WORKSPACE, {"id": workspace, "platform": platform, "created_at": now})

    def _settings(self, workspace: str, lock: bool = False) -> dict:
        """The settings object; `lock` (inside a transaction) holds the row until the write (a read-modify-write)."""
        row = self.db.one(_q.SETTINGS_LOCKED if lock else _q.SETTINGS, {"id": workspace})
        if not row or not row["settings"]:
            return {}
        try:
            value = json.loads(row["settings"])
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _set(self, workspace: str, key: str, value: object) -> None:
        with self.db.transaction():
            settings = self._settings(workspace, lock=True)  # two writers of different keys both keep theirs
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
            self.db.execute(_q.SET_SETTINGS, {"settings": json.dumps(settings, sort_keys=True), "id": workspace})

    def offsets(self, workspace: str) -> dict[str, int] | None:
        """The workspace's own reminder stage offsets, or None for the defaults."""
        value = self._settings(workspace).get(OFFSETS_KEY)
        return dict(value) if isinstance(value, dict) else None

    def set_offsets(self, workspace: str, offsets: Mapping[str, int] | None) -> None:
        """Store validated offsets (see `bot.nudges.policy.validate_offsets`); None restores the defaults."""
        self._set(workspace, OFFSETS_KEY, dict(offsets) if offsets is not None else None)

    def late_fee_percent(self, workspace: str) -> float | None:
        """The workspace's default late fee for the final letter (a client's own is storage/client_settings.py)."""
        value = self._settings(workspace).get(LATE_FEE_KEY)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class Users:
    def __init__(self, db: Database, workspaces: Workspaces) -> None:
        self.db = db
        self.workspaces = workspaces
        #: owner -> (kept until, on the monotonic clock; settings). A plain dict: a look-up is one `dict.get`
        #: on every request (cachetools' TTLCache cost ~20 µs of `/incident`, issue 20).
        self._cache: dict[Owner, tuple[float, UserSettings]] = {}
        self._lock = threading.Lock()  # requests run on a pool of threads: the eviction below is two steps

    def _cached(self, owner: Owner) -> UserSettings | None:
        found = self._cache.get(owner)
        if found is None or found[0] <= time.monotonic():
            return None
        return found[1]

    def _keep(self, owner: Owner, settings: UserSettings) -> None:
        with self._lock:
            self._cache.pop(owner, None)
            while len(self._cache) >= SETTINGS_KEPT:  # the oldest kept go first
                self._cache.pop(next(iter(self._cache)))
            self._cache[owner] = (time.monotonic() + SETTINGS_TTL, settings)

    def forget(self, owner: Owner | None = None) -> None:
        """Drop cached settings (one user's, or everyone's): called by every write here."""
        with self._lock:
            if owner is None:
                self._cache.clear()
            else:
                self._cache.pop(owner, None)

    def ensure(
        self,
        owner: Owner,
        platform: str,
        locale: str | None = None,
        timezone: str | None = None,
    ) -> UserSettings:
        """Create the workspace and user rows on first contact; remember what the platform reports."""
        cached = self._cached(owner)
        known = cached or self.get(owner)
        if (
            known is not None
            and (locale is None or locale == known.platform_locale)
            and (timezone is None or timezone == known.platform_timezone)
        ):
            # Nothing new to remember: no write transaction (and no commit) on every event. Kept only
            # when read: kept again on every hit, an active user's entry would never expire, and another
            # process's change (their /redflag settings on another worker) would never show.
            if cached is None:
                self._keep(owner, known)
            return known
        self.forget(owner)
        now = to_iso(utcnow())
        with self.db.transaction():
            self.workspaces.ensure(owner.workspace, platform, now)
            self.db.execute(_q.ENSURE_USER, {
                "workspace": owner.workspace, "user": owner.user, "platform": platform, "send_hour": DEFAULT_SEND_HOUR,
                "platform_locale": locale, "platform_timezone": timezone, "created_at": now,
            })
        found = self.get(owner)
        assert found is not None
        return found

    def get(self, owner: Owner) -> UserSettings | None:
        row = self.db.one(_q.GET_USER, {"workspace": owner.workspace, "user": owner.user})
        return _row(row) if row else None

    def update(
        self,
        owner: Owner,
        *,
        language: str | None = None,
        timezone: str | None = None,
        send_hour: int | None = None,
        display_name: str | None = None,
        signature: str | None = None,
    ) -> UserSettings:
        self.forget(owner)  # /redflag settings: the next request reads the new row
        with self.db.transaction():
            for column, value in (("display_name", display_name), ("signature", signature), ("language", language),
                                  ("timezone", timezone), ("send_hour", send_hour)):
                if value is not None:
                    self.db.execute(_SET_USER[column], {"value": value, "workspace": owner.workspace, "user": owner.user})
        self.forget(owner)  # also what a request read meanwhile
        found = self.get(owner)
        assert found is not None
        return found

    def mark_letter_prompted(self, owner: Owner) -> bool:
        """Record that we asked for the name and signature; True only the first time (so we ask once)."""
        self.forget(owner)
        with self.db.transaction():
            cur = self.db.execute(_q.MARK_PROMPTED, {"workspace": owner.workspace, "user": owner.user})
        self.forget(owner)
        return bool(cur.rowcount)

    def all(self) -> list[UserSettings]:
        """Every user (for the reminder sweep, which runs for everyone)."""
        return [_row(r) for r in self.db.query(_q.ALL_USERS)]
