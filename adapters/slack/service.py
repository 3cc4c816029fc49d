"""Serving Slack on the shared asyncio loop: aiohttp's runner for HTTP, Bolt's handler for Socket Mode.

`start()` returns once the server listens (or the socket is connected), so
`redflag/cli.py` can start Discord and the scheduler on the same loop beside it.
Routes: `POST /slack/events` (commands, interactivity and events; HTTP mode
only), `GET /slack/install` and `GET /slack/oauth_redirect` (OAuth mode),
`GET /healthz` (always).
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Mapping

from aiohttp import web
import json
from urllib.parse import parse_qsl

from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.async_app import AsyncApp

from adapters.slack import oauth, redact
from adapters.slack.app import build_app
from adapters.slack.bridge import SlackBridge
from adapters.slack.config import SlackConfig, configured
from adapters.slack.notifier import SlackNotifier
from bot.core import Core

if TYPE_CHECKING:  # imported in Socket Mode only: over HTTP it is ~10 % of start-up beyond the SDKs (issue 20)
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger(__name__)

__all__ = ["SlackService", "configured", "start", "web_application"]


def parse_body(raw: str, content_type: str | None) -> dict:
    """Slack's body as Slack meant it.

    Bolt's own parser treats any form body that merely *contains* the word
    "payload" as an interactivity payload, so `/client add "payload co"`
    would be dropped as an unknown request. Here the body is a JSON payload
    only when it has a `payload` field.
    """
    if not raw:
        return {}
    if (content_type or "").startswith("application/json") or raw.startswith("{"):
        return json.loads(raw)
    params = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" in params and len(params) == 1:
        return json.loads(params["payload"])
    return params


#: How long a stopping service waits for replies still being posted after their ack.
DRAIN_TIMEOUT = 10.0

#: Parts of a payload Bolt indexes into while matching listeners: objects when present.
_OBJECT_PARTS = ("view", "container", "message", "event", "state", "enterprise")
_OBJECT_OR_ID_PARTS = ("user", "team", "channel")


def check_shape(body: object) -> dict:
    """A body shaped as Slack sends it, or ValueError (Bolt would raise deep inside, a 500)."""
    if not isinstance(body, dict):
        raise ValueError("the body is not an object")
    for key in _OBJECT_PARTS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            raise ValueError(f"{key} is not an object")
    for key in _OBJECT_OR_ID_PARTS:
        if body.get(key) is not None and not isinstance(body[key], (dict, str)):
            raise ValueError(f"{key} is not an object or an id")
    for key in ("actions", "authorizations"):
        if body.get(key) is not None and not (isinstance(body[key], list) and all(isinstance(a, dict) for a in body[key])):
            raise ValueError(f"{key} is not a list of objects")
    return body


def bolt_request(raw: str, query: str, headers) -> AsyncBoltRequest:
    """The raw body stays as sent (the signature covers it); the parsed body is ours.

    Bolt is handed an empty body and given ours afterwards: the body is parsed
    once, not twice (it showed in the Slack round-trip benchmark), and Bolt's
    own parser, which raises on broken JSON, never sees a hostile body.
    """
    request = AsyncBoltRequest(body="", query=query, headers=headers)
    body = check_shape(parse_body(raw, request.content_type))
    request.raw_body = raw
    request.body = body
    request.context = build_async_context(AsyncBoltContext({}), body)
    return request


async def to_bolt_request(request: web.Request) -> AsyncBoltRequest:
    return bolt_request(await request.text(), request.query_string, request.headers)


def web_application(app: AsyncApp, core: Core, config: SlackConfig) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        try:
            bolt_req = await to_bolt_request(request)
        except (ValueError, TypeError, AttributeError):
            # Not a body Slack sends (broken JSON in payload=, a payload that is not an
            # object, bytes that are not UTF-8): refused plainly, never a 500 (tests/hardening).
            return web.Response(status=400, text="Malformed request body")
        bolt_response = await app.async_dispatch(bolt_req)
        return await to_aiohttp_response(bolt_response)

    async def install(request: web.Request) -> web.Response:
        assert app.oauth_flow is not None
        return await to_aiohttp_response(await app.oauth_flow.handle_installation(await to_bolt_request(request)))

    async def oauth_redirect(request: web.Request) -> web.Response:
        assert app.oauth_flow is not None
        return await to_aiohttp_response(await app.oauth_flow.handle_callback(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.Response:
        try:
            core.ping()
        except Exception as err:  # the process is up but cannot serve
            return web.json_response({"ok": False, "error": type(err).__name__}, status=503)
        return web.json_response(
            {"ok": True, "mode": "socket" if config.socket_mode else "http", "oauth": config.oauth}
        )

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    if not config.socket_mode:
        web_app.router.add_post("/slack/events", events)
    if app.oauth_flow is not None:
        web_app.router.add_get(app.oauth_flow.install_path, install)
        web_app.router.add_get(app.oauth_flow.redirect_uri_path, oauth_redirect)
    return web_app


class SlackService:
    """A running Slack surface: its web server, its socket (if any), its notifier."""

    name = "slack"

    def __init__(
        self,
        app: AsyncApp,
        bridge: SlackBridge,
        notifier: SlackNotifier,
        runner: web.AppRunner,
        socket: "AsyncSocketModeHandler | None",
        config: SlackConfig,
    ) -> None:
        self.app = app
        self.bridge = bridge
        self.notifier = notifier
        self.runner = runner
        self.socket = socket
        self.config = config
        self.switch_interval_before = 0.005  # CPython's default; `start` records the real one

    @property
    def port(self) -> int:
        """The port actually bound (useful with REDFLAG_PORT=0)."""
        for address in self.runner.addresses:
            if isinstance(address, tuple):
                return int(address[1])
        return self.config.port

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()
        await self.runner.cleanup()
        await self.bridge.continuations.drain(DRAIN_TIMEOUT)  # replies being posted after their ack
        await self.notifier.close()
        self.bridge.worker.shutdown(wait=False)  # a command still running finishes on its own
        import sys

        sys.setswitchinterval(self.switch_interval_before)
        close = getattr(self.app.installation_store, "close", None)
        if callable(close):  # the OAuth store's per-thread connections
            close()


async def start(core: Core, env: Mapping[str, str]) -> SlackService:
    config = SlackConfig.from_env(env)
    redact.install(config.secrets())
    if not config.socket_mode and not config.signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required to serve Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)")
    if not config.oauth and not config.bot_token:
        raise ValueError("SLACK_BOT_TOKEN is required (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)")
    installations = oauth.installation_store(config) if config.oauth else None
    app, bridge = build_app(core, config, installation_store=installations)
    tokens: oauth.BotTokens
    if installations is not None:
        tokens = oauth.StoredTokens(config, installations, route=lambda w: core.routing.installation_for("slack", w))
    else:
        tokens = oauth.FixedToken(config.bot_token or "")
    notifier = SlackNotifier(config.api_url, tokens)
    # No access log: OAuth redirects carry the one-time code in the query string.
    runner = web.AppRunner(web_application(app, core, config), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.host, config.port).start()
    socket = None
    if config.socket_mode:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        socket = AsyncSocketModeHandler(app, config.app_token)
        await socket.connect_async()
    service = SlackService(app, bridge, notifier, runner, socket, config)
    from adapters.slack.bridge import share_the_gil

    service.switch_interval_before = share_the_gil()  # slow commands on the pool share the GIL with the loop
    log.info(
        "Slack serving on port %s (%s, %s)",
        service.port,
        "Socket Mode" if config.socket_mode else "HTTP /slack/events",
        "OAuth, many workspaces" if config.oauth else "one workspace",
    )
    return service
