"""Answers out to Slack: the response_url while it lasts, then an ephemeral message, then the DM.

Every listener delivers through these, so "nothing is dropped" and "a Slack
refusal is logged, never raised into Bolt" are written once. None of them
decides what to say: they post `render.Message`s built from core replies.
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable, Sequence

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.client import api_error
from adapters.slack.responses import ResponseUrl
from bot.events import Address
from bot.i18n import Messages
from bot import later
from bot.replies import Attachment, Later, Reply

log = logging.getLogger(__name__)


async def safe(call: Awaitable, what: str):  # type: ignore[no-untyped-def]
    """Await a Slack call; a refusal is logged, never raised into Bolt (the user already has an ack)."""
    try:
        return await call
    except SlackClientError as err:
        log.warning("Slack %s failed: %s", what, api_error(err))
    except Exception as err:  # network trouble: the app keeps serving
        log.warning("Slack %s failed: %s", what, type(err).__name__)
    return None


def payload(message: render.Message, channel: str | None = None) -> dict:
    """An ack or response_url body; in a DM an ephemeral answer would vanish on reload (and it is private anyway)."""
    private = message.private and not (channel or "").startswith("D")
    return {"text": message.text, "blocks": message.blocks, "response_type": "ephemeral" if private else "in_channel"}


async def post_private(
    client: AsyncWebClient, address: Address, messages: Sequence[render.Message], url: ResponseUrl, replace: bool = False
) -> None:
    """Answer where the request came from: its response_url while it has uses left (five),
    then `chat.postEphemeral` in the channel, else the user's DM. Nothing is dropped."""
    pending = list(messages)
    while pending:
        hook = url.take()
        if hook is None:
            break
        ok = await safe(hook.send(replace_original=replace, **payload(pending[0], address.channel)), "response_url")
        if ok is None or getattr(ok, "status_code", 200) >= 400:
            break
        replace = False
        pending.pop(0)
    if pending and address.channel and not address.channel.startswith("D"):
        while pending:
            ok = await safe(
                client.chat_postEphemeral(channel=address.channel, user=address.user, text=pending[0].text, blocks=pending[0].blocks),
                "chat.postEphemeral",
            )
            if ok is None:
                break
            pending.pop(0)
    if pending:
        await direct(client, address, pending)


async def direct(client: AsyncWebClient, address: Address, messages: Sequence[render.Message]) -> str | None:
    """Post in the user's DM with the app; returns the DM channel id."""
    if not messages:
        return None
    opened = await safe(client.conversations_open(users=address.user), "conversations.open")
    if opened is None:
        return None
    channel = opened["channel"]["id"]
    for message in messages:
        await safe(client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks), "chat.postMessage")
    return channel


async def tell(client: AsyncWebClient, address: Address, url: ResponseUrl | None, text: str) -> None:
    """One line of the adapter's own (catalog text), where the request came from."""
    # Catalog text with a mention we built ourselves: no escaping, or `<@U…>` would not resolve.
    message = render.Message(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text[: render.MAX_SECTION]}}])
    if url is not None and url.url:
        await post_private(client, address, [message], url)
    else:
        await direct(client, address, [message])


async def replace(client: AsyncWebClient, body: dict, message: render.Message, channel: str | None, url: ResponseUrl) -> bool:
    """Update the message the button was on, so a dialogue advances in place; False when there is none."""
    container = body.get("container") or {}
    hook = url.take()
    if hook is not None:
        await safe(hook.send(text=message.text, blocks=message.blocks, replace_original=True), "response_url")
        return True
    if container.get("message_ts") and channel and not container.get("is_ephemeral"):
        await safe(client.chat_update(channel=channel, ts=container["message_ts"], text=message.text, blocks=message.blocks), "chat.update")
        return True
    return False


def files_follow(replies: Sequence[Reply]) -> bool:
    """Whether `send_files` has anything to send for these replies (files, or files a reply promised)."""
    return any(r.files or r.later for r in replies)


async def send_files(
    client: AsyncWebClient, address: Address, replies: Sequence[Reply], url: ResponseUrl | None, words: Callable[[], Messages],
    make: Callable[[Later], Awaitable[tuple[Attachment, ...]]] | None = None,
) -> None:
    """Exports and charts go to the user's DM (files cannot be ephemeral); `words` is asked only when there are some.

    Called once the replies' text is out: files a reply promised (`Reply.later`, the report's
    chart) are made here by `make` (the bridge's slow lane) and follow it.
    """
    if not files_follow(replies):
        return
    attachments = [a for r in replies for a in r.files]
    orders = [order for r in replies for order in r.later]
    unmade: list[str] = []
    for order in orders:
        try:
            attachments.extend(await make(order) if make is not None else later.make(order))
        except Exception as err:  # its worker died, or drawing failed: say which file did not come
            log.warning("a file that follows a reply could not be made: %s", type(err).__name__)
            unmade.append(str(getattr(order.order, "filename", order.kind)))
    t = words()
    opened = await safe(client.conversations_open(users=address.user), "conversations.open") if attachments else None
    if opened is None:
        failed = [a.filename for a in attachments]
    else:
        channel = opened["channel"]["id"]
        failed = []
        for a in attachments:
            done = await safe(
                client.files_upload_v2(channel=channel, content=a.content, filename=a.filename, title=a.title or a.filename),
                "files.upload",
            )
            if done is None:
                failed.append(a.filename)
    sent = [a.filename for a in attachments if a.filename not in failed]
    notes = []
    if sent and address.channel and not address.channel.startswith("D"):
        notes.append(t("slack.files_sent", files=", ".join(sent)))
    if failed:
        notes.append(t("slack.files_failed", files=", ".join(failed)))
    if unmade:
        notes.append(t("error.file_not_made", files=", ".join(unmade)))
    for note in notes:
        await tell(client, address, url, note)
