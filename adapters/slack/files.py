"""A CSV for `/invoice import` on Slack: shared in the DM with the app, or attached in its modal.

`/invoice import` with nothing after it opens a modal with a file input; a
file shared in the DM arrives as a `message` event with `files`. Either way
the file is downloaded with the
bot token from its private URL (never a URL a user typed), handed to the
core as an `Upload`, and answered in the DM: a "reading…" message that is
updated with the progress and then replaced by the preview.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

import aiohttp

from adapters.slack import delivery, render, teams
from bot.events import Upload
from bot.importing.progress import throttled, watched
from bot.importing.reader import MAX_BYTES

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge

log = logging.getLogger(__name__)

#: Seconds between two progress updates of the same message (Slack allows about one chat.update a second).
UPDATE_EVERY = 1.0


def listener(bridge: "SlackBridge"):
    async def on_message(event: dict, client, context) -> None:
        files = event.get("files") or []
        if not files or event.get("bot_id") or event.get("channel_type") not in (None, "im"):
            return
        user = event.get("user") or ""
        channel = event.get("channel")
        # A message event names the sender's own team (`user_team`, else `team`); Bolt's context the install.
        own = event.get("user_team") or event.get("team") or ""
        who = teams.resolve({"user": {"id": user, "team_id": own}} if own else {"user_id": user}, context)
        if not who.installation or not user or not channel:
            return
        token = getattr(context, "bot_token", None) or client.token
        for f in files[:3]:
            await import_file(bridge, client, token, who, channel, f)

    return on_message


async def download(url: str, token: str | None, limit: int) -> bytes:
    """At most `limit + 1` bytes: enough to refuse a file that is too big without holding it all."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers=headers) as resp:
            resp.raise_for_status()
            out = bytearray()
            async for chunk in resp.content.iter_chunked(65536):
                out += chunk
                if len(out) > limit:
                    break
            return bytes(out)


async def import_file(bridge: "SlackBridge", client, token: str | None, who: teams.Who, channel: str, f: dict) -> None:
    address = await bridge.address(client, who, channel)
    user = who.user
    t = bridge.t(address)
    name = str(f.get("name") or f.get("title") or "invoices.csv")
    url = f.get("url_private_download") or f.get("url_private")
    if not url:
        return
    posted = await delivery.safe(client.chat_postMessage(channel=channel, text=t("slack.import_reading", file=name)), "chat.postMessage")
    ts = posted["ts"] if posted else None
    try:
        size = int(f.get("size") or 0)
        data = await download(url, token, MAX_BYTES) if size <= MAX_BYTES else b""
    except Exception as err:  # a network failure: say so, nothing was written
        log.warning("Slack file download failed: %s", type(err).__name__)
        await _show(bridge, client, channel, ts, [render.Message(t("slack.import_download_failed", file=name), [])])
        return
    loop = asyncio.get_running_loop()

    def show(percent: int) -> None:  # runs on the core's worker thread
        if ts is None:
            return
        text = t("slack.import_progress", file=name, percent=percent)
        asyncio.run_coroutine_threadsafe(delivery.safe(client.chat_update(channel=channel, ts=ts, text=text), "chat.update"), loop)

    event = Upload(address, name, data, request_id=f"slack-file:{f.get('id')}", size=size or None)
    report = throttled(show, UPDATE_EVERY)
    replies = await loop.run_in_executor(bridge.worker, watched, lambda: bridge.core.handle(event), report)
    await _show(bridge, client, channel, ts, render.messages(replies, for_user=user))


async def _show(bridge: "SlackBridge", client, channel: str, ts: str | None, messages: list) -> None:
    """The first message replaces the "reading…" one; any further ones follow it."""
    for i, message in enumerate(messages):
        blocks = message.blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": message.text}}]
        if i == 0 and ts:
            await delivery.safe(client.chat_update(channel=channel, ts=ts, text=message.text, blocks=blocks), "chat.update")
        else:
            await delivery.safe(client.chat_postMessage(channel=channel, text=message.text, blocks=blocks), "chat.postMessage")


# -- /invoice import with no file: a modal with a file input -------------------------
IMPORT_VIEW = "slackui:import"


def wants_modal(body: dict) -> bool:
    """`/invoice import` typed with nothing after it: the modal takes the file."""
    return (body.get("command") or "").lstrip("/") == "invoice" and (body.get("text") or "").strip().lower() == "import"


def import_modal(t, channel: str | None) -> dict:
    return {
        "type": "modal",
        "callback_id": IMPORT_VIEW,
        "private_metadata": json.dumps({"c": channel}),
        "title": {"type": "plain_text", "text": render.shorten(t("slack.import_modal_title"), render.MAX_MODAL_TITLE)},
        "submit": {"type": "plain_text", "text": t("slack.import_modal_submit")},
        "close": {"type": "plain_text", "text": t("slack.modal_close")},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": render.escape(t("slack.import_modal_intro"))}},
            {
                "type": "input",
                "block_id": "file",
                "label": {"type": "plain_text", "text": t("slack.import_modal_file")},
                "element": {"type": "file_input", "action_id": "file", "filetypes": ["csv", "txt", "tsv"], "max_files": 1},
            },
        ],
    }


async def open_modal(bridge: "SlackBridge", body: dict, client, context) -> None:
    """The import form as a modal, once the command's empty ack is out (`listeners/commands.py`)."""
    address = await bridge.address(client, teams.resolve(body, context), body.get("channel_id"))
    await delivery.safe(client.views_open(trigger_id=body["trigger_id"], view=import_modal(bridge.t(address), body.get("channel_id"))), "views.open")


def submitted(bridge: "SlackBridge"):
    async def on_submit(ack, body: dict, client, context) -> None:
        await ack()
        who = teams.resolve(body, context)
        user = who.user
        values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
        files = ((values.get("file") or {}).get("file") or {}).get("files") or []
        token = getattr(context, "bot_token", None) or client.token
        address = await bridge.address(client, who, None)
        opened = await delivery.safe(client.conversations_open(users=user), "conversations.open")
        if opened is None:
            return
        channel = opened["channel"]["id"]
        if not files:
            await delivery.direct(client, address, [render.Message(bridge.t(address)("import.how_to_send"), [])])
            return
        for f in files[:1]:
            await import_file(bridge, client, token, who, channel, f)

    return on_submit
