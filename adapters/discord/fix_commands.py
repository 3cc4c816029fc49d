"""Discord subcommands for corrections and imports (issue 19), added to the client/incident/invoice groups.

They build the same text the console and Slack send. `/invoice import`
takes an attachment option: the file is read from Discord's CDN, handed to
the core as an `Upload`, and the deferred "thinking…" message shows the
progress while a big file is read.
"""
from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.app_commands import Range

from adapters.discord.commands import (
    _bridge,
    client_names,
    invoice_refs,
    join,
    kind_choices,
    opt,
    options,
    sub,
)
from bot.events import Upload
from bot.importing.progress import REPORTER
from bot.importing.reader import MAX_BYTES
from bot.parser import quote

if TYPE_CHECKING:
    from adapters.discord.bridge import Bridge

#: Seconds between two edits of the progress message.
UPDATE_EVERY = 1.0


def add(client: app_commands.Group, incident: app_commands.Group, invoice: app_commands.Group) -> None:
    @sub(incident, "edit")
    @options("number", "kind", "note", "on")
    @app_commands.choices(kind=kind_choices())
    async def incident_edit(
        interaction: discord.Interaction,
        number: Range[str, 1, 12],
        kind: Optional[str] = None,
        note: Optional[Range[str, 1, 4000]] = None,
        on: Optional[Range[str, 1, 40]] = None,
    ) -> None:
        text = join("edit", quote(number), opt(("kind", kind)), opt(("note", note)), opt(("on", on)))
        await _bridge(interaction).run_command(interaction, "incident", text)

    @sub(incident, "delete")
    @options("number")
    async def incident_delete(interaction: discord.Interaction, number: Range[str, 1, 12]) -> None:
        await _bridge(interaction).run_command(interaction, "incident", join("delete", quote(number)))

    @sub(invoice, "edit")
    @options("ref", "amount", "currency", "due", "issued", "new_ref")
    @app_commands.autocomplete(ref=invoice_refs)
    async def invoice_edit(
        interaction: discord.Interaction,
        ref: Range[str, 1, 60],
        amount: Optional[Range[str, 1, 40]] = None,
        currency: Optional[Range[str, 3, 3]] = None,
        due: Optional[Range[str, 1, 40]] = None,
        issued: Optional[Range[str, 1, 40]] = None,
        new_ref: Optional[Range[str, 1, 60]] = None,
    ) -> None:
        text = join("edit", quote(ref), opt(("amount", amount)), opt(("currency", currency)), opt(("due", due)),
                    opt(("issued", issued)), opt(("ref", new_ref)))
        await _bridge(interaction).run_command(interaction, "invoice", text)

    @sub(invoice, "delete")
    @options("ref")
    @app_commands.autocomplete(ref=invoice_refs)
    async def invoice_delete(interaction: discord.Interaction, ref: Range[str, 1, 60]) -> None:
        await _bridge(interaction).run_command(interaction, "invoice", join("delete", quote(ref)))

    @sub(invoice, "import")
    @options("file")
    async def invoice_import(interaction: discord.Interaction, file: discord.Attachment) -> None:
        await run_upload(_bridge(interaction), interaction, file)

    @sub(client, "rename")
    @options("client", "new_name")
    @app_commands.autocomplete(client=client_names)
    async def client_rename(interaction: discord.Interaction, client: Range[str, 1, 120], new_name: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("rename", quote(client), quote(new_name)))

    @sub(client, "merge")
    @options("client", "into")
    @app_commands.autocomplete(client=client_names, into=client_names)
    async def client_merge(interaction: discord.Interaction, client: Range[str, 1, 120], into: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("merge", quote(client), quote(into)))

    @sub(client, "delete")
    @options("client")
    @app_commands.autocomplete(client=client_names)
    async def client_delete(interaction: discord.Interaction, client: Range[str, 1, 120]) -> None:
        await _bridge(interaction).run_command(interaction, "client", join("delete", quote(client)))

    @sub(client, "set")
    @options("client", "late_fee", "terms", "currency")
    @app_commands.autocomplete(client=client_names)
    async def client_set(
        interaction: discord.Interaction,
        client: Range[str, 1, 120],
        late_fee: Optional[Range[str, 1, 20]] = None,
        terms: Optional[Range[int, 0, 365]] = None,
        currency: Optional[Range[str, 3, 3]] = None,
    ) -> None:
        text = join("set", quote(client), opt(("late_fee", late_fee)), opt(("terms", terms)), opt(("currency", currency)))
        await _bridge(interaction).run_command(interaction, "client", text)



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
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:  # runs on the worker thread
        now = time.monotonic()
        if done >= total or now - last[0] < UPDATE_EVERY:
            return
        last[0] = now
        text = t("discord.import_progress", file=attachment.filename, percent=100 * done // max(total, 1))
        asyncio.run_coroutine_threadsafe(bridge._safe(interaction.edit_original_response(content=text)), loop)

    event = Upload(address, attachment.filename, data, request_id=str(interaction.id), size=size or None)

    def run():
        reset = REPORTER.set(report)
        try:
            return bridge.core.handle(event)
        finally:
            REPORTER.reset(reset)

    replies = await asyncio.to_thread(run)
    await bridge.deliver(interaction, replies, target_of(interaction), t, can_edit=False)
