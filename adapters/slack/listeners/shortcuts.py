"""The "Log incident" message shortcut: the message, its author and permalink as a core `Capture`."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, modals, render, teams
from adapters.slack.client import api_error
from adapters.slack.payloads import channel_of, ts_to_iso, unescape
from adapters.slack.responses import ResponseUrl
from bot.events import Capture

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge

log = logging.getLogger(__name__)


def listener(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    async def on_log_incident(ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        who, channel = teams.resolve(body, context), channel_of(body)
        user = who.user
        address = await bridge.address(client, who, channel)
        message = body.get("message") or {}
        author = message.get("user") or message.get("bot_id") or ""
        if message.get("user"):
            author = (await bridge.people.get(client, who.installation, message["user"])).name or author
        permalink = ""
        if channel and message.get("ts"):
            try:
                permalink = (await client.chat_getPermalink(channel=channel, message_ts=message["ts"])).get("permalink") or ""
            except SlackClientError as err:
                log.info("chat.getPermalink failed: %s", api_error(err))
        event = Capture(
            address,
            text=unescape(message.get("text") or ""),
            author=author,
            permalink=permalink,
            occurred_at=ts_to_iso(message.get("ts")),
            request_id=body.get("trigger_id"),
        )
        replies = await bridge.handle(None, event)
        form = next((r for r in replies if r.form is not None), None)
        if form is not None:
            await modals.open_form(client, body["trigger_id"], form, address, bridge.t(address), ResponseUrl(body.get("response_url")))
        else:  # e.g. no clients yet: the core says what to do first
            await delivery.post_private(client, address, render.messages(replies, for_user=user), ResponseUrl(body.get("response_url")))

    return on_log_incident
