"""Interactions in, core events out, replies back: the one path every command, click and modal takes.

The core is synchronous and fast (SQLite on local disk), so most interactions
are answered directly. Commands marked slow (reports, exports) are deferred
first so Discord's 3-second window never runs out, and run in a worker process
(`bot/slow_process.py`) so the loop keeps serving everyone else meanwhile. Every reply is sent with
its own ephemerality; an expired interaction (10062) is logged and dropped.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

import discord

from adapters.discord.dynamic import ReopenFormButton, Target
from adapters.discord.forms import Forms, build_modal, parse_modal_id, submitted_values
from adapters.discord.render import Outgoing, render
from bot.events import Action, Address, Capture, Command, Event, FormSubmit
from bot.i18n import Messages, messages
from bot.replies import Form, Reply
from bot.slow_process import WorkerDied, died_reply, lane_for
from storage.records import Owner

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060


def workspace_of(interaction: discord.Interaction, override: str | None = None) -> str:
    """A guild's id; in a DM, the workspace a button carries (nudges about guild data) or "dm"."""
    if interaction.guild_id is not None:
        return str(interaction.guild_id)
    return override or "dm"


def address_of(interaction: discord.Interaction, override: str | None = None) -> Address:
    channel = interaction.channel_id
    return Address(
        platform="discord",
        workspace=workspace_of(interaction, override),
        user=str(interaction.user.id),
        channel=str(channel) if channel is not None else None,
        locale=str(interaction.locale.value if isinstance(interaction.locale, discord.Locale) else interaction.locale),
    )


def target_of(interaction: discord.Interaction, override: str | None = None) -> Target:
    """Buttons rendered in a DM about guild data keep the guild in their custom_id."""
    workspace = override if interaction.guild_id is None and override and override != "dm" else None
    return Target(str(interaction.user.id), workspace)


def guarded(handler):  # type: ignore[no-untyped-def]
    """An entry point never lets an exception reach discord.py (which would leave "This interaction failed")."""

    @functools.wraps(handler)
    async def run(self: "Bridge", interaction: discord.Interaction, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return await handler(self, interaction, *args, **kwargs)
        except Exception as error:
            await self.on_error(interaction, error)

    return run


class Bridge:
    def __init__(self, core: "Core") -> None:
        self.core = core
        self.forms = Forms()
        self.lane = lane_for(core)  # the worker processes of slow commands, shared with Slack in one process

    # -- language for the adapter's own words ----------------------------------
    def messages_for(self, address: Address) -> Messages:
        """The user's language as the core would pick it, without writing anything."""
        return self.core.messages_for(address)

    # -- entry points ------------------------------------------------------------
    @guarded
    async def run_command(
        self,
        interaction: discord.Interaction,
        command: str,
        sub: str | None,
        values: dict[str, object],
        *,
        slow: bool = False,
        prefill: dict[str, str] | None = None,
    ) -> None:
        """A slash command's typed option values, handed to the core as they are (no text in between)."""
        address = address_of(interaction)
        if slow and not await self._defer(interaction, thinking=True):
            return
        event = Command(address, command=command, sub=sub, args=tuple(values.items()), request_id=str(interaction.id))
        await self._handle(interaction, event, target_of(interaction), can_edit=False, prefill=prefill, offload=slow)

    @guarded
    async def run_capture(self, interaction: discord.Interaction, message: discord.Message) -> None:
        address = address_of(interaction)
        event = Capture(
            address,
            text=message.content,
            author=message.author.display_name,
            permalink=message.jump_url,
            occurred_at=message.created_at.isoformat(timespec="seconds"),
            request_id=str(interaction.id),
        )
        await self._handle(interaction, event, target_of(interaction), can_edit=False)

    @guarded
    async def on_choice(self, interaction: discord.Interaction, user: str, workspace: str | None, action_id: str) -> None:
        if not await self._check_user(interaction, user, workspace):
            return
        address = address_of(interaction, workspace)
        event = Action(address, action_id=action_id, request_id=str(interaction.id))
        await self._handle(interaction, event, target_of(interaction, workspace), can_edit=True)

    @guarded
    async def on_modal(self, interaction: discord.Interaction) -> None:
        data = interaction.data or {}
        parsed = parse_modal_id(str(data.get("custom_id", "")))
        if parsed is None:
            return
        user, workspace, form_id = parsed
        if not await self._check_user(interaction, user, workspace):
            return
        values = submitted_values(data.get("components", []))  # type: ignore[arg-type]
        context = self.forms.context_for(user, form_id)
        address = address_of(interaction, workspace)
        event = FormSubmit(address, form_id=form_id, values=tuple(values), request_id=str(interaction.id), context=context)
        submitted = dict(values)
        await self._handle(interaction, event, target_of(interaction, workspace), can_edit=interaction.message is not None, submitted=(form_id, submitted))

    @guarded
    async def on_reopen(self, interaction: discord.Interaction, user: str, key: str) -> None:
        if not await self._check_user(interaction, user, None):
            return
        entry = self.forms.get(key)
        if entry is None:
            t = self.messages_for(address_of(interaction))
            await self._send(interaction, render(Reply(text=t("discord.form_expired"), is_error=True), target_of(interaction), t)[0])
            return
        await self._safe(interaction.response.send_modal(build_modal(entry.form, entry.target, entry.values)))

    async def acknowledge(self, interaction: discord.Interaction) -> None:
        if not interaction.response.is_done():
            await self._safe(interaction.response.defer())

    # -- the shared path ---------------------------------------------------------
    async def _handle(
        self,
        interaction: discord.Interaction,
        event: Event,
        target: Target,
        *,
        can_edit: bool,
        submitted: tuple[str, dict[str, str]] | None = None,
        prefill: dict[str, str] | None = None,
        offload: bool = False,
    ) -> None:
        if offload:
            # slow work (charts, exports) runs in a worker process (bot/slow_process.py), this
            # thread only waiting on it, so other users' clicks and the gateway heartbeat are not
            # held up, not even by the GIL; its writes are keyed on the interaction id
            try:
                replies = await asyncio.to_thread(self.lane.handle, event, True)  # files that follow: `_follow`
            except WorkerDied:
                replies = [died_reply(self.core, event.address)]
        else:
            replies = self.core.handle(event)
        t = self.messages_for(event.address)
        await self.deliver(interaction, replies, target, t, can_edit=can_edit, submitted=submitted, prefill=prefill)

    async def deliver(
        self,
        interaction: discord.Interaction,
        replies: Sequence[Reply],
        target: Target,
        t: Messages,
        *,
        can_edit: bool,
        submitted: tuple[str, dict[str, str]] | None = None,
        prefill: dict[str, str] | None = None,
    ) -> None:
        for reply in replies:
            if reply.form is not None:
                if not interaction.response.is_done() and interaction.type is not discord.InteractionType.modal_submit:
                    self.forms.remember(reply.form, target, prefill)
                    modal = build_modal(reply.form, target, prefill, intro=reply.text)
                    if not await self._safe(interaction.response.send_modal(modal)):
                        return
                    continue
                outgoing = self._form_button(reply, target, t, prefill)
            elif reply.form_errors:
                outgoing = self._form_errors(reply, target, t, submitted)
            else:
                outgoing = render(reply, target, t)
            for index, out in enumerate(outgoing):
                edit = reply.replaces and can_edit and index == 0
                if not await self._send(interaction, out, edit=edit):
                    return
        if not interaction.response.is_done():
            if interaction.type is discord.InteractionType.component:
                await self._safe(interaction.response.defer())
            else:
                await self._send(interaction, render(Reply(text=t("discord.done")), target, t)[0])
        await self._follow(interaction, replies, target, t)

    async def _follow(self, interaction: discord.Interaction, replies: Sequence[Reply], target: Target, t: Messages) -> None:
        """Files a reply promised (the report's chart, `bot/later.py`): made in the slow lane once its text
        is out, then sent as a follow-up message of their own."""
        for reply in replies:
            for order in reply.later:
                try:
                    files = await asyncio.to_thread(self.lane.make, order)
                    body = Reply(files=files, private=reply.private)
                except Exception as err:  # its worker died, or drawing failed: the text is out, say what is missing
                    log.warning("a file that follows a reply could not be made: %s", type(err).__name__)
                    name = str(getattr(order.order, "filename", order.kind))
                    body = Reply(text=t("error.file_not_made", files=name), private=reply.private, is_error=True)
                for out in render(body, target, t):
                    if not await self._send(interaction, out):
                        return

    def _form_button(self, reply: Reply, target: Target, t: Messages, prefill: dict[str, str] | None = None) -> list[Outgoing]:
        """A modal can only be the first answer: otherwise offer a button that opens it."""
        form = reply.form
        assert form is not None
        key = self.forms.remember(form, target, prefill)
        body = replace(reply, form=None, text=reply.text or t("discord.form_prompt", title=form.title))
        outgoing = render(body, target, t)
        self._add_button(outgoing[-1], target, key, form.submit_label or t("discord.open_form"))
        return outgoing

    def _form_errors(self, reply: Reply, target: Target, t: Messages, submitted: tuple[str, dict[str, str]] | None) -> list[Outgoing]:
        """Discord cannot keep a modal open with errors: list them by field and offer to reopen it."""
        form: Form | None = None
        values: dict[str, str] = {}
        if submitted is not None:
            form_id, values = submitted
            form = self.forms.latest(target.user, form_id)
        labels = {f.id: f.label for f in form.fields} if form else {}
        lines = tuple(f"• *{labels.get(field, field)}*: {message}" for field, message in reply.form_errors)
        body = Reply(
            title=reply.title or t("discord.form_errors"),
            text=reply.text,
            lines=reply.lines + lines,
            fields=reply.fields,
            context=reply.context,
            choices=reply.choices,
            private=True,
            is_error=True,
        )
        outgoing = render(body, target, t)
        if form is not None:
            key = self.forms.remember(form, target, {k: v for k, v in values.items() if not k.startswith("_")})
            self._add_button(outgoing[-1], target, key, t("discord.fix_form"))
        return outgoing

    @staticmethod
    def _add_button(out: Outgoing, target: Target, key: str, label: str) -> None:
        from adapters.discord.dynamic import reopen_custom_id
        from adapters.discord.markup import truncate

        if out.view is None:
            out.view = discord.ui.View(timeout=None)
        button = discord.ui.Button(label=truncate(label, 80), style=discord.ButtonStyle.primary, custom_id=reopen_custom_id(target.user, key))
        out.view.add_item(ReopenFormButton(target.user, key, item=button))

    async def _check_user(self, interaction: discord.Interaction, user: str, workspace: str | None) -> bool:
        """Buttons belong to the person they were shown to; anyone else is told so, and nothing runs."""
        if str(interaction.user.id) == user:
            return True
        t = self.messages_for(address_of(interaction))
        log.info("user %s clicked buttons of user %s", interaction.user.id, user)
        await self._send(interaction, render(Reply(text=t("discord.not_yours"), is_error=True), Target(str(interaction.user.id)), t)[0])
        return False

    # -- talking to Discord ------------------------------------------------------
    async def _defer(self, interaction: discord.Interaction, *, thinking: bool) -> bool:
        return await self._safe(interaction.response.defer(ephemeral=True, thinking=thinking))

    async def _send(self, interaction: discord.Interaction, out: Outgoing, *, edit: bool = False) -> bool:
        if not interaction.response.is_done():
            if edit:
                coro = interaction.response.edit_message(
                    content=out.content, embeds=out.embeds, view=out.view, attachments=out.files,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            else:
                coro = interaction.response.send_message(**out.kwargs(), ephemeral=out.ephemeral)
        else:
            coro = interaction.followup.send(**out.kwargs(), ephemeral=out.ephemeral, wait=True)
        return await self._safe(coro)

    async def _safe(self, coro) -> bool:  # type: ignore[no-untyped-def]
        """Await one Discord call; an expired or already-answered interaction is logged, not raised."""
        try:
            await coro
            return True
        except discord.NotFound as err:
            if err.code == UNKNOWN_INTERACTION:
                log.warning("interaction expired before it was answered (10062); reply dropped")
                return False
            log.exception("Discord refused a reply (404 %s)", err.code)
            return False
        except discord.InteractionResponded:
            log.warning("interaction was already answered")
            return False
        except discord.HTTPException as err:
            if err.code == ALREADY_ACKNOWLEDGED:
                log.warning("interaction was already acknowledged (40060)")
            else:
                log.exception("Discord refused a reply (%s %s)", err.status, err.code)
            return False

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        """Last resort for anything a handler raised: log it and tell the user, never "interaction failed"."""
        log.error("error while handling an interaction", exc_info=error)
        try:
            t = self.messages_for(address_of(interaction))
        except Exception:  # the store itself may be what failed
            t = messages(None)
        out = render(Reply(text=t("discord.error"), is_error=True), Target(str(interaction.user.id)), t)[0]
        await self._send(interaction, out)
