"""Which installation reaches a person, and which team a person belongs to: asked of the core.

An adapter learns these from platform payloads (a Slack Connect channel, a
Grid org) and needs them back later (a reminder DM outside any request). It
asks here rather than reading `storage/routes.py` itself, so the data goes
adapter → core → store like every other question. Times are the real clock:
these rows record when a route was seen, not a moment of the user's day.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.store import Store


class Routing:
    def __init__(self, store: "Store") -> None:
        self._routes = store.routes

    def remember_route(self, platform: str, workspace: str, installation: str) -> None:
        """People of `workspace` are reached through `installation` (no write when already so)."""
        self._routes.remember(platform, workspace, installation, datetime.now(timezone.utc))

    def installation_for(self, platform: str, workspace: str) -> str | None:
        """The installation recorded for a workspace that did not install the app itself."""
        return self._routes.installation_for(platform, workspace)

    def team_of(self, platform: str, installation: str, user: str) -> str | None:
        """The person's own team, once learned."""
        return self._routes.team_of(platform, installation, user)

    def learn_team(self, platform: str, installation: str, user: str, team: str) -> None:
        self._routes.learn_team(platform, installation, user, team, datetime.now(timezone.utc))
