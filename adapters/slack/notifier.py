"""Reminder DMs from the scheduler: `conversations.open` + `chat.postMessage`, outside any request.

Each send builds a client with the adapter's retry handlers (so a 429 waits
out `Retry-After`, a 5xx is retried once) and the workspace's current bot
token (rotated if it is about to expire). What still fails becomes
`DeliveryFailed`, permanent when retrying cannot help, so the scheduler
records it instead of losing the reminder.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Sequence

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack import render
from adapters.slack.client import api_error, retry_after, web_client
from adapters.slack.oauth import BotTokens, NotInstalled
from bot.notify import DeliveryFailed, Recipient
from bot.replies import Reply

log = logging.getLogger(__name__)

#: Slack errors after which the same DM will never go through without a human fixing something.
PERMANENT = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "ekm_access_denied",
        "invalid_auth",
        "is_archived",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "team_access_not_granted",
        "token_expired",
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "users_not_found",
    }
)


def delivery_failure(err: BaseException) -> DeliveryFailed:
    code = api_error(err)
    if isinstance(err, SlackApiError):
        response = err.response
        if code == "ratelimited" or getattr(response, "status_code", 0) == 429:
            return DeliveryFailed("ratelimited", retry_after=retry_after(dict(getattr(response, "headers", {}) or {})))
        if getattr(response, "status_code", 200) >= 500:
            return DeliveryFailed("network")  # Slack's side failed; the scheduler tries again
        return DeliveryFailed(code, permanent=code in PERMANENT)
    return DeliveryFailed("network")


class SlackNotifier:
    """`bot.notify.Notifier` for Slack."""

    platform = "slack"

    def __init__(self, api_url: str, tokens: BotTokens) -> None:
        self.api_url = api_url
        self.tokens = tokens

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        try:
            token = await self.tokens.token(recipient.workspace)
        except NotInstalled:
            log.warning("DM to %s/%s not sent: app not installed there", recipient.workspace, recipient.user)
            raise DeliveryFailed("not_installed", permanent=True) from None
        except SlackClientError as err:
            raise delivery_failure(err) from None
        client = web_client(self.api_url, token)
        try:
            opened = await client.conversations_open(users=recipient.user)
            channel = opened["channel"]["id"]
            for message in render.messages(replies, for_user=recipient.user):
                await client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks)
            for reply in replies:
                for a in reply.files:
                    await client.files_upload_v2(channel=channel, content=a.content, filename=a.filename, title=a.title or a.filename)
        except SlackClientError as err:
            failure = delivery_failure(err)
            log.warning(
                "DM to %s/%s failed: %s%s",
                recipient.workspace,
                recipient.user,
                failure.reason,
                " (permanent)" if failure.permanent else "",
            )
            raise failure from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as err:
            log.warning("DM to %s/%s failed: %s", recipient.workspace, recipient.user, type(err).__name__)
            raise DeliveryFailed("network") from None
