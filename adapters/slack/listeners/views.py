"""Modal submissions: a field error keeps the modal open, a next form replaces it, the rest is posted."""
from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, modals, render, teams
from adapters.slack.replay import request_key
from adapters.slack.responses import ResponseUrl
from bot.events import FormSubmit

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge


def submitted(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    async def on_view(ack, body: dict, client: AsyncWebClient, context) -> None:
        view = body.get("view") or {}
        metadata = modals.metadata_of(view)
        found = modals.modal_owner(teams.resolve(body, context), metadata)
        if found is None:
            await ack()
            return
        who, user = found, found.user
        address = await bridge.address(client, who, metadata.get("c"))
        event = FormSubmit(
            address,
            form_id=view.get("callback_id") or "",
            values=render.form_values((view.get("state") or {}).get("values") or {}),
            request_id=view.get("id"),
            context=metadata.get("x") or "",
        )
        # A resubmitted view (Slack retry, double click on Submit) has the same view id and
        # values; a corrected submission after an error has the same id but new values.
        key = request_key("view", user, view.get("id"), event.values) if view.get("id") else None
        replies = await bridge.handle(key, event)
        errors = [(field, msg) for r in replies for field, msg in r.form_errors]
        blocks = [b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input" and b.get("block_id")]
        if not errors and blocks and any(r.is_error for r in replies):
            # Refused as a whole (not one field): keep the modal and what was typed, say why on top.
            errors = [(blocks[0], "\n".join(r.plain() for r in replies if r.is_error))]
        if errors:
            shown: dict[str, str] = {}
            for field, msg in errors:
                target = field if field in blocks else (blocks[0] if blocks else field)
                shown[target] = f"{shown[target]} {msg}" if target in shown else msg
            await ack(response_action="errors", errors=shown)
            return
        next_form = next((r for r in replies if r.form is not None), None)
        if next_form is not None and next_form.form is not None:
            t = bridge.t(address)
            view = render.modal(next_form.form, {**metadata, "x": next_form.form.context}, t("slack.modal_close"), intro=next_form)
            await ack(response_action="update", view=view)
        else:
            await ack()
        await delivery.post_private(client, address, render.messages(replies, for_user=user), ResponseUrl(metadata.get("r")))
        await delivery.send_files(client, address, replies, None, lambda: bridge.t(address), bridge.make)

    return on_view


async def closed(ack) -> None:
    """A modal closed with Cancel (notify_on_close): nothing was submitted, nothing to do."""
    await ack()
