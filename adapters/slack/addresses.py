"""Who is asking on Slack: a request's team, user and channel as a core `Address`.

The person's locale and zone come from `users.info` (cached in `people.py`);
their own team is settled once (`teams.py`) and kept, so every later request
of theirs agrees. What must outlive the process (a Slack Connect route, a
person's own team) is told to the core (`bot/routing.py`), never written to
the store from here.
"""
from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import teams
from adapters.slack.people import People
from bot.events import Address

if TYPE_CHECKING:
    from bot.core import Core

PLATFORM = "slack"
#: Seconds before a person with no team on file is looked up again (another process may learn it).
NO_TEAM_RECHECK = 10.0


class Addresses:
    def __init__(self, core: "Core", people: People) -> None:
        self.routing = core.routing
        self.people = people
        self._routes: set[tuple[str, str]] = set()  # routes already on file
        self._teams: dict[tuple[str, str], str] = {}  # (installation, user) -> the user's own team
        self._no_team: dict[tuple[str, str], float] = {}  # (installation, user) -> when to look on file again

    async def address(self, client: AsyncWebClient, who: teams.Who, channel: str | None) -> Address:
        profile = await self.people.get(client, who.installation, who.user)
        who = await self.settle(who, profile.team)
        if who.installation and who.workspace and who.installation != who.workspace and (who.workspace, who.installation) not in self._routes:
            # A person whose own team did not install the app (Slack Connect): their reminders go through this install.
            await asyncio.to_thread(self.routing.remember_route, PLATFORM, who.workspace, who.installation)
            self._routes.add((who.workspace, who.installation))
        return Address(PLATFORM, who.workspace, who.user, channel, profile.locale, profile.timezone)

    async def settle(self, who: teams.Who, reported: str | None) -> teams.Who:
        """The person's own team, kept once learned so every later request of theirs agrees."""
        if who.org_wide or not who.user:
            return who
        key = (who.installation, who.user)
        routes = self.routing
        known = self._teams.get(key)
        if known is None and self._no_team.get(key, 0.0) < time.monotonic():
            known = await asyncio.to_thread(routes.team_of, PLATFORM, who.installation, who.user)
            if known is None:  # nothing on file: don't ask again on every request (issue 20), only now and then
                self._no_team[key] = time.monotonic() + NO_TEAM_RECHECK
        settled = teams.settle(who, known, reported)
        if (who.stated or reported) and settled.workspace and settled.workspace != known:
            await asyncio.to_thread(routes.learn_team, PLATFORM, who.installation, who.user, settled.workspace)
        if settled.workspace and (who.stated or reported or known):
            self._teams[key] = settled.workspace
        return settled
