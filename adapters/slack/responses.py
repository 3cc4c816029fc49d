"""A request's `response_url`, used at most five times, as Slack allows.

Slack accepts five posts to one `response_url` (within 30 minutes). A long
answer (10 000 clients) renders as more messages than that: the first five
go through the URL and the rest go by `chat.postEphemeral` (or the user's DM),
so nothing is lost and Slack never refuses a part.
"""
from __future__ import annotations

from slack_sdk.webhook.async_client import AsyncWebhookClient

#: Slack's limit on posts to one response_url.
MAX_USES = 5


class ResponseUrl:
    """One request's `response_url` and how many of its five uses are gone."""

    def __init__(self, url: str | None, used: int = 0) -> None:
        self.url = url or None
        self.used = used

    @property
    def left(self) -> int:
        return max(MAX_USES - self.used, 0) if self.url else 0

    def take(self) -> AsyncWebhookClient | None:
        """A client for one more post, or None when the URL is missing or used up."""
        if not self.left:
            return None
        self.used += 1
        return AsyncWebhookClient(self.url)  # type: ignore[arg-type]
