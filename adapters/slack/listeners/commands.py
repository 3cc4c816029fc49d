"""Slash commands: ack within Slack's three seconds, answer in place, open a form as a modal."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, modals, render, teams
from adapters.slack.payloads import channel_of
from adapters.slack.replay import request_key
from adapters.slack.responses import ResponseUrl
from bot.events import Address, Command
from bot.replies import Reply

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge


def listener(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    """Registered as it is (not through `Continuations.listener`): Bolt answers when it returns, and it
    returns at its ack, handing whatever follows (more messages, files, a modal) to
    `bridge.continuations.start`. A command answered in its ack makes no task at all (issue 20)."""
    later = bridge.continuations.start

    async def on_command(ack, body: dict, client: AsyncWebClient, respond, context) -> None:
        from adapters.slack import files as shared_files

        if shared_files.wants_modal(body) and body.get("trigger_id"):
            await ack()
            later(shared_files.open_modal(bridge, body, client, context))  # the modal takes the CSV
            return
        who, channel = teams.resolve(body, context), channel_of(body)
        address = await bridge.address(client, who, channel)
        url = ResponseUrl(body.get("response_url"))
        trigger = body.get("trigger_id")
        name = (body.get("command") or "").lstrip("/")
        event = Command(address, command=name, text=body.get("text") or "", request_id=trigger)
        key = request_key("command", trigger) if trigger else None
        if bridge.runs_inline(event):  # answered inline, well inside the ack budget: no timer
            replies = await bridge.handle(key, event)
        else:
            pending = asyncio.ensure_future(bridge.handle(key, event))
            if not (await asyncio.wait({pending}, timeout=bridge.ack_budget))[0]:
                await ack(text=bridge.t(address)("slack.working"), response_type="ephemeral")
                later(_late(bridge, client, address, trigger, url, pending))
                return
            replies = pending.result()  # a failure before the ack reaches Bolt's error handler
        form, messages = _shown(replies, address, trigger)
        if form is not None:
            await ack()
            later(_rest(bridge, client, address, replies, messages, url, form=form, trigger=trigger))
            return
        if messages:
            await ack(**delivery.payload(messages[0], channel))
            messages = messages[1:]
        else:
            await ack()
        if messages or delivery.files_follow(replies):
            later(_rest(bridge, client, address, replies, messages, url))

    return on_command


def _shown(replies: list[Reply], address: Address, trigger: str | None) -> tuple[Reply | None, list[render.Message]]:
    """The reply whose form opens as a modal (only with a trigger to open it), and the messages to post."""
    form = next((r for r in replies if r.form is not None), None) if trigger else None
    return form, render.messages(replies, for_user=address.user)


async def _late(bridge: "SlackBridge", client: AsyncWebClient, address: Address, trigger: str | None,
                url: ResponseUrl, pending: "asyncio.Future[list[Reply]]") -> None:
    """A command past the ack budget: its answer takes the place of the "working on it" line."""
    replies = await pending
    form, messages = _shown(replies, address, trigger)
    if form is None and messages:
        await delivery.post_private(client, address, messages[:1], url, replace=True)
        messages = messages[1:]
    await _rest(bridge, client, address, replies, messages, url, form=form, trigger=trigger)


async def _rest(bridge: "SlackBridge", client: AsyncWebClient, address: Address, replies: list[Reply],
                messages: list[render.Message], url: ResponseUrl, *, form: Reply | None = None,
                trigger: str | None = None) -> None:
    """What follows the ack: the form as a modal, the messages the ack could not carry, then the files."""
    if form is not None and trigger is not None:
        await modals.open_form(client, trigger, form, address, bridge.t(address), url)
    await delivery.post_private(client, address, messages, url)
    await delivery.send_files(client, address, replies, url, lambda: bridge.t(address), bridge.make)
