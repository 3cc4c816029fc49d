"""Bolt listeners, one job per module; `register` wires them all to one `SlackBridge`.

Every listener does the same three things: build an `Address` (the bridge),
hand one event to the core (`bridge.handle`), and deliver the replies the
Slack way (`delivery.py`, `modals.py`). Nothing here decides anything about
clients or invoices; that lives once, in the core.
"""
from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Sequence

from slack_bolt.async_app import AsyncApp

from adapters.slack.listeners import actions, commands, home, shortcuts, views

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge

log = logging.getLogger(__name__)


def register(app: AsyncApp, bridge: "SlackBridge", slash_commands: Sequence[str], shortcut: str) -> None:
    """Every listener, in the order Bolt must try them (specific ids before the catch-alls)."""
    from adapters.slack import files as shared_files  # /invoice import: the CSV from the modal or the DM
    from adapters.slack import home as home_tab
    from adapters.slack import oauth

    # Bolt answers when a listener acks, and what the listener does after its ack goes on (`acking.py`).
    on = bridge.continuations.listener
    # One listener for every slash command: Bolt tries listeners in order, building their
    # arguments each time, so five listeners cost a command up to four extra matches. It returns at its
    # ack and hands what follows to `bridge.continuations.start` itself, so it is registered as it is.
    app.command(re.compile("^/(?:" + "|".join(re.escape(n) for n in slash_commands) + ")$"))(commands.listener(bridge))
    app.shortcut(shortcut)(on(shortcuts.listener(bridge)))
    app.action(home_tab.FIRE_BUTTON)(on(home.fire_clicked(bridge)))
    app.view(home_tab.FIRE_FORM)(on(home.fire_submitted(bridge)))
    app.view(shared_files.IMPORT_VIEW)(on(shared_files.submitted(bridge)))
    app.action(re.compile(".+"))(on(actions.listener(bridge)))
    app.view(re.compile(".+"))(on(views.submitted(bridge)))
    app.view_closed(re.compile(".+"))(on(views.closed))
    app.event("app_home_opened")(on(home.opened(bridge)))
    app.event("message")(on(shared_files.listener(bridge)))
    if app.installation_store is not None:
        oauth.add_revocation_listeners(app, bridge)
    else:
        async def uninstalled(event: dict, context) -> None:
            log.warning("Slack reports %s for team %s; set new tokens to serve it again", event.get("type"), getattr(context, "team_id", None))

        app.event("app_uninstalled")(on(uninstalled))
        app.event("tokens_revoked")(on(uninstalled))
