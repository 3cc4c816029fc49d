"""Reminder DMs from the scheduler: `conversations.open` + `chat.postMessage`, outside any request.

Each send uses the workspace's current bot token (rotated if it is about to
expire). Every part of a reminder is posted with message metadata naming its
ledger entry (`event_type` `redflag_reminder`, payload `{"delivery": key,
"part": i}`); when an earlier attempt's outcome is unknown (a timeout after
the request went out, a process killed between the post and the mark), the
DM's recent history is read with `include_all_metadata` and a part found
there is not posted again. No request is retried inline (a retried post after
a lost answer would be a duplicate): rate limits and errors become
`DeliveryFailed` for the sweep, which waits out `Retry-After` per workspace.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Sequence

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack import render
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import api_error, retry_after
from adapters.slack.oauth import BotTokens, NotInstalled
from bot.notify import Delivery, DeliveryFailed, Reason, Recipient
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


#: Slack errors in the core's words (`bot.notify.Reason`); any other is OTHER, shown with Slack's code.
REASONS: dict[str, Reason] = {
    "not_found": Reason.NOT_FOUND,
    "channel_not_found": Reason.NOT_FOUND,
    "user_not_found": Reason.NOT_FOUND,
    "invalid_auth": Reason.ACCESS_REVOKED,
    "token_revoked": Reason.ACCESS_REVOKED,
    "account_inactive": Reason.ACCESS_REVOKED,
}


def delivery_failure(err: BaseException) -> DeliveryFailed:
    code = api_error(err)
    if isinstance(err, SlackApiError):
        response = err.response
        if code == "ratelimited" or getattr(response, "status_code", 0) == 429:
            return DeliveryFailed("ratelimited", retry_after=retry_after(dict(getattr(response, "headers", {}) or {})),
                                  kind=Reason.RATE_LIMITED)
        if getattr(response, "status_code", 200) >= 500:
            return DeliveryFailed("network", kind=Reason.NETWORK)  # Slack's side failed; the scheduler tries again
        return DeliveryFailed(code, permanent=code in PERMANENT, kind=REASONS.get(code, Reason.OTHER))
    return DeliveryFailed("network", kind=Reason.NETWORK)


EVENT_TYPE = "redflag_reminder"
#: How far back before an unknown attempt the DM's history is searched.
HISTORY_MARGIN_S = 300


def _timeout() -> float:
    try:
        return float(os.environ.get("REDFLAG_SLACK_DM_TIMEOUT", "") or 15)
    except ValueError:
        return 15.0


def _metadata(key: str, part: int) -> dict:
    return {"event_type": EVENT_TYPE, "event_payload": {"delivery": key, "part": part}}


class SlackNotifier:
    """`bot.notify.Notifier` for Slack."""

    platform = "slack"

    def __init__(self, api_url: str, tokens: BotTokens, timeout: float | None = None) -> None:
        self.api_url = api_url
        self.tokens = tokens
        self.timeout = timeout if timeout is not None else _timeout()
        self._sessions: dict[int, aiohttp.ClientSession] = {}  # per event loop: kept-alive connections

    def _session(self) -> aiohttp.ClientSession:
        """One HTTP session per loop, so a sweep of thousands of DMs reuses connections instead of opening one each."""
        loop = asyncio.get_running_loop()
        session = self._sessions.get(id(loop))
        if session is None or session.closed:
            # slack_sdk applies its timeout only to sessions it makes itself: this one carries it.
            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64),
                                            timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._sessions[id(loop)] = session
        return session

    async def close(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            if not session.closed:
                try:
                    await session.close()
                except RuntimeError:  # made on a loop that has ended
                    pass

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply], delivery: Delivery | None = None) -> None:
        try:
            token = await self.tokens.token(recipient.workspace)
        except NotInstalled:
            log.warning("DM to %s/%s not sent: app not installed there", recipient.workspace, recipient.user)
            raise DeliveryFailed("not_installed", permanent=True, kind=Reason.NOT_INSTALLED) from None
        except SlackClientError as err:
            raise delivery_failure(err) from None
        client = AsyncWebClient(token=token, base_url=self.api_url, timeout=self.timeout, retry_handlers=[],
                                session=self._session())
        posting = False
        try:
            opened = await client.conversations_open(users=recipient.user)
            channel = opened["channel"]["id"]
            parts = await asyncio.to_thread(render.messages, replies, recipient.user)  # Block Kit off the loop
            start = delivery.start if delivery else 0
            for i, message in enumerate(parts):
                if i < start:
                    continue
                if delivery is not None and delivery.unknown_part == i and await self._arrived(client, channel, delivery, i):
                    await delivery.sent(i)  # it did arrive: not again
                    continue
                if delivery is not None:
                    await delivery.sending(i)
                posting = True
                await client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks,
                                              metadata=_metadata(delivery.key, i) if delivery else None)
                posting = False
                if delivery is not None:
                    await delivery.sent(i)
            files = [a for reply in replies for a in reply.files]
            for j, a in enumerate(files, start=len(parts)):
                if j < start:
                    continue
                if delivery is not None:
                    await delivery.sending(j)
                posting = True
                await client.files_upload_v2(channel=channel, content=a.content, filename=a.filename, title=a.title or a.filename)
                posting = False
                if delivery is not None:
                    await delivery.sent(j)
        except SlackClientError as err:
            failure = delivery_failure(err)
            if posting and failure.reason == "network":  # Slack failed after the request arrived: it may be there
                failure = DeliveryFailed("no answer from Slack", unknown=True)
            log.warning(
                "DM to %s/%s failed: %s%s",
                recipient.workspace,
                recipient.user,
                failure.reason,
                " (permanent)" if failure.permanent else "",
            )
            raise failure from None
        except aiohttp.ClientConnectorError as err:  # never reached Slack: nothing was sent
            log.warning("DM to %s/%s failed: %s", recipient.workspace, recipient.user, type(err).__name__)
            raise DeliveryFailed("network", kind=Reason.NETWORK) from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as err:
            log.warning("DM to %s/%s: no answer (%s)", recipient.workspace, recipient.user, type(err).__name__)
            raise DeliveryFailed("no answer from Slack", unknown=posting) from None

    async def _arrived(self, client: AsyncWebClient, channel: str, delivery: Delivery, part: int) -> bool:
        """Look for the part in the DM's recent history by its metadata (raises when Slack cannot tell)."""
        params: dict = {"channel": channel, "limit": 200, "include_all_metadata": True}
        if delivery.unknown_since is not None:
            params["oldest"] = f"{delivery.unknown_since.timestamp() - HISTORY_MARGIN_S:.6f}"
        try:
            history = await client.conversations_history(**params)
        except SlackClientError as err:
            failure = delivery_failure(err)
            raise DeliveryFailed(f"cannot verify: {failure.reason}", permanent=failure.permanent, unknown=True,
                                 retry_after=failure.retry_after) from None
        except (aiohttp.ClientError, asyncio.TimeoutError):
            raise DeliveryFailed("cannot verify: no answer from Slack", unknown=True) from None
        for m in history.get("messages") or []:
            meta = m.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == EVENT_TYPE and payload.get("delivery") == delivery.key and payload.get("part") == part:
                return True
        return False
