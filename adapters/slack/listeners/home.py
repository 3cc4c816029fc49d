"""The App Home tab: published when opened, and its "Should I fire them?" button and picker."""
from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, home as home_tab, modals, render, teams
from adapters.slack.replay import request_key
from bot import home
from bot.replies import Reply

if TYPE_CHECKING:
    from adapters.slack.bridge import SlackBridge


def opened(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    async def on_home_opened(event: dict, body: dict, client: AsyncWebClient, context) -> None:
        if event.get("tab") not in (None, "home"):
            return
        who = teams.resolve({**body, "user": {"id": event["user"]}}, context)
        address = await bridge.address(client, who, None)
        summary, t = bridge.core.ask(address, lambda ctx: (home.summary(ctx), ctx.t))
        view = home_tab.view(summary, t, address.user)
        await delivery.safe(client.views_publish(user_id=event["user"], view=view), "views.publish")

    return on_home_opened


def fire_clicked(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    async def on_home_fire(ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        who = teams.resolve(body, context)
        address = await bridge.address(client, who, None)
        names, t = bridge.core.ask(address, lambda ctx: (home.client_names(ctx), ctx.t))
        form = home_tab.fire_form(names, t)
        if form is None:
            await delivery.direct(client, address, render.messages([Reply(text=t("slack.home.no_clients"))]))
            return
        await modals.open_form(client, body["trigger_id"], Reply(form=form), address, t)

    return on_home_fire


def fire_submitted(bridge: "SlackBridge"):  # type: ignore[no-untyped-def]
    async def on_home_fire_submit(ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        view = body.get("view") or {}
        who = modals.modal_owner(teams.resolve(body, context), modals.metadata_of(view))
        if who is None:
            return
        user = who.user
        address = await bridge.address(client, who, None)
        values = dict(render.form_values((view.get("state") or {}).get("values") or {}))
        replies = await bridge.handle(request_key("view", user, body["view"]["id"]), home_tab.fire_command(address, values.get("client", "")))
        await delivery.direct(client, address, render.messages(replies, for_user=user))

    return on_home_fire_submit
