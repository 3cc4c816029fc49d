"""A local stand-in for the Slack Web API (and response_urls, and file uploads), over real HTTP.

The adapter reaches it through `SLACK_API_URL`. Every call is recorded with
its method, parameters (form, query or JSON, with `blocks`/`view` decoded)
and token, so tests assert what a user would see. Failures are queued per
method: `fake.fail("chat.postMessage", "channel_not_found")`,
`fake.fail("users.info", status=429, headers={"Retry-After": "0"})`.

Like Slack, posted messages are kept per channel with their `metadata`, and
`conversations.history` returns them (metadata only with
`include_all_metadata`). Modes for fault tests: `fake.slow(method, seconds)`
answers late; `fake.hang_after_accept(method, times)` stores the message and
then never answers; `fake.rate_limit(method, seconds, retry_after)` answers
429 with `Retry-After` for a while; `fake.posts_by_delivery()` counts what
each user received per reminder part.
"""
from __future__ import annotations

import itertools
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # tests/, for the benches that load the fakes alone
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fakes_common import FakeServer  # noqa: E402


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Failure:
    error: str | None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def _decode(params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    for key in ("blocks", "view", "files", "attachments"):
        if isinstance(out.get(key), str):
            try:
                out[key] = json.loads(out[key])
            except ValueError:
                pass
    return out


class FakeSlack(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.responses: list[dict] = []  # what the app sent to response_urls
        self.uploads: dict[str, bytes] = {}
        self.hosted: dict[str, bytes] = {}  # files users shared, served at /files-pri/<id>/download with the bot token
        self.failures: dict[str, list[Failure]] = {}
        self.users: dict[str, dict] = {}
        self.teams: dict[str, str] = {}  # token -> team id (auth.test); unknown tokens get invalid_auth
        self.accept_any_token = True
        self.oauth_grants: dict[str, dict] = {}  # code -> oauth.v2.access response
        self.refreshes: dict[str, dict] = {}  # refresh token -> oauth.v2.access response
        self.sockets: list[web.WebSocketResponse] = []
        # The browser side of OAuth: /oauth/v2/authorize "approves" and sends the browser back
        # to redirect_uri (the query's, else the app's configured one) with this code.
        self.authorize_code = "browser-code"
        self.oauth_redirect = ""
        self.authorize_requests: list[dict[str, str]] = []
        self.socket_acks: list[dict] = []  # what the app answered over Socket Mode
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.history: dict[str, list[dict]] = {}  # channel -> messages, oldest first
        self.delays: dict[str, float] = {}  # method -> seconds before answering
        self.hangs: dict[str, int] = {}  # method -> how many more calls are accepted, then never answered
        self.hang_skips: dict[str, int] = {}
        self.limits: dict[str, tuple[float, float]] = {}  # method -> (429 until monotonic, Retry-After)
        self.in_flight = 0
        self.max_in_flight = 0

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> "FakeSlack":
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/download", self._download)
        app.router.add_post("/response/{n}", self._response)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return self.base + "/api/"

    def response_url(self) -> str:
        return f"{self.base}/response/{next(self._ids)}"

    # -- scripting -------------------------------------------------------------
    def user(self, user_id: str, locale: str = "en-US", tz: str = "Europe/Amsterdam", name: str | None = None, team: str | None = None) -> None:
        self.users[user_id] = {
            **({"team_id": team} if team else {}),  # the user's own team, as users.info reports it
            "id": user_id,
            "name": (name or user_id).lower(),
            "real_name": name or user_id,
            "tz": tz,
            "locale": locale,
            "profile": {"display_name": name or user_id},
        }

    def fail(self, method: str, error: str | None = None, *, status: int = 200, headers: dict | None = None, times: int = 1, body: str | None = None) -> None:
        self.failures.setdefault(method, []).extend(Failure(error, status, dict(headers or {}), body) for _ in range(times))

    def slow(self, method: str, seconds: float) -> None:
        self.delays[method] = seconds

    def hang_after_accept(self, method: str, times: int = 1, skip: int = 0) -> None:
        """The next `times` calls (after `skip` answered ones) are stored but never answered."""
        self.hangs[method] = self.hangs.get(method, 0) + times
        self.hang_skips[method] = skip

    def rate_limit(self, method: str, seconds: float, retry_after: float) -> None:
        self.limits[method] = (time.monotonic() + seconds, retry_after)

    def posted(self) -> list[dict]:
        """Every message that landed in a channel (accepted posts, answered or not)."""
        return [m for msgs in self.history.values() for m in msgs]

    def posts_by_delivery(self) -> Counter:
        """(channel, delivery key, part) -> how many times it landed: all 1 means exactly once."""
        out: Counter = Counter()
        for m in self.posted():
            payload = (m.get("metadata") or {}).get("event_payload") or {}
            out[(m["channel"], payload.get("delivery"), payload.get("part"))] += 1
        return out

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    async def _record(self, call: Call | None = None, response: dict | None = None, ack: dict | None = None) -> None:
        async with self._changed:  # with no arguments: just wake the waiters
            if call is not None:
                self.calls.append(call)
            if response is not None:
                self.responses.append(response)
            if ack is not None:
                self.socket_acks.append(ack)
            self._changed.notify_all()

    async def push(self, envelope: dict) -> None:
        """Send one Socket Mode envelope (slash_commands, interactive, events_api) to the app."""
        await self.sockets[-1].send_json(envelope)

    # -- handlers --------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            ctype = request.headers.get("Content-Type", "")
            if "json" in ctype:
                params.update(json.loads(raw))
            elif "multipart" not in ctype:
                params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        return _decode(params)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self._calling(request)
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else params.get("token")
        await self._record(Call(method, params, token, dict(request.headers)))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(method, params, token)
        finally:
            self.in_flight -= 1

    async def _answer(self, method: str, params: dict, token: str | None) -> web.Response:
        limit = self.limits.get(method)
        if limit and time.monotonic() < limit[0]:
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(limit[1])})
        if self.delays.get(method):
            await self._pause(self.delays[method])
        queued = self.failures.get(method)
        if queued:
            f = queued.pop(0)
            if f.body is not None:
                return web.Response(status=f.status, text=f.body, headers=f.headers)
            return web.json_response({"ok": False, "error": f.error or "internal_error"}, status=f.status, headers=f.headers)
        if method not in ("oauth.v2.access",) and not self.accept_any_token and token not in self.teams:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        answer = handler(params, token)
        await self._record()  # wake tests waiting for what the handler stored
        if self.hang_skips.get(method):
            self.hang_skips[method] -= 1
        elif self.hangs.get(method):
            self.hangs[method] -= 1
            await self._pause(3600)  # accepted (stored), never answered: the client times out
        return web.json_response(answer)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}, "connection_info": {"app_id": "A0APP"}})
        async with self._changed:
            self.sockets.append(ws)
            self._changed.notify_all()
        async for msg in ws:
            if msg.type.name == "TEXT":
                await self._record(ack=json.loads(msg.data))
        return ws

    async def _authorize(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.authorize_requests.append(query)
        target = query.get("redirect_uri") or self.oauth_redirect
        if not target:
            return web.Response(status=400, text="no redirect_uri configured")
        sep = "&" if "?" in target else "?"
        from urllib.parse import urlencode

        raise web.HTTPFound(target + sep + urlencode({"code": self.authorize_code, "state": query.get("state", "")}))

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        await self._record(Call("upload", {"file_id": file_id, "size": len(self.uploads[file_id])}, None))
        return web.Response(text=f"OK - {len(self.uploads[file_id])}")

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        auth = request.headers.get("Authorization", "")
        await self._record(Call("download", {"file_id": file_id}, auth[len("Bearer "):] if auth.startswith("Bearer ") else None))
        if file_id not in self.hosted or not auth.startswith("Bearer "):
            return web.Response(status=404 if file_id not in self.hosted else 403)
        return web.Response(body=self.hosted[file_id], content_type="text/csv")

    async def _response(self, request: web.Request) -> web.Response:
        body = _decode(await request.json())
        body["_url"] = str(request.url)
        await self._record(response=body)
        return web.Response(text="ok")

    # -- methods ---------------------------------------------------------------
    def _ts_next(self) -> str:
        return f"1764064800.{next(self._ts):06d}"

    def m_auth_test(self, p: dict, token: str | None) -> dict:
        team = self.teams.get(token or "", "T1")
        return {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "redflag", "team_id": team, "user_id": "UBOT", "bot_id": "BBOT", "is_enterprise_install": False}

    def m_apps_connections_open(self, p: dict, token: str | None) -> dict:
        if not (token or "").startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.base.replace("http://", "ws://") + "/socket"}

    def m_users_info(self, p: dict, token: str | None) -> dict:
        user = self.users.get(p.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        data = dict(user)
        if str(p.get("include_locale")).lower() not in ("true", "1"):
            data.pop("locale", None)
        return {"ok": True, "user": data}

    def m_conversations_open(self, p: dict, token: str | None) -> dict:
        return {"ok": True, "channel": {"id": "D" + str(p.get("users", "")).lstrip("U")}}

    def m_chat_postMessage(self, p: dict, token: str | None) -> dict:
        ts = self._ts_next()
        metadata = p.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        message = {"type": "message", "user": "UBOT", "bot_id": "BBOT", "ts": ts, "text": p.get("text"),
                   "blocks": p.get("blocks"), "channel": p.get("channel"), "metadata": metadata, "_at": time.time()}
        self.history.setdefault(str(p.get("channel")), []).append(message)
        if str(p.get("channel")).startswith("D"):
            self._tapped("dm", message)
        return {"ok": True, "channel": p.get("channel"), "ts": ts, "message": {"text": p.get("text"), "blocks": p.get("blocks")}}

    def m_conversations_history(self, p: dict, token: str | None) -> dict:
        include = str(p.get("include_all_metadata")).lower() in ("true", "1")
        oldest = float(p.get("oldest") or 0)
        limit = int(p.get("limit") or 100)
        out = []
        for m in reversed(self.history.get(str(p.get("channel")), [])):  # newest first, like Slack
            if m["_at"] < oldest:  # the fake's ts are fixed; when it was posted is real time
                continue
            item = {k: v for k, v in m.items() if k not in ("channel", "metadata", "_at")}
            if include and m.get("metadata"):
                item["metadata"] = m["metadata"]
            out.append(item)
        return {"ok": True, "messages": out[:limit], "has_more": len(out) > limit}

    def m_chat_postEphemeral(self, p: dict, token: str | None) -> dict:
        return {"ok": True, "message_ts": self._ts_next()}

    def m_chat_update(self, p: dict, token: str | None) -> dict:
        return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text")}

    def m_chat_getPermalink(self, p: dict, token: str | None) -> dict:
        ts = str(p.get("message_ts", "")).replace(".", "")
        return {"ok": True, "channel": p.get("channel"), "permalink": f"https://test.slack.com/archives/{p.get('channel')}/p{ts}"}

    def m_views_open(self, p: dict, token: str | None) -> dict:
        return {"ok": True, "view": {**(p.get("view") or {}), "id": f"V{next(self._ids)}"}}

    def m_views_publish(self, p: dict, token: str | None) -> dict:
        return {"ok": True, "view": {**(p.get("view") or {}), "id": f"V{next(self._ids)}"}}

    def m_views_update(self, p: dict, token: str | None) -> dict:
        return {"ok": True, "view": p.get("view")}

    def m_files_getUploadURLExternal(self, p: dict, token: str | None) -> dict:
        file_id = f"F{next(self._ids)}"
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def m_files_completeUploadExternal(self, p: dict, token: str | None) -> dict:
        files = p.get("files") or []
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title"), "name": f.get("title")} for f in files]}

    def m_oauth_v2_access(self, p: dict, token: str | None) -> dict:
        if p.get("grant_type") == "refresh_token":
            grant = self.refreshes.get(p.get("refresh_token", ""))
        else:
            grant = self.oauth_grants.get(p.get("code", ""))
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        if grant.get("access_token"):
            # An org-wide grant has no team, only the enterprise.
            self.teams[grant["access_token"]] = (grant.get("team") or {}).get("id") or (grant.get("enterprise") or {}).get("id")
        return grant
