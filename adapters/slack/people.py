"""Each Slack user's locale and time zone, from `users.info`, remembered for a while.

The core prefers the user's own `/redflag settings`; this only supplies what
Slack reports, so a new user is answered in their Slack language at once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Callable

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import api_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """What users.info says about a person that the bot uses."""
    locale: str | None = None
    timezone: str | None = None
    name: str | None = None  # display name, for notes that quote someone
    team: str | None = None  # the user's own team, as users.info reports it


class People:
    """A small cache in front of `users.info(include_locale=True)`."""

    def __init__(
        self,
        ttl: float = 6 * 3600,
        retry_after_failure: float = 300,
        timeout: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.timeout = timeout
        self.retry_after_failure = retry_after_failure
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, Profile]] = {}

    async def get(self, client: AsyncWebClient, team: str, user: str) -> Profile:
        key = (team, user)
        hit = self._cache.get(key)
        now = self.clock()
        if hit and hit[0] > now:
            return hit[1]
        try:
            # Slack wants the ack within 3 s: never sit out a long rate limit here.
            resp = await asyncio.wait_for(client.users_info(user=user, include_locale=True), self.timeout)
            data = resp.get("user") or {}
            shown = (data.get("profile") or {}).get("display_name") or data.get("real_name") or data.get("name")
            profile = Profile(locale=data.get("locale") or None, timezone=data.get("tz") or None, name=shown or None, team=data.get("team_id") or None)
            self._cache[key] = (now + self.ttl, profile)
        except (SlackClientError, asyncio.TimeoutError, aiohttp.ClientError) as err:
            # Not fatal: the core falls back to stored settings, then English/UTC.
            log.warning("users.info failed for %s/%s: %s", team, user, api_error(err))
            profile = hit[1] if hit else Profile()
            self._cache[key] = (now + self.retry_after_failure, profile)
        if len(self._cache) > 10_000:
            self._cache.pop(next(iter(self._cache)))
        return profile

    def forget(self, team: str, user: str | None = None) -> None:
        for key in [k for k in self._cache if k[0] == team and (user is None or k[1] == user)]:
            del self._cache[key]
