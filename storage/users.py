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

from cachetools import TTLCache

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso, utcnow
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


class Workspaces:
    """The `workspaces` rows and each workspace's own settings."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def ensure(self, workspace: str, platform: str, now: str) -> None:
        """The workspace's row, made on first contact (inside the caller's transaction)."""
        self.db.execute(
            "INSERT INTO workspaces (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
            (workspace, platform, now),
        )

    def _settings(self, workspace: str, lock: bool = False) -> dict:
        """The settings object; `lock` (inside a transaction) holds the row until the write (a read-modify-write)."""
        row = self.db.one("SELECT settings FROM workspaces WHERE id = ?" + (self.db.dialect.for_update() if lock else ""),
                          (workspace,))
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
            self.db.execute("UPDATE workspaces SET settings = ? WHERE id = ?", (json.dumps(settings, sort_keys=True), workspace))

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
        self._cache: TTLCache[Owner, UserSettings] = TTLCache(SETTINGS_KEPT, SETTINGS_TTL, timer=time.monotonic)
        self._lock = threading.Lock()  # requests run on a pool of threads; cachetools' caches are not thread-safe

    def _cached(self, owner: Owner) -> UserSettings | None:
        with self._lock:
            return self._cache.get(owner)

    def _keep(self, owner: Owner, settings: UserSettings) -> None:
        with self._lock:
            self._cache[owner] = settings

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
        known = self._cached(owner) or self.get(owner)
        if (
            known is not None
            and (locale is None or locale == known.platform_locale)
            and (timezone is None or timezone == known.platform_timezone)
        ):
            # Nothing new to remember: no write transaction (and no commit) on every event.
            self._keep(owner, known)
            return known
        self.forget(owner)
        now = to_iso(utcnow())
        with self.db.transaction():
            self.workspaces.ensure(owner.workspace, platform, now)
            self.db.execute(
                "INSERT INTO users (workspace, \"user\", platform, send_hour, platform_locale, platform_timezone, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(workspace, \"user\") DO UPDATE SET"
                " platform_locale = coalesce(excluded.platform_locale, users.platform_locale),"
                " platform_timezone = coalesce(excluded.platform_timezone, users.platform_timezone)",
                (owner.workspace, owner.user, platform, DEFAULT_SEND_HOUR, locale, timezone, now),
            )
        found = self.get(owner)
        assert found is not None
        return found

    def get(self, owner: Owner) -> UserSettings | None:
        row = self.db.one("SELECT * FROM users WHERE workspace = ? AND \"user\" = ?", (owner.workspace, owner.user))
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
            if display_name is not None:
                self.db.execute("UPDATE users SET display_name = ? WHERE workspace = ? AND \"user\" = ?", (display_name, owner.workspace, owner.user))
            if signature is not None:
                self.db.execute("UPDATE users SET signature = ? WHERE workspace = ? AND \"user\" = ?", (signature, owner.workspace, owner.user))
            if language is not None:
                self.db.execute("UPDATE users SET language = ? WHERE workspace = ? AND \"user\" = ?", (language, owner.workspace, owner.user))
            if timezone is not None:
                self.db.execute("UPDATE users SET timezone = ? WHERE workspace = ? AND \"user\" = ?", (timezone, owner.workspace, owner.user))
            if send_hour is not None:
                self.db.execute("UPDATE users SET send_hour = ? WHERE workspace = ? AND \"user\" = ?", (send_hour, owner.workspace, owner.user))
        self.forget(owner)  # also what a request read meanwhile
        found = self.get(owner)
        assert found is not None
        return found

    def mark_letter_prompted(self, owner: Owner) -> bool:
        """Record that we asked for the name and signature; True only the first time (so we ask once)."""
        self.forget(owner)
        with self.db.transaction():
            cur = self.db.execute(
                "UPDATE users SET letter_prompted = 1 WHERE workspace = ? AND \"user\" = ? AND coalesce(letter_prompted, 0) = 0",
                (owner.workspace, owner.user),
            )
        self.forget(owner)
        return bool(cur.rowcount)

    def all(self) -> list[UserSettings]:
        """Every user (for the reminder sweep, which runs for everyone)."""
        return [_row(r) for r in self.db.query("SELECT * FROM users ORDER BY workspace, \"user\"")]
