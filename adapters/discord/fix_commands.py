"""`/invoice import` on Discord: the attachment is read from Discord's CDN and handed to the core as an `Upload`.

The subcommand itself is generated with the rest of the tree from its
declaration (adapters/discord/commands.py); this is the runner its file option
calls. The deferred "thinking…" message shows the progress while a big file is
read.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord

from bot.events import Upload
from bot.importing.progress import throttled, watched
from bot.importing.reader import MAX_BYTES

if TYPE_CHECKING:
    from adapters.discord.bridge import Bridge

#: Seconds between two edits of the progress message.
UPDATE_EVERY = 1.0


async def run_upload(bridge: "Bridge", interaction: discord.Interaction, attachment: discord.Attachment) -> None:
    from adapters.discord.bridge import address_of, target_of

    address = address_of(interaction)
    t = bridge.messages_for(address)
    if not await bridge._defer(interaction, thinking=True):
        return
    size = int(attachment.size or 0)
    try:
        data = await attachment.read() if size <= MAX_BYTES else b""
    except discord.HTTPException:
        data = None
    if data is None:
        await bridge._safe(interaction.followup.send(content=t("discord.import_download_failed", file=attachment.filename), ephemeral=True))
        return
    loop = asyncio.get_running_loop()

    def show(percent: int) -> None:  # runs on the worker thread
        text = t("discord.import_progress", file=attachment.filename, percent=percent)
        asyncio.run_coroutine_threadsafe(bridge._safe(interaction.edit_original_response(content=text)), loop)

    event = Upload(address, attachment.filename, data, request_id=str(interaction.id), size=size or None)
    report = throttled(show, UPDATE_EVERY)
    replies = await asyncio.to_thread(watched, lambda: bridge.core.handle(event), report)
    await bridge.deliver(interaction, replies, target_of(interaction), t, can_edit=False)
