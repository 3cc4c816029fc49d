"""Slash commands: ack within Slack's three seconds, answer in place, open a form as a modal."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, modals, render, teams
from adapters.slack.payloads import channel_of
from adapters.slack.replay import request_key
from adapters.slack.responses import ResponseUrl
from bot.events import Command

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge


def listener(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    async def on_command(ack, body: dict, client: AsyncWebClient, respond, context) -> None:
        from adapters.slack import files as shared_files

        if shared_files.wants_modal(body) and body.get("trigger_id"):
            await shared_files.open_modal(bridge, ack, body, client, context)  # the modal takes the CSV
            return
        who, channel = teams.resolve(body, context), channel_of(body)
        user = who.user
        address = await bridge.address(client, who, channel)
        url = ResponseUrl(body.get("response_url"))
        trigger = body.get("trigger_id")
        name = (body.get("command") or "").lstrip("/")
        event = Command(address, command=name, text=body.get("text") or "", request_id=trigger)
        key = request_key("command", trigger) if trigger else None
        if bridge.runs_inline(event):  # answered inline, well inside the ack budget: no timer
            replies, late = await bridge.handle(key, event), False
        else:
            pending = asyncio.ensure_future(bridge.handle(key, event))
            late = not (await asyncio.wait({pending}, timeout=bridge.ack_budget))[0]
            if late:
                await ack(text=bridge.t(address)("slack.working"), response_type="ephemeral")
            replies = await pending
        form = next((r for r in replies if r.form is not None), None)
        messages = render.messages(replies, for_user=user)
        if form is not None and trigger:
            if not late:
                await ack()
            await modals.open_form(client, trigger, form, address, bridge.t(address), url)
        elif late and messages:
            # The answer takes the place of the "working on it" line.
            await delivery.post_private(client, address, messages[:1], url, replace=True)
            messages = messages[1:]
        elif messages:
            await ack(**delivery.payload(messages[0], channel))
            messages = messages[1:]
        elif not late:
            await ack()
        await delivery.post_private(client, address, messages, url)
        await delivery.send_files(client, address, replies, url, lambda: bridge.t(address), bridge.make)

    return on_command
