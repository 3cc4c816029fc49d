"""Which installation reaches the people of a workspace that did not install the app itself,
and which team a person belongs to when a payload does not say.

In a Slack Connect channel a person from T7 uses the app installed in T1: their
records are kept under their own team (T7), but a reminder DM outside any
request must go through T1's bot. The Slack adapter records that route when
it sees it; the notifier's token lookup falls back to it. A slash command in
a shared channel may name the channel's team rather than the user's own, so
the user's own team, once learned (from `user.team_id` of a click or from
`users.info`), is kept here and used for every later request.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from storage.db import Database, to_iso
from storage.query import statements


def _v1(db: "sqlite_utils.Database") -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS workspace_routes ("
        " platform TEXT NOT NULL, workspace TEXT NOT NULL, installation TEXT NOT NULL, seen_at TEXT NOT NULL,"
        " PRIMARY KEY (platform, workspace))"
    )


def _v2(db: "sqlite_utils.Database") -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS people_teams ("
        " platform TEXT NOT NULL, installation TEXT NOT NULL, user TEXT NOT NULL, team TEXT NOT NULL, seen_at TEXT NOT NULL,"
        " PRIMARY KEY (platform, installation, user))"
    )


MIGRATIONS = [_v1, _v2]


_q = statements("storage.sql.routes")


class Routes:
    def __init__(self, db: Database) -> None:
        self.db = db

    def remember(self, platform: str, workspace: str, installation: str, now: datetime) -> None:
        """Record (or move) the route; no write when it is already the one on file."""
        if self.installation_for(platform, workspace) == installation:
            return
        with self.db.transaction():
            self.db.execute(_q.REMEMBER, {"platform": platform, "workspace": workspace, "installation": installation,
                                        "seen_at": to_iso(now)})

    def installation_for(self, platform: str, workspace: str) -> str | None:
        row = self.db.one(_q.INSTALLATION, {"platform": platform, "workspace": workspace})
        return row["installation"] if row else None

    def team_of(self, platform: str, installation: str, user: str) -> str | None:
        row = self.db.one(_q.TEAM, {"platform": platform, "installation": installation, "user": user})
        return row["team"] if row else None

    def learn_team(self, platform: str, installation: str, user: str, team: str, now: datetime) -> None:
        with self.db.transaction():
            self.db.execute(_q.LEARN, {"platform": platform, "installation": installation, "user": user, "team": team,
                                     "seen_at": to_iso(now)})
