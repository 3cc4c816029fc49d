"""Core forms as Slack modals: opening one, and reading back whose it is.

A modal's `private_metadata` carries the channel it came from (`c`), the
form's context (`x`), the request's response_url (`r`) and its owner (`o`,
workspace and user): a modal submitted by anyone else is refused.
"""
from __future__ import annotations

import json
import logging

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, render, teams
from adapters.slack.client import api_error
from adapters.slack.responses import ResponseUrl
from bot.events import Address
from bot.i18n import Messages
from bot.replies import Reply

log = logging.getLogger(__name__)

#: The `private_metadata` key holding the modal's owner (workspace, user) it was opened for.
OWNER_KEY = "o"


def metadata_of(view: dict) -> dict:
    """The modal's `private_metadata`, or {} when it is missing or not an object."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


def modal_owner(who: teams.Who, metadata: dict) -> teams.Who | None:
    """The person a modal was opened for (from its `private_metadata`), or None when someone else submits it."""
    owner = metadata.get(OWNER_KEY)
    if not (isinstance(owner, list) and len(owner) == 2 and all(isinstance(o, str) for o in owner)):
        return who
    if owner[1] != who.user:
        log.warning("refused a view submission by someone other than the modal's owner")
        return None
    return teams.Who(installation=who.installation, workspace=owner[0], user=who.user, org_wide=who.org_wide, stated=True)


async def open_form(
    client: AsyncWebClient, trigger_id: str, reply: Reply, address: Address, t: Messages, url: ResponseUrl | None = None
) -> None:
    """Open the reply's form as a modal (its text on top); say so if Slack refuses."""
    form = reply.form
    assert form is not None
    metadata = {"c": address.channel, "x": form.context, OWNER_KEY: [address.workspace, address.user]}
    if url is not None and url.url:
        metadata["r"] = url.url
    view = render.modal(form, metadata, t("slack.modal_close"), intro=reply)
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except SlackClientError as err:
        code = api_error(err)
        log.warning("views.open failed: %s", code)
        if url is not None and url.url:
            key = "slack.form_expired" if code == "expired_trigger_id" else "slack.form_failed"
            await delivery.tell(client, address, url, t(key, error=code))
