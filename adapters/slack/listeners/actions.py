"""Buttons and overflow menus: someone else's buttons are refused plainly, a reply may replace its message."""
from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, modals, render, teams
from adapters.slack.payloads import channel_of
from adapters.slack.replay import request_key
from adapters.slack.responses import ResponseUrl
from bot.events import Action

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge

#: How long a repeated click on the same button of the same message replays the first answer.
DOUBLE_CLICK_WINDOW = 30.0


def listener(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    async def on_action(ack, body: dict, action: dict, client: AsyncWebClient, respond, context) -> None:
        await ack()
        who, channel = teams.resolve(body, context), channel_of(body)
        user = who.user
        address = await bridge.address(client, who, channel)
        url = ResponseUrl(body.get("response_url"))
        # A button carries its value; an overflow menu (a line's Edit / Delete) the chosen option's.
        choice_id, intended = render.read_button_value(action.get("value") or (action.get("selected_option") or {}).get("value"))
        choice_id = choice_id or action.get("action_id") or ""
        if intended and intended != user:
            # Someone else's buttons: the core would refuse the ids anyway (it scopes
            # everything to the clicker), but say plainly why nothing happened.
            await delivery.tell(client, address, url, bridge.t(address)("slack.not_for_you", user=f"<@{intended}>"))
            return
        container = body.get("container") or {}
        message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        # The chosen id too: one overflow menu (one action id) holds both Edit and Delete.
        key = request_key("action", user, channel, message_ts, action.get("action_id"), choice_id) if message_ts else None
        event = Action(address, action_id=choice_id, request_id=body.get("trigger_id"))
        replies = await bridge.handle(key, event, ttl=DOUBLE_CLICK_WINDOW)
        form = next((r for r in replies if r.form is not None), None)
        if form is not None and body.get("trigger_id"):
            await modals.open_form(client, body["trigger_id"], form, address, bridge.t(address), url)
        has_response_url = url.url is not None
        for reply in replies:
            for i, message in enumerate(render.messages([reply], for_user=user)):
                if reply.replaces and i == 0 and await delivery.replace(client, body, message, channel, url):
                    continue
                if has_response_url:
                    await delivery.post_private(client, address, [message], url)
                else:  # App Home and other views have no conversation to answer in
                    await delivery.direct(client, address, [message])
        await delivery.send_files(client, address, replies, url if has_response_url else None, lambda: bridge.t(address), bridge.make)

    return on_action
