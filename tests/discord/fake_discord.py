"""A local fake Discord: the REST API under /api/v10 and a gateway websocket, both on one aiohttp server.

It speaks just enough of the real protocol for an unmodified discord.py
client: HELLO, IDENTIFY, READY, heartbeats and their ACKs, and dispatching
INTERACTION_CREATE; REST answers shaped like Discord's. Every REST call the
bot makes is recorded (method, path, JSON body, uploaded files) so tests
assert exactly what a user would see. Faults are switched on per test:
closed DMs (50007) and one 429 with `retry_after`; for DMs also a slow
answer (`dm_delay`), a message created but never answered (`dm_hangs`,
after `dm_hang_skip` answered ones), 429s until a moment (`dm_limited_until`,
per route), a global 429 on every route but the log-in until a moment
(`global_limited_until`), a slow DM channel open (`dm_open_delay`) and a
token that stops working (set `token` to another). A DM sent with a `nonce` and
`enforce_nonce` is created once per nonce window, as Discord does; the DM's
history (GET /channels/{id}/messages) is served from `dm_created`.

Sharding as Discord does it: an IDENTIFY with `shard: [id, count]` gets a
READY for that shard, and that socket receives only its guilds' events
(`(guild_id >> 22) % count`; DMs go to shard 0); `GET /gateway/bot`
recommends `recommended_shards`. Sockets that identified without a shard get
every event, as before.
"""
from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # tests/, for the benches that load the fakes alone
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fakes_common import FakeServer  # noqa: E402
from discord_user import (  # noqa: E402,F401  (re-exported: tests import them from here)
    APP_ID, BOT_ID, CHANNEL, GUILD, OTHER_GUILD, OTHER_USER, TOKEN, USER, UserActions, buttons, custom_ids, modal_fields,
    snowflake, time_snowflake, user_payload,
)

def reply_json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with the bare content type Discord sends (discord.py compares it exactly)."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json", **(headers or {})})


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)
    status: int = 200


class FakeDiscord(UserActions, FakeServer):
    wait_timeout = 10.0

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.messages: dict[str, dict] = {}  # id -> message payload, as the bot last set it
        self.sockets: list[web.WebSocketResponse] = []
        self.identifies: list[dict] = []
        self.recommended_shards = 1  # what GET /gateway/bot tells a client that asks
        self.shard_of: dict[web.WebSocketResponse, tuple[int, int]] = {}  # socket -> (shard id, count)
        self._session_shards: dict[str, tuple[int, int]] = {}
        self.delivered: list[tuple[str, tuple[int, int] | None]] = []  # (event, shard that got it) per dispatch
        self.resumes: list[dict] = []
        self.heartbeats = 0
        self.acks = 0
        self.closed_dms: set[str] = set()
        self.rate_limit_once: set[str] = set()  # path regexes answered with one 429
        self.expired: set[str] = set()  # command names whose interactions have expired (10062)
        self._expired_ids: set[str] = set()
        self.dm_channels: dict[str, str] = {}  # channel id -> user id
        self.commands: dict[str, list[dict]] = {}  # "global" or guild id -> synced commands
        self.cdn: dict[str, bytes] = {}  # attachment id -> the file a user attached
        # Fault modes for DMs (POST /channels/{id}/messages): answer late, accept and never answer,
        # or 429 until a moment; nonces are enforced the way Discord does (`enforce_nonce`).
        self.dm_delay = 0.0
        self.dm_hangs = 0
        self.dm_hang_skip = 0  # answered DM posts before the hanging ones start
        self.dm_open_delay = 0.0  # seconds before POST /users/@me/channels answers
        self.dm_opens_started = 0
        self.global_limited_until = 0.0
        self.global_retry_after = 1.0
        self.token = TOKEN  # what the bot's Authorization must carry
        self.dm_limited_until = 0.0
        self.dm_retry_after = 1.0
        self.nonce_window = 300.0  # seconds Discord remembers a nonce
        self._nonces: dict[tuple[str, str], tuple[float, dict]] = {}
        self.dm_created: list[dict] = []  # every DM message actually created, in order
        self.history_has_nonce = False  # real Discord leaves the nonce out of fetched messages
        self._query: dict[str, str] = {}
        self._seq = 0
        self.runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest)
        app.router.add_get("/cdn/{attachment}/{filename}", self._cdn)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._closing.set()
        for ws in list(self.sockets):
            await ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_call(self, method: str, pattern: str, after: int = 0) -> Call:
        regex = re.compile(pattern)

        def found() -> Call | None:
            for call in self.calls[after:]:
                if call.method == method and regex.search(call.path):
                    return call
            return None

        return await self.wait_for(found)

    def find(self, method: str, pattern: str) -> list[Call]:
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method and regex.search(c.path)]

    # -- the gateway -------------------------------------------------------------
    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
                    self.acks += 1
                elif op == 2:
                    self.identifies.append(payload["d"])
                    shard = payload["d"].get("shard")
                    ready = {
                        "v": 10,
                        "user": user_payload(BOT_ID, "redflag"),
                        "guilds": [],
                        "session_id": "session-" + snowflake(),
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": APP_ID, "flags": 0},
                        "private_channels": [],
                    }
                    if shard is not None:
                        self.shard_of[ws] = (int(shard[0]), int(shard[1]))
                        self._session_shards[ready["session_id"]] = self.shard_of[ws]
                        ready["shard"] = list(self.shard_of[ws])
                    await self._send(ws, "READY", ready)
                elif op == 6:
                    self.resumes.append(payload["d"])
                    if payload["d"].get("session_id") in self._session_shards:
                        self.shard_of[ws] = self._session_shards[payload["d"]["session_id"]]
                    await self._send(ws, "RESUMED", {})
                await self._notify()
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
            self.shard_of.pop(ws, None)
            await self._notify()
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict) -> None:
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def wait_ready(self, identifies: int = 1) -> None:
        await self.wait_for(lambda: len(self.identifies) >= identifies and self.sockets)

    async def ask_to_reconnect(self) -> None:
        """Gateway op 7 RECONNECT, as Discord sends before moving a session."""
        for ws in list(self.sockets):
            await ws.send_json({"op": 7, "d": None, "s": None, "t": None})

    def shard_for(self, guild: str | None, count: int) -> int:
        """The shard Discord sends a guild's events on; DMs (no guild) go to shard 0."""
        return (int(guild) >> 22) % count if guild else 0

    def identified_shards(self) -> list[tuple[int, int]]:
        return sorted(tuple(d["shard"]) for d in self.identifies if d.get("shard") is not None)

    async def dispatch(self, event: str, data: dict) -> None:
        for ws in list(self.sockets):
            if ws.closed:
                continue
            shard = self.shard_of.get(ws)
            if shard is not None and self.shard_for(data.get("guild_id"), shard[1]) != shard[0]:
                continue  # another shard's guild
            self.delivered.append((event, shard))
            await self._send(ws, event, data)

    # -- REST ------------------------------------------------------------------
    async def _body(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            payload: Any = None
            files: list[tuple[str, bytes]] = []
            async for part in reader:
                if part.name == "payload_json":
                    payload = json.loads(await part.text())
                else:
                    files.append((part.filename or "", bytes(await part.read())))
            return payload, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _message(self, channel_id: str, body: dict | None, flags: int = 0, message_id: str | None = None) -> dict:
        body = body or {}
        message = {
            "id": message_id or snowflake(),
            "channel_id": channel_id,
            "author": user_payload(BOT_ID, "redflag"),
            "content": body.get("content") or "",
            "timestamp": "2026-11-25T10:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {"id": snowflake(), "filename": a.get("filename", "file"), "size": 1, "url": "http://x/a", "proxy_url": "http://x/a"}
                for a in body.get("attachments", [])
            ],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", flags) or 0,
            "components": body.get("components") or [],
        }
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        self.messages[message["id"]] = message
        return message

    async def rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        self._calling(request)
        body, files = await self._body(request)
        call = Call(request.method, path, body, files, dict(request.query))
        for pattern in list(self.rate_limit_once):
            if re.search(pattern, path):
                self.rate_limit_once.discard(pattern)
                call.status = 429
                self.calls.append(call)
                await self._notify()
                return reply_json(
                    {"message": "You are being rate limited.", "retry_after": 0.01, "global": False},
                    status=429,
                    headers={"Via": "1.1 google", "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                             "X-RateLimit-Reset-After": "0.01", "X-RateLimit-Bucket": "fake-bucket"},
                )
        dm_post = request.method == "POST" and re.fullmatch(r"/channels/(\d+)/messages", path) is not None
        bot_call = not re.match(r"^/(interactions|webhooks)/", path) and path not in ("/users/@me", "/oauth2/applications/@me")
        if bot_call and time.monotonic() < self.global_limited_until:
            call.status = 429
            self.calls.append(call)
            await self._notify()
            wait = str(self.global_retry_after)
            return reply_json({"message": "You are being rate limited.", "retry_after": self.global_retry_after, "global": True},
                              status=429, headers={"Via": "1.1 google", "Retry-After": wait, "X-RateLimit-Global": "true",
                                                   "X-RateLimit-Scope": "global"})
        if dm_post and time.monotonic() < self.dm_limited_until:
            call.status = 429
            self.calls.append(call)
            await self._notify()
            return reply_json({"message": "You are being rate limited.", "retry_after": self.dm_retry_after, "global": False},
                              status=429, headers={"Via": "1.1 google", "Retry-After": str(self.dm_retry_after), "X-RateLimit-Limit": "5",
                                                   "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": str(self.dm_retry_after),
                                                   "X-RateLimit-Bucket": "fake-dm", "X-RateLimit-Scope": "user"})
        if dm_post and self.dm_delay:
            await self._pause(self.dm_delay)
        if request.method == "POST" and path == "/users/@me/channels" and self.dm_open_delay:
            self.dm_opens_started += 1  # seen before it is answered (a test kills the sweep meanwhile)
            await self._notify()
            await self._pause(self.dm_open_delay)
        self.calls.append(call)
        bot_route = not re.match(r"^/(interactions|webhooks)/", path)
        if bot_route and request.headers.get("Authorization") != f"Bot {self.token}":
            call.status = 401
            await self._notify()
            return reply_json({"message": "401: Unauthorized", "code": 0}, status=401)
        self._query = dict(request.query)
        try:
            status, answer = self._answer(request.method, path, body)
        finally:
            await self._notify()
        call.status = status
        if dm_post and status == 200 and self.dm_hang_skip > 0:
            self.dm_hang_skip -= 1
        elif dm_post and status == 200 and self.dm_hangs > 0:
            self.dm_hangs -= 1
            await self._pause(3600)  # created, never answered: the client times out
        if answer is None:
            return web.Response(status=status)
        return reply_json(answer, status=status)

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if method == "GET" and path == "/users/@me":
            return 200, user_payload(BOT_ID, "redflag")
        if method == "GET" and path == "/oauth2/applications/@me":
            return 200, {
                "id": APP_ID, "name": "Redflag", "icon": None, "description": "", "rpc_origins": [], "bot_public": True,
                "bot_require_code_grant": False, "owner": user_payload(USER, "owner"), "summary": "", "verify_key": "00",
                "team": None, "flags": 0,
            }
        if method == "GET" and path == "/gateway/bot":
            return 200, {"url": self.gateway_url, "shards": self.recommended_shards, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
        m = re.fullmatch(r"/applications/\d+(?:/guilds/(\d+))?/commands", path)
        if m and method == "PUT":
            scope = m.group(1) or "global"
            # Discord echoes each command with its id and fills what was left out
            registered = [
                {"description": "", "options": [], "default_member_permissions": None, "nsfw": False, **c,
                 "id": snowflake(), "application_id": APP_ID, "version": "1", **({"guild_id": scope} if scope != "global" else {})}
                for c in body
            ]
            self.commands[scope] = registered
            return 200, registered
        m = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if m and method == "POST" and m.group(1) in self._expired_ids:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if m and method == "POST":
            kind = body.get("type")
            result: dict = {"interaction": {"id": m.group(1), "type": 2}}
            if kind in (4, 7):
                data = body.get("data") or {}
                message = self._message(CHANNEL, data)
                result["interaction"].update(response_message_id=message["id"], response_message_ephemeral=bool((data.get("flags") or 0) & 64))
                result["resource"] = {"type": kind, "message": message}
            return 200, result
        m = re.fullmatch(r"/webhooks/\d+/([^/]+)", path)
        if m and method == "POST":
            return 200, self._message(CHANNEL, body)
        m = re.fullmatch(r"/webhooks/\d+/([^/]+)/messages/(@original|\d+)", path)
        if m and method == "PATCH":
            return 200, self._message(CHANNEL, body)
        if method == "POST" and path == "/users/@me/channels":
            user_id = str(body["recipient_id"])
            channel_id = next((c for c, u in self.dm_channels.items() if u == user_id), None) or snowflake()
            self.dm_channels[channel_id] = user_id
            return 200, {"id": channel_id, "type": 1, "recipients": [user_payload(user_id)], "last_message_id": None}
        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if m and method == "POST":
            if self.dm_channels.get(m.group(1)) in self.closed_dms:
                return 403, {"message": "Cannot send messages to this user", "code": 50007}
            nonce = (body or {}).get("nonce")
            if nonce is not None and (body or {}).get("enforce_nonce"):
                seen = self._nonces.get((m.group(1), str(nonce)))
                if seen and time.monotonic() - seen[0] < self.nonce_window:
                    return 200, seen[1]  # Discord returns the message it already made
            message = self._message(m.group(1), body, message_id=time_snowflake())
            self.dm_created.append(message)
            self._tapped("dm", message)
            if nonce is not None:
                self._nonces[(m.group(1), str(nonce))] = (time.monotonic(), message)
            return 200, message
        if m and method == "GET":
            after = int(self._query.get("after") or 0)
            limit = int(self._query.get("limit") or 50)
            found = [msg for msg in self.dm_created if msg["channel_id"] == m.group(1) and int(msg["id"]) > after]
            found.sort(key=lambda msg: int(msg["id"]), reverse=True)  # newest first, like Discord
            return 200, [{k: v for k, v in msg.items() if k != "nonce" or self.history_has_nonce} for msg in found[:limit]]
        return 404, {"message": "Unknown route", "code": 0}

    async def _cdn(self, request: web.Request) -> web.Response:
        content = self.cdn.get(request.match_info["attachment"])
        self.calls.append(Call("GET", "/cdn/" + request.match_info["attachment"], None, [], {}))
        return web.Response(status=404) if content is None else web.Response(body=content, content_type="text/csv")
