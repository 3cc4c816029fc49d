"""The Bolt `AsyncApp`: Slack requests in, `core.handle` events out, Block Kit back.

Every listener does the same three things: build an `Address` (team, user,
channel, plus the user's Slack locale and zone from `users.info`), hand one
event to the core, and deliver the replies the Slack way (ack, response_url,
modal, chat.update, DM). Nothing here decides anything about clients or
invoices; that lives once, in the core.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Sequence

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import home, render
from adapters.slack.client import api_error, web_client
from adapters.slack.config import SlackConfig
from adapters.slack.people import People
from bot import registry
from bot.core import Core
from bot.events import Action, Address, Capture, Command, Event, FormSubmit
from bot.i18n import Messages
from bot.replies import Reply

log = logging.getLogger(__name__)

PLATFORM = "slack"
SHORTCUT_LOG_INCIDENT = "log_incident"
#: Button and form ids owned by the adapter itself (App Home), never sent to the core.
UI_PREFIX = "slackui:"
#: Events the app subscribes to (the manifest lists exactly these).
EVENTS: tuple[str, ...] = ("app_home_opened", "app_uninstalled", "tokens_revoked", "message.im")
#: How long a command may take before the ack goes out with a "working on it" line
#: (Slack gives up after 3 s); the answer follows through the response_url.
ACK_BUDGET = 2.0
#: How long a repeated click on the same button of the same message replays the first answer.
DOUBLE_CLICK_WINDOW = 30.0


def slash_commands() -> tuple[str, ...]:
    """The slash commands the app serves: every command the core registers."""
    import bot.commands  # noqa: F401  (registers every handler)

    return tuple(sorted(registry.COMMANDS))


class Recent:
    """Answers already given, by request key: a Slack retry or a double click gets the same answer."""

    def __init__(self, size: int = 4096, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.clock = clock
        self._items: OrderedDict[tuple, tuple[float, list[Reply]]] = OrderedDict()

    def get(self, key: tuple) -> list[Reply] | None:
        hit = self._items.get(key)
        if hit is None:
            return None
        expires, replies = hit
        if expires < self.clock():
            del self._items[key]
            return None
        return replies

    def put(self, key: tuple, replies: list[Reply], ttl: float = 3600.0) -> None:
        self._items[key] = (self.clock() + ttl, replies)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def remember(replies: Sequence[Reply]) -> bool:
    """Whether a retry should get these replies again instead of asking the core.

    Refusals are not kept (the user corrects and sends again), nor files
    (exports can be large and a second export writes nothing).
    """
    return not any(r.form_errors or r.files for r in replies)


def _team(body: dict, context: Any = None) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    if not team and context is not None:
        team = getattr(context, "team_id", None)
    return team or ""


def _user(body: dict) -> str:
    return body.get("user_id") or (body.get("user") or {}).get("id") or ""


def _channel(body: dict) -> str | None:
    return body.get("channel_id") or (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def _ts_to_iso(ts: str | None) -> str:
    try:
        return datetime.fromtimestamp(float(ts or ""), tz=timezone.utc).isoformat(timespec="seconds")
    except ValueError:
        return ""


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _payload(message: render.Message, channel: str | None = None) -> dict:
    # In a DM an ephemeral answer would vanish on reload; it is private anyway.
    private = message.private and not (channel or "").startswith("D")
    return {"text": message.text, "blocks": message.blocks, "response_type": "ephemeral" if private else "in_channel"}


class SlackBridge:
    """Turns Bolt requests into core events and core replies into Slack calls."""

    def __init__(self, core: Core, people: People | None = None, ack_budget: float = ACK_BUDGET) -> None:
        self.core = core
        self.people = people or People()
        self.recent = Recent()
        self.ack_budget = ack_budget
        self.inflight: dict[tuple, asyncio.Future] = {}
        # One worker thread for the core: its store serialises on one connection anyway, and
        # several threads contending for that lock and the GIL made latency under load worse
        # (bench/slack_roundtrip.py at concurrency 20).
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redflag-core")

    # -- who is asking ---------------------------------------------------------
    async def address(self, client: AsyncWebClient, team: str, user: str, channel: str | None) -> Address:
        profile = await self.people.get(client, team, user)
        return Address(PLATFORM, team, user, channel, profile.locale, profile.timezone)

    def t(self, address: Address) -> Messages:
        return self.core.context(address).t

    def handle(self, key: tuple | None, event: Event, ttl: float = 3600.0) -> list[Reply]:
        """One event through the core, once per request key (retries replay the first answer)."""
        if key is not None:
            cached = self.recent.get(key)
            if cached is not None:
                log.info("repeated Slack request %s answered from memory", key[0])
                return cached
        replies = self.core.handle(event)
        if key is not None and remember(replies):
            self.recent.put(key, replies, ttl)
        return replies

    def start_handling(self, key: tuple | None, event: Event) -> asyncio.Future:
        """The core's answer as a future: remembered, already running (a retry), or started now.

        The core runs in a worker thread so a slow command (a chart) cannot hold
        the loop or make the ack late; the store serialises its own writes.
        """
        if key is not None:
            cached = self.recent.get(key)
            if cached is not None:
                log.info("repeated Slack request %s answered from memory", key[0])
                done: asyncio.Future = asyncio.get_running_loop().create_future()
                done.set_result(cached)
                return done
            running = self.inflight.get(key)
            if running is not None:
                return running
        future = asyncio.get_running_loop().run_in_executor(self.worker, self.core.handle, event)
        if key is not None:
            self.inflight[key] = future

            def finished(f: asyncio.Future) -> None:
                self.inflight.pop(key, None)
                if not f.cancelled() and f.exception() is None and remember(f.result()):
                    self.recent.put(key, f.result())

            future.add_done_callback(finished)
        return future

    # -- slash commands --------------------------------------------------------
    async def on_command(self, ack, body: dict, client: AsyncWebClient, respond, context) -> None:
        from adapters.slack import files as shared_files

        if shared_files.wants_modal(body) and body.get("trigger_id"):
            await shared_files.open_modal(self, ack, body, client, context)  # the modal takes the CSV
            return
        team, user, channel = _team(body, context), _user(body), _channel(body)
        address = await self.address(client, team, user, channel)
        trigger = body.get("trigger_id")
        name = (body.get("command") or "").lstrip("/")
        event = Command(address, command=name, text=body.get("text") or "", request_id=trigger)
        pending = self.start_handling(("command", team, trigger) if trigger else None, event)
        late = not (await asyncio.wait({pending}, timeout=self.ack_budget))[0]
        if late:
            await ack(text=self.t(address)("slack.working"), response_type="ephemeral")
        replies = await pending
        form = next((r for r in replies if r.form is not None), None)
        messages = render.messages(replies, for_user=user)
        if form is not None and trigger:
            if not late:
                await ack()
            await self.open_form(client, trigger, form, address, respond, response_url=body.get("response_url"))
        elif late and messages:
            # The answer takes the place of the "working on it" line.
            await self.safe(respond(replace_original=True, **_payload(messages[0], channel)), "respond")
            messages = messages[1:]
        elif messages:
            await ack(**_payload(messages[0], channel))
            messages = messages[1:]
        elif not late:
            await ack()
        for message in messages:
            await self.safe(respond(replace_original=False, **_payload(message, channel)), "respond")
        await self.send_files(client, address, replies, respond)

    # -- modals ----------------------------------------------------------------
    async def open_form(self, client: AsyncWebClient, trigger_id: str, reply: Reply, address: Address, respond=None, response_url: str | None = None) -> None:
        """Open the reply's form as a modal (its text on top); say so if Slack refuses."""
        form = reply.form
        assert form is not None
        t = self.t(address)
        metadata = {"c": address.channel, "x": form.context}
        if response_url:
            metadata["r"] = response_url
        view = render.modal(form, metadata, t("slack.modal_close"), intro=reply)
        try:
            await client.views_open(trigger_id=trigger_id, view=view)
        except SlackClientError as err:
            code = api_error(err)
            log.warning("views.open failed: %s", code)
            if respond is not None:
                key = "slack.form_expired" if code == "expired_trigger_id" else "slack.form_failed"
                await self.safe(respond(text=t(key, error=code), response_type="ephemeral", replace_original=False), "respond")

    async def on_view(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        view = body.get("view") or {}
        try:
            metadata = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            metadata = {}
        if not isinstance(metadata, dict):
            metadata = {}
        team, user = _team(body, context), _user(body)
        address = await self.address(client, team, user, metadata.get("c"))
        event = FormSubmit(
            address,
            form_id=view.get("callback_id") or "",
            values=render.form_values((view.get("state") or {}).get("values") or {}),
            request_id=view.get("id"),
            context=metadata.get("x") or "",
        )
        # A resubmitted view (Slack retry, double click on Submit) has the same view id and
        # values; a corrected submission after an error has the same id but new values.
        key = ("view", team, user, view.get("id"), event.values) if view.get("id") else None
        replies = self.handle(key, event)
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
            t = self.t(address)
            view = render.modal(next_form.form, {**metadata, "x": next_form.form.context}, t("slack.modal_close"), intro=next_form)
            await ack(response_action="update", view=view)
        else:
            await ack()
        await self.post_private(client, address, render.messages(replies, for_user=user), metadata.get("r"))
        await self.send_files(client, address, replies, None)

    # -- buttons ---------------------------------------------------------------
    async def on_action(self, ack, body: dict, action: dict, client: AsyncWebClient, respond, context) -> None:
        await ack()
        team, user, channel = _team(body, context), _user(body), _channel(body)
        address = await self.address(client, team, user, channel)
        # A button carries its value; an overflow menu (a line's Edit / Delete) the chosen option's.
        choice_id, intended = render.read_button_value(action.get("value") or (action.get("selected_option") or {}).get("value"))
        choice_id = choice_id or action.get("action_id") or ""
        if intended and intended != user:
            # Someone else's buttons: the core would refuse the ids anyway (it scopes
            # everything to the clicker), but say plainly why nothing happened.
            await self.tell(client, address, respond, self.t(address)("slack.not_for_you", user=f"<@{intended}>"))
            return
        container = body.get("container") or {}
        message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        # The chosen id too: one overflow menu (one action id) holds both Edit and Delete.
        key = ("action", team, user, channel, message_ts, action.get("action_id"), choice_id) if message_ts else None
        event = Action(address, action_id=choice_id, request_id=body.get("trigger_id"))
        replies = self.handle(key, event, ttl=DOUBLE_CLICK_WINDOW)
        form = next((r for r in replies if r.form is not None), None)
        if form is not None and body.get("trigger_id"):
            await self.open_form(client, body["trigger_id"], form, address, respond, response_url=body.get("response_url"))
        has_response_url = bool(body.get("response_url"))
        for reply in replies:
            for i, message in enumerate(render.messages([reply], for_user=user)):
                if reply.replaces and i == 0 and await self.replace(client, body, message, channel):
                    continue
                if has_response_url:
                    await self.safe(respond(replace_original=False, **_payload(message, channel)), "respond")
                else:  # App Home and other views have no conversation to answer in
                    await self.direct(client, address, [message])
        await self.send_files(client, address, replies, respond if has_response_url else None)

    async def replace(self, client: AsyncWebClient, body: dict, message: render.Message, channel: str | None) -> bool:
        """Update the message the button was on, so a dialogue advances in place; False when there is none."""
        url = body.get("response_url")
        container = body.get("container") or {}
        if url:
            await self.safe(
                AsyncWebhookClient(url).send(text=message.text, blocks=message.blocks, replace_original=True),
                "response_url",
            )
            return True
        if container.get("message_ts") and channel and not container.get("is_ephemeral"):
            await self.safe(client.chat_update(channel=channel, ts=container["message_ts"], text=message.text, blocks=message.blocks), "chat.update")
            return True
        return False

    async def tell(self, client: AsyncWebClient, address: Address, respond, text: str) -> None:
        # Catalog text with a mention we built ourselves: no escaping, or `<@U…>` would not resolve.
        message = render.Message(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text[: render.MAX_SECTION]}}])
        if respond is not None and respond.response_url:
            await self.safe(respond(replace_original=False, **_payload(message, address.channel)), "respond")
        else:
            await self.direct(client, address, [message])

    # -- message shortcut ------------------------------------------------------
    async def on_log_incident(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        team, user, channel = _team(body, context), _user(body), _channel(body)
        address = await self.address(client, team, user, channel)
        message = body.get("message") or {}
        author = message.get("user") or message.get("bot_id") or ""
        if message.get("user"):
            author = (await self.people.get(client, team, message["user"])).name or author
        permalink = ""
        if channel and message.get("ts"):
            try:
                permalink = (await client.chat_getPermalink(channel=channel, message_ts=message["ts"])).get("permalink") or ""
            except SlackClientError as err:
                log.info("chat.getPermalink failed: %s", api_error(err))
        event = Capture(
            address,
            text=_unescape(message.get("text") or ""),
            author=author,
            permalink=permalink,
            occurred_at=_ts_to_iso(message.get("ts")),
            request_id=body.get("trigger_id"),
        )
        replies = self.core.handle(event)
        form = next((r for r in replies if r.form is not None), None)
        if form is not None:
            await self.open_form(client, body["trigger_id"], form, address, None, response_url=body.get("response_url"))
        else:  # e.g. no clients yet: the core says what to do first
            await self.post_private(client, address, render.messages(replies, for_user=user), body.get("response_url"))

    # -- App Home --------------------------------------------------------------
    async def on_home_opened(self, event: dict, client: AsyncWebClient, context) -> None:
        if event.get("tab") not in (None, "home"):
            return
        team = getattr(context, "team_id", None) or ""
        address = await self.address(client, team, event["user"], None)
        await self.safe(client.views_publish(user_id=event["user"], view=home.view(self.core.context(address))), "views.publish")

    async def on_home_fire(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        team, user = _team(body, context), _user(body)
        address = await self.address(client, team, user, None)
        ctx = self.core.context(address)
        form = home.fire_form(ctx)
        if form is None:
            await self.direct(client, address, render.messages([Reply(text=ctx.t("slack.home.no_clients"))]))
            return
        await self.open_form(client, body["trigger_id"], Reply(form=form), address)

    async def on_home_fire_submit(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        team, user = _team(body, context), _user(body)
        address = await self.address(client, team, user, None)
        values = dict(render.form_values(((body.get("view") or {}).get("state") or {}).get("values") or {}))
        replies = self.handle(("view", team, user, body["view"]["id"]), home.fire_command(address, values.get("client", "")))
        await self.direct(client, address, render.messages(replies, for_user=user))

    # -- delivery helpers ------------------------------------------------------
    async def post_private(self, client: AsyncWebClient, address: Address, messages: Sequence[render.Message], response_url: str | None) -> None:
        """After a modal: answer where the command was typed, else in the user's DM."""
        pending = list(messages)
        if response_url:
            while pending:
                ok = await self.safe(
                    AsyncWebhookClient(response_url).send(
                        text=pending[0].text, blocks=pending[0].blocks, response_type="ephemeral", replace_original=False
                    ),
                    "response_url",
                )
                if ok is None or getattr(ok, "status_code", 200) >= 400:
                    break
                pending.pop(0)
        if pending and address.channel and not address.channel.startswith("D"):
            while pending:
                ok = await self.safe(
                    client.chat_postEphemeral(channel=address.channel, user=address.user, text=pending[0].text, blocks=pending[0].blocks),
                    "chat.postEphemeral",
                )
                if ok is None:
                    break
                pending.pop(0)
        if pending:
            await self.direct(client, address, pending)

    async def direct(self, client: AsyncWebClient, address: Address, messages: Sequence[render.Message]) -> str | None:
        """Post in the user's DM with the app; returns the DM channel id."""
        if not messages:
            return None
        opened = await self.safe(client.conversations_open(users=address.user), "conversations.open")
        if opened is None:
            return None
        channel = opened["channel"]["id"]
        for message in messages:
            await self.safe(client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks), "chat.postMessage")
        return channel

    async def send_files(self, client: AsyncWebClient, address: Address, replies: Sequence[Reply], respond) -> None:
        """Exports and charts go to the user's DM (files cannot be ephemeral)."""
        attachments = [a for r in replies for a in r.files]
        if not attachments:
            return
        t = self.t(address)
        opened = await self.safe(client.conversations_open(users=address.user), "conversations.open")
        if opened is None:
            failed = [a.filename for a in attachments]
        else:
            channel = opened["channel"]["id"]
            failed = []
            for a in attachments:
                done = await self.safe(
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
        for note in notes:
            await self.tell(client, address, respond, note)

    async def safe(self, call: Awaitable, what: str):
        """Await a Slack call; a refusal is logged, never raised into Bolt (the user already has an ack)."""
        try:
            return await call
        except SlackClientError as err:
            log.warning("Slack %s failed: %s", what, api_error(err))
        except Exception as err:  # network trouble: the app keeps serving
            log.warning("Slack %s failed: %s", what, type(err).__name__)
        return None


def build_app(
    core: Core,
    config: SlackConfig,
    *,
    installation_store=None,
    state_store=None,
    people: People | None = None,
) -> tuple[AsyncApp, SlackBridge]:
    """The Bolt app with every listener wired to the bridge."""
    from adapters.slack import oauth

    client = web_client(config.api_url, None if config.oauth else config.bot_token)
    kwargs: dict[str, Any] = {
        "client": client,
        "name": "redflag",
        "signing_secret": config.signing_secret or "",
        "request_verification_enabled": not config.socket_mode,
        "logger": logging.getLogger("adapters.slack.bolt"),
    }
    if config.oauth:
        settings: AsyncOAuthSettings = oauth.oauth_settings(config, installation_store, state_store)
        kwargs["oauth_settings"] = settings
        kwargs["installation_store"] = settings.installation_store
    app = AsyncApp(**kwargs)
    bridge = SlackBridge(core, people)

    # One listener for every slash command: Bolt tries listeners in order, building their
    # arguments each time, so five listeners cost a command up to four extra matches.
    app.command(re.compile("^/(?:" + "|".join(re.escape(n) for n in slash_commands()) + ")$"))(bridge.on_command)
    app.shortcut(SHORTCUT_LOG_INCIDENT)(bridge.on_log_incident)
    app.action(home.FIRE_BUTTON)(bridge.on_home_fire)
    app.view(home.FIRE_FORM)(bridge.on_home_fire_submit)
    from adapters.slack import files as shared_files  # /invoice import: the CSV from the modal or the DM

    app.view(shared_files.IMPORT_VIEW)(shared_files.submitted(bridge))
    app.action(re.compile(".+"))(bridge.on_action)
    app.view(re.compile(".+"))(bridge.on_view)
    app.event("app_home_opened")(bridge.on_home_opened)
    app.event("message")(shared_files.listener(bridge))
    if app.installation_store is not None:
        oauth.add_revocation_listeners(app, bridge)
    else:
        async def uninstalled(event: dict, context) -> None:
            log.warning("Slack reports %s for team %s; set new tokens to serve it again", event.get("type"), getattr(context, "team_id", None))

        app.event("app_uninstalled")(uninstalled)
        app.event("tokens_revoked")(uninstalled)
    return app, bridge
