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
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Sequence

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import home, quiet, render, teams
from adapters.slack.client import api_error, web_client
from adapters.slack.config import SlackConfig
from adapters.slack.people import People
from adapters.slack.replay import RetryMemory, request_key
from adapters.slack.responses import ResponseUrl
from bot import lanes, registry
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
#: Threads for slow commands, buttons and forms (short commands run on the loop).
WORKERS = 4
#: Seconds before a person with no team on file is looked up again (another process may learn it).
NO_TEAM_RECHECK = 10.0
#: How long a repeated click on the same button of the same message replays the first answer.
DOUBLE_CLICK_WINDOW = 30.0
#: The `private_metadata` key holding the modal's owner (workspace, user) it was opened for.
OWNER_KEY = "o"


def slash_commands() -> tuple[str, ...]:
    """The slash commands the app serves: every command the core declares (manifest.yml lists the same)."""
    import bot.commands  # noqa: F401  (registers every declaration)

    return registry.slash_commands()


def _channel(body: dict) -> str | None:
    return body.get("channel_id") or (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def _modal_owner(who: teams.Who, metadata: dict) -> teams.Who | None:
    """The person a modal was opened for (from its `private_metadata`), or None when someone else submits it."""
    owner = metadata.get(OWNER_KEY)
    if not (isinstance(owner, list) and len(owner) == 2 and all(isinstance(o, str) for o in owner)):
        return who
    if owner[1] != who.user:
        log.warning("refused a view submission by someone other than the modal's owner")
        return None
    return teams.Who(installation=who.installation, workspace=owner[0], user=who.user, org_wide=who.org_wide, stated=True)


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
        self.ack_budget = ack_budget
        # Short commands run inline on the loop (bot/lanes.py, replay.py); this pool takes only the
        # slow ones (reports, exports, imports), buttons and forms. Several threads, so one long
        # report never queues another request behind it (issue 20).
        self.worker = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="redflag-core")
        # The retry memory lives in the database: shared by every process, kept over restarts.
        self.memory = RetryMemory(core.store, self.worker, core.handle)
        self._routes: set[tuple[str, str]] = set()  # routes already on file
        self._teams: dict[tuple[str, str], str] = {}  # (installation, user) -> the user's own team
        self._no_team: dict[tuple[str, str], float] = {}  # (installation, user) -> when to look on file again

    # -- who is asking ---------------------------------------------------------
    async def address(self, client: AsyncWebClient, who: teams.Who, channel: str | None) -> Address:
        profile = await self.people.get(client, who.installation, who.user)
        who = await self.settle(who, profile.team)
        if who.installation and who.workspace and who.installation != who.workspace and (who.workspace, who.installation) not in self._routes:
            # A person whose own team did not install the app (Slack Connect): their reminders go through this install.
            await asyncio.to_thread(self.core.store.routes.remember, PLATFORM, who.workspace, who.installation, datetime.now(timezone.utc))
            self._routes.add((who.workspace, who.installation))
        return Address(PLATFORM, who.workspace, who.user, channel, profile.locale, profile.timezone)

    async def settle(self, who: teams.Who, reported: str | None) -> teams.Who:
        """The person's own team, kept once learned so every later request of theirs agrees."""
        if who.org_wide or not who.user:
            return who
        key = (who.installation, who.user)
        routes = self.core.store.routes
        known = self._teams.get(key)
        if known is None and self._no_team.get(key, 0.0) < time.monotonic():
            known = await asyncio.to_thread(routes.team_of, PLATFORM, who.installation, who.user)
            if known is None:  # nothing on file: don't ask again on every request (issue 20), only now and then
                self._no_team[key] = time.monotonic() + NO_TEAM_RECHECK
        settled = teams.settle(who, known, reported)
        if (who.stated or reported) and settled.workspace and settled.workspace != known:
            await asyncio.to_thread(routes.learn_team, PLATFORM, who.installation, who.user, settled.workspace, datetime.now(timezone.utc))
        if settled.workspace and (who.stated or reported or known):
            self._teams[key] = settled.workspace
        return settled

    def t(self, address: Address) -> Messages:
        return self.core.context(address).t

    async def handle(self, key: str | None, event: Event, ttl: float = 3600.0) -> list[Reply]:
        """One event through the core, once per request key (retries get the first answer)."""
        return await self.memory.answer(event.address.workspace, key, event, ttl)

    # -- slash commands --------------------------------------------------------
    async def on_command(self, ack, body: dict, client: AsyncWebClient, respond, context) -> None:
        from adapters.slack import files as shared_files

        if shared_files.wants_modal(body) and body.get("trigger_id"):
            await shared_files.open_modal(self, ack, body, client, context)  # the modal takes the CSV
            return
        who, channel = teams.resolve(body, context), _channel(body)
        user = who.user
        address = await self.address(client, who, channel)
        url = ResponseUrl(body.get("response_url"))
        trigger = body.get("trigger_id")
        name = (body.get("command") or "").lstrip("/")
        event = Command(address, command=name, text=body.get("text") or "", request_id=trigger)
        key = request_key("command", trigger) if trigger else None
        if lanes.is_short(event):  # answered inline, well inside the ack budget: no timer
            replies, late = await self.handle(key, event), False
        else:
            pending = asyncio.ensure_future(self.handle(key, event))
            late = not (await asyncio.wait({pending}, timeout=self.ack_budget))[0]
            if late:
                await ack(text=self.t(address)("slack.working"), response_type="ephemeral")
            replies = await pending
        form = next((r for r in replies if r.form is not None), None)
        messages = render.messages(replies, for_user=user)
        if form is not None and trigger:
            if not late:
                await ack()
            await self.open_form(client, trigger, form, address, url)
        elif late and messages:
            # The answer takes the place of the "working on it" line.
            await self.post_private(client, address, messages[:1], url, replace=True)
            messages = messages[1:]
        elif messages:
            await ack(**_payload(messages[0], channel))
            messages = messages[1:]
        elif not late:
            await ack()
        await self.post_private(client, address, messages, url)
        await self.send_files(client, address, replies, url)

    # -- modals ----------------------------------------------------------------
    async def open_form(self, client: AsyncWebClient, trigger_id: str, reply: Reply, address: Address, url: ResponseUrl | None = None) -> None:
        """Open the reply's form as a modal (its text on top); say so if Slack refuses."""
        form = reply.form
        assert form is not None
        t = self.t(address)
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
                await self.tell(client, address, url, t(key, error=code))

    async def on_view(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        view = body.get("view") or {}
        try:
            metadata = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            metadata = {}
        if not isinstance(metadata, dict):
            metadata = {}
        found = _modal_owner(teams.resolve(body, context), metadata)
        if found is None:
            await ack()
            return
        who, user = found, found.user
        address = await self.address(client, who, metadata.get("c"))
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
        replies = await self.handle(key, event)
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
        await self.post_private(client, address, render.messages(replies, for_user=user), ResponseUrl(metadata.get("r")))
        await self.send_files(client, address, replies, None)

    async def on_view_closed(self, ack) -> None:
        """A modal closed with Cancel (notify_on_close): nothing was submitted, nothing to do."""
        await ack()

    # -- buttons ---------------------------------------------------------------
    async def on_action(self, ack, body: dict, action: dict, client: AsyncWebClient, respond, context) -> None:
        await ack()
        who, channel = teams.resolve(body, context), _channel(body)
        user = who.user
        address = await self.address(client, who, channel)
        url = ResponseUrl(body.get("response_url"))
        # A button carries its value; an overflow menu (a line's Edit / Delete) the chosen option's.
        choice_id, intended = render.read_button_value(action.get("value") or (action.get("selected_option") or {}).get("value"))
        choice_id = choice_id or action.get("action_id") or ""
        if intended and intended != user:
            # Someone else's buttons: the core would refuse the ids anyway (it scopes
            # everything to the clicker), but say plainly why nothing happened.
            await self.tell(client, address, url, self.t(address)("slack.not_for_you", user=f"<@{intended}>"))
            return
        container = body.get("container") or {}
        message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        # The chosen id too: one overflow menu (one action id) holds both Edit and Delete.
        key = request_key("action", user, channel, message_ts, action.get("action_id"), choice_id) if message_ts else None
        event = Action(address, action_id=choice_id, request_id=body.get("trigger_id"))
        replies = await self.handle(key, event, ttl=DOUBLE_CLICK_WINDOW)
        form = next((r for r in replies if r.form is not None), None)
        if form is not None and body.get("trigger_id"):
            await self.open_form(client, body["trigger_id"], form, address, url)
        has_response_url = url.url is not None
        for reply in replies:
            for i, message in enumerate(render.messages([reply], for_user=user)):
                if reply.replaces and i == 0 and await self.replace(client, body, message, channel, url):
                    continue
                if has_response_url:
                    await self.post_private(client, address, [message], url)
                else:  # App Home and other views have no conversation to answer in
                    await self.direct(client, address, [message])
        await self.send_files(client, address, replies, url if has_response_url else None)

    async def replace(self, client: AsyncWebClient, body: dict, message: render.Message, channel: str | None, url: ResponseUrl) -> bool:
        """Update the message the button was on, so a dialogue advances in place; False when there is none."""
        container = body.get("container") or {}
        hook = url.take()
        if hook is not None:
            await self.safe(hook.send(text=message.text, blocks=message.blocks, replace_original=True), "response_url")
            return True
        if container.get("message_ts") and channel and not container.get("is_ephemeral"):
            await self.safe(client.chat_update(channel=channel, ts=container["message_ts"], text=message.text, blocks=message.blocks), "chat.update")
            return True
        return False

    async def tell(self, client: AsyncWebClient, address: Address, url: ResponseUrl | None, text: str) -> None:
        # Catalog text with a mention we built ourselves: no escaping, or `<@U…>` would not resolve.
        message = render.Message(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text[: render.MAX_SECTION]}}])
        if url is not None and url.url:
            await self.post_private(client, address, [message], url)
        else:
            await self.direct(client, address, [message])

    # -- message shortcut ------------------------------------------------------
    async def on_log_incident(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        who, channel = teams.resolve(body, context), _channel(body)
        user = who.user
        address = await self.address(client, who, channel)
        message = body.get("message") or {}
        author = message.get("user") or message.get("bot_id") or ""
        if message.get("user"):
            author = (await self.people.get(client, who.installation, message["user"])).name or author
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
        replies = await self.handle(None, event)
        form = next((r for r in replies if r.form is not None), None)
        if form is not None:
            await self.open_form(client, body["trigger_id"], form, address, ResponseUrl(body.get("response_url")))
        else:  # e.g. no clients yet: the core says what to do first
            await self.post_private(client, address, render.messages(replies, for_user=user), ResponseUrl(body.get("response_url")))

    # -- App Home --------------------------------------------------------------
    async def on_home_opened(self, event: dict, body: dict, client: AsyncWebClient, context) -> None:
        if event.get("tab") not in (None, "home"):
            return
        who = teams.resolve({**body, "user": {"id": event["user"]}}, context)
        address = await self.address(client, who, None)
        await self.safe(client.views_publish(user_id=event["user"], view=home.view(self.core.context(address))), "views.publish")

    async def on_home_fire(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        who = teams.resolve(body, context)
        address = await self.address(client, who, None)
        ctx = self.core.context(address)
        form = home.fire_form(ctx)
        if form is None:
            await self.direct(client, address, render.messages([Reply(text=ctx.t("slack.home.no_clients"))]))
            return
        await self.open_form(client, body["trigger_id"], Reply(form=form), address)

    async def on_home_fire_submit(self, ack, body: dict, client: AsyncWebClient, context) -> None:
        await ack()
        view = body.get("view") or {}
        try:
            metadata = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            metadata = {}
        who = _modal_owner(teams.resolve(body, context), metadata if isinstance(metadata, dict) else {})
        if who is None:
            return
        user = who.user
        address = await self.address(client, who, None)
        values = dict(render.form_values(((body.get("view") or {}).get("state") or {}).get("values") or {}))
        replies = await self.handle(request_key("view", user, body["view"]["id"]), home.fire_command(address, values.get("client", "")))
        await self.direct(client, address, render.messages(replies, for_user=user))

    # -- delivery helpers ------------------------------------------------------
    async def post_private(
        self, client: AsyncWebClient, address: Address, messages: Sequence[render.Message], url: ResponseUrl, replace: bool = False
    ) -> None:
        """Answer where the request came from: its response_url while it has uses left (five),
        then `chat.postEphemeral` in the channel, else the user's DM. Nothing is dropped."""
        pending = list(messages)
        while pending:
            hook = url.take()
            if hook is None:
                break
            ok = await self.safe(
                hook.send(replace_original=replace, **_payload(pending[0], address.channel)),
                "response_url",
            )
            if ok is None or getattr(ok, "status_code", 200) >= 400:
                break
            replace = False
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

    async def send_files(self, client: AsyncWebClient, address: Address, replies: Sequence[Reply], url: ResponseUrl | None) -> None:
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
            await self.tell(client, address, url, note)

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
        "logger": quiet.install(logging.getLogger("adapters.slack.bolt")),
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
    app.view_closed(re.compile(".+"))(bridge.on_view_closed)
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
