"""Playing Slack's side: signed requests built from the recorded fixtures, and block helpers."""
from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import re
from html import unescape as html_unescape
from urllib.parse import parse_qs, urlparse

import aiohttp

from adapters.slack.service import SlackService
from fake_slack import FakeSlack

FIXTURES = Path(__file__).with_name("fixtures")
BOT_TOKEN = "xoxb-1111-2222-SECRETBOTTOKEN"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_TOKEN = "xapp-1-A0APP-3333-SECRETAPPTOKEN"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "shhh-client-secret-42"
#: The user most tests speak as: (id, locale, tz, name), as `started_fake` takes them.
STEVE = ("U1", "en-US", "Europe/Amsterdam", "Steve")


def service_env(api_url: str, db: str, **slack: str) -> dict[str, str]:
    """The environment of a Slack service on a free localhost port, against the fake at `api_url`, on `db`
    (a SQLite file, or a PostgreSQL URL: then `REDFLAG_DATABASE_URL`).

    `slack` names the SLACK_* settings (`SLACK_APP_TOKEN=…`); without any, the
    bot token and signing secret of these tests (HTTP mode).
    """
    settings = slack or {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    return {**settings, "SLACK_API_URL": api_url, "REDFLAG_PORT": "0", "REDFLAG_HOST": "127.0.0.1",
            ("REDFLAG_DATABASE_URL" if "://" in db else "REDFLAG_DB"): db}


async def started_fake(*users: tuple[str, str, str, str]) -> FakeSlack:
    """A running fake Slack whose bot token belongs to team T1, knowing `users` as (id, locale, tz, name)."""
    server = await FakeSlack().start()
    for user, locale, tz, name in users:
        server.user(user, locale=locale, tz=tz, name=name)
    server.teams[BOT_TOKEN] = "T1"
    return server


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> dict:
    return json.loads(fixture_text(name))


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender:
    """Plays Slack's side of HTTP mode against the running service."""

    def __init__(self, service: SlackService, fake: FakeSlack, secret: str = SIGNING_SECRET) -> None:
        self.service = service
        self.fake = fake
        self.secret = secret
        self.base = f"http://127.0.0.1:{service.port}"
        self._triggers = itertools.count(100)
        self._ts = itertools.count(100)

    def trigger(self) -> str:
        return f"13345224609.738474920.{next(self._triggers):031x}"

    async def post(self, body: str, *, content_type: str = "application/x-www-form-urlencoded", timestamp: int | None = None, signature: str | None = None, headers: dict | None = None) -> tuple[int, Any]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature if signature is not None else sign(self.secret, ts, body),
            **(headers or {}),
        }
        async with aiohttp.ClientSession() as session:
            async with session.post(self.base + "/slack/events", data=body.encode("utf-8"), headers=sent) as resp:
                text = await resp.text()
                try:
                    data: Any = json.loads(text) if text else None
                except ValueError:
                    data = text
                return resp.status, data

    def command_body(self, command: str, text: str, *, user: str = "U1", team: str = "T1", channel: str = "C2147483705", trigger: str | None = None) -> tuple[str, str]:
        fields = dict(parse_qsl(fixture_text("command_client_add.txt"), keep_blank_values=True))
        trigger = trigger or self.trigger()
        fields.update(
            command=command,
            text=text,
            user_id=user,
            team_id=team,
            channel_id=channel,
            trigger_id=trigger,
            response_url=self.fake.response_url(),
        )
        return urlencode(fields), trigger

    async def command(self, command: str, text: str = "", **kw) -> tuple[int, Any]:
        body, _ = self.command_body(command, text, **kw)
        return await self.post(body)

    async def seen(self, command: str, text: str = "", **kw) -> str:
        """What the user sees of a command's answer: the ack's blocks, or, when a slow command was acked
        "working on it" (its worker process still starting, say), the response_url post that follows."""
        before = len(self.fake.responses)
        status, ack = await self.command(command, text, **kw)
        assert status == 200, ack
        return await answer_after(self.fake, ack, before)

    async def payload(self, payload: dict, **kw) -> tuple[int, Any]:
        return await self.post(urlencode({"payload": json.dumps(payload)}), **kw)

    def click_payload(self, button: dict, *, user: str = "U1", team: str = "T1", channel: str = "C2147483705", message_ts: str | None = None, ephemeral: bool = True) -> dict:
        p = fixture_json("block_actions.json")
        p["user"] = {**p["user"], "id": user, "team_id": team}
        p["team"]["id"] = team
        p["channel"]["id"] = channel
        p["container"].update(channel_id=channel, message_ts=message_ts or f"1764064800.{next(self._ts):06d}", is_ephemeral=ephemeral)
        p["trigger_id"] = self.trigger()
        p["response_url"] = self.fake.response_url()
        p["actions"][0].update(action_id=button["action_id"], value=button.get("value", ""), text=button["text"])
        return p

    async def click(self, button: dict, **kw) -> tuple[int, Any]:
        return await self.payload(self.click_payload(button, **kw))

    def submit_payload(self, view: dict, values: dict[str, str], *, user: str = "U1", team: str = "T1", view_id: str = "V0FORM1") -> dict:
        p = fixture_json("view_submission.json")
        p["user"] = {**p["user"], "id": user, "team_id": team}
        p["team"]["id"] = team
        v = p["view"]
        # Slack gives every block an id, also the ones the app left without.
        blocks = [dict(b, block_id=b.get("block_id") or f"blk{i}") for i, b in enumerate(view["blocks"])]
        v.update(id=view_id, blocks=blocks, private_metadata=view.get("private_metadata", ""), callback_id=view["callback_id"], title=view["title"])
        state: dict[str, dict] = {}
        for block in view["blocks"]:
            if block.get("type") != "input":
                continue
            el = block["element"]
            value = values.get(block["block_id"])
            if el["type"] == "static_select":
                options = el.get("options") or [o for g in el.get("option_groups", []) for o in g["options"]]
                chosen = next((o for o in options if o["value"] == value), None)
                state[block["block_id"]] = {el["action_id"]: {"type": "static_select", "selected_option": chosen}}
            else:
                state[block["block_id"]] = {el["action_id"]: {"type": "plain_text_input", "value": value}}
        v["state"] = {"values": state}
        return p

    async def submit(self, view: dict, values: dict[str, str], **kw) -> tuple[int, Any]:
        return await self.payload(self.submit_payload(view, values, **kw))

    async def share_file(self, name: str, content: bytes, *, user: str = "U1", team: str = "T1", channel: str = "D0DM1", file_id: str = "F0CSV1") -> tuple[int, Any]:
        """A file shared in the DM with the app: the `message` event Slack sends, the file hosted by the fake."""
        self.fake.hosted[file_id] = content
        body = {
            "token": "verification-token", "team_id": team, "api_app_id": "A0APP", "type": "event_callback",
            "event_id": f"Ev{file_id}", "event_time": int(time.time()),
            "event": {
                "type": "message", "subtype": "file_share", "channel": channel, "channel_type": "im", "user": user,
                "team": team, "text": "", "ts": f"1764064800.{next(self._ts):06d}",
                "files": [{"id": file_id, "name": name, "title": name, "mimetype": "text/csv", "filetype": "csv",
                           "size": len(content), "url_private": f"{self.fake.base}/files-pri/{file_id}",
                           "url_private_download": f"{self.fake.base}/files-pri/{file_id}/download"}],
            },
        }
        return await self.event(body)

    async def event(self, body: dict, headers: dict | None = None) -> tuple[int, Any]:
        return await self.post(json.dumps(body), content_type="application/json", headers=headers)


def buttons(blocks: list[dict]) -> list[dict]:
    """Every button in a message, in order (actions blocks and section accessories)."""
    out = []
    for b in blocks:
        if b["type"] == "actions":
            out.extend(e for e in b["elements"] if e["type"] == "button")
        elif b.get("accessory", {}).get("type") == "button":
            out.append(b["accessory"])
    return out


def button(blocks: list[dict], label_part: str) -> dict:
    found = [b for b in buttons(blocks) if label_part.lower() in b["text"]["text"].lower()]
    assert found, f"no button with {label_part!r} in {[b['text']['text'] for b in buttons(blocks)]}"
    return copy.deepcopy(found[0])


def text_of_blocks(blocks: list[dict]) -> str:
    parts = []
    for b in blocks:
        if "text" in b and isinstance(b["text"], dict):
            parts.append(b["text"]["text"])
        parts.extend(f["text"] for f in b.get("fields", ()))
        if b["type"] == "context":
            parts.extend(e.get("text", "") for e in b["elements"])
        if b["type"] == "actions":
            parts.extend(e["text"]["text"] for e in b["elements"])
    return "\n".join(parts)


def unescape(text: str) -> str:
    """What Slack shows for mrkdwn text (it decodes &amp; &lt; &gt;)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown(blocks: list[dict]) -> str:
    return unescape(text_of_blocks(blocks))


async def answer_after(fake, ack: dict, before: int) -> str:
    """The ack's blocks, or the first response_url post after the `before`-th (the ack said "working on it")."""
    if ack.get("blocks"):
        return shown(ack["blocks"])
    await fake.wait_for(lambda: len(fake.responses) > before or None)
    return shown(fake.responses[before]["blocks"])


# -- OAuth ---------------------------------------------------------------------

def grant(token: str, refresh: str | None = None, expires_in: int | None = None) -> dict:
    g = {
        "ok": True,
        "app_id": "A0APP",
        "authed_user": {"id": "U1"},
        "scope": "commands,chat:write,im:write,im:history,users:read,files:write",
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": "UBOT2",
        "team": {"id": "T2", "name": "Second Studio"},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if refresh:
        g.update(refresh_token=refresh, expires_in=expires_in)
    return g


async def install(base: str, fake, code: str) -> int:
    async with aiohttp.ClientSession() as s:
        async with s.get(base + "/slack/install", allow_redirects=False) as resp:
            assert resp.status == 200
            page = await resp.text()
            cookie = resp.headers["Set-Cookie"].split(";")[0]
        link = html_unescape(re.search(r'href="([^"]+oauth/v2/authorize[^"]*)"', page).group(1))
        url = urlparse(link)
        assert url.geturl().startswith(fake.base + "/oauth/v2/authorize")  # same host as SLACK_API_URL
        query = parse_qs(url.query)
        assert query["client_id"] == [CLIENT_ID]
        assert set(query["scope"][0].split(",")) == {"commands", "chat:write", "im:write", "users:read", "files:write", "files:read", "im:history"}
        state = query["state"][0]
        async with s.get(base + "/slack/oauth_redirect", params={"code": code, "state": state}, headers={"Cookie": cookie}, allow_redirects=False) as resp:
            return resp.status
