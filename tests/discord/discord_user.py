"""What the user does and sees in the fake Discord: ids, interaction payloads, and a message's components.

`UserActions` is the fake's user side (a slash command, a click, a modal, an
autocomplete, each dispatched as INTERACTION_CREATE); the module functions
read the components of what the bot sent. `fake_discord.py` re-exports all of
it, so tests import from there.
"""
from __future__ import annotations

import itertools
import re
import time
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from fake_discord import Call

TOKEN = "fake-bot-token.Abc123.secret-part-xyz"
APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
GUILD = "800000000000000001"
OTHER_GUILD = "800000000000000002"
CHANNEL = "700000000000000001"
USER = "600000000000000001"
OTHER_USER = "600000000000000002"

_ids = itertools.count(1_000_000_000_000_000_000)


def snowflake() -> str:
    return str(next(_ids))


_low_bits = itertools.count()


def time_snowflake() -> str:
    """A snowflake made of the current time, as Discord makes them (history `after=` compares these)."""
    ms = int(time.time() * 1000) - 1420070400000
    return str((ms << 22) | (next(_low_bits) % (1 << 22)))


def user_payload(user_id: str, name: str = "someone") -> dict:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name, "avatar": None, "bot": user_id == BOT_ID}


class UserActions:
    """The interactions a user makes, mixed into `FakeDiscord` (which dispatches them and records the answers)."""

    def interaction(
        self,
        kind: int,
        data: dict,
        *,
        user: str = USER,
        guild: str | None = GUILD,
        channel: str = CHANNEL,
        locale: str = "en-US",
        message: dict | None = None,
    ) -> dict:
        payload: dict[str, Any] = {
            "id": snowflake(),
            "application_id": APP_ID,
            "type": kind,
            "data": data,
            "token": "itoken-" + snowflake(),
            "version": 1,
            "locale": locale,
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild} if guild else {"1": user},
            "context": 0 if guild else 1,
            "attachment_size_limit": 26214400,
        }
        if guild:
            payload["guild_id"] = guild
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = channel
            payload["channel"] = {"id": channel, "type": 0, "guild_id": guild, "name": "general", "position": 0, "permission_overwrites": []}
            payload["member"] = {
                "user": user_payload(user), "roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False,
                "mute": False, "flags": 0, "permissions": "2251799813685247",
            }
        else:
            payload["channel_id"] = channel
            payload["channel"] = {"id": channel, "type": 1, "recipients": [user_payload(user)]}
            payload["user"] = user_payload(user)
        if message is not None:
            payload["message"] = message
        return payload

    @staticmethod
    def _options(options: dict[str, Any], focused: str | None = None) -> list[dict]:
        out = []
        for name, value in options.items():
            kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
            option = {"name": name, "type": kind, "value": value}
            if name == focused:
                option["focused"] = True
            out.append(option)
        return out

    def command_data(self, path: str, options: dict[str, Any] | None = None, focused: str | None = None) -> dict:
        names = path.split()
        opts = self._options(options or {}, focused)
        data: dict[str, Any] = {"id": snowflake(), "name": names[0], "type": 1}
        data["options"] = [{"name": names[1], "type": 1, "options": opts}] if len(names) > 1 else opts
        return data

    async def slash(self, path: str, options: dict[str, Any] | None = None, **kw: Any) -> dict:
        payload = self.interaction(2, self.command_data(path, options), **kw)
        if path.split()[0] in self.expired:
            self._expired_ids.add(payload["id"])
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def slash_with_file(self, path: str, option: str, filename: str, content: bytes, options: dict[str, Any] | None = None,
                              **kw: Any) -> dict:
        """A command with an attachment option: Discord sends the attachment's id and resolves it beside the options."""
        attachment_id = snowflake()
        self.cdn[attachment_id] = content
        url = f"http://127.0.0.1:{self.port}/cdn/{attachment_id}/{filename}"
        data = self.command_data(path, options)
        target = data["options"][0]["options"] if len(path.split()) > 1 else data["options"]
        target.append({"name": option, "type": 11, "value": attachment_id})
        data["resolved"] = {"attachments": {attachment_id: {
            "id": attachment_id, "filename": filename, "size": len(content), "url": url, "proxy_url": url,
            "content_type": "text/csv; charset=utf-8"}}}
        payload = self.interaction(2, data, **kw)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def autocomplete(self, path: str, options: dict[str, Any], focused: str, **kw: Any) -> dict:
        payload = self.interaction(4, self.command_data(path, options, focused), **kw)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def click(self, message: dict, custom_id: str, *, values: list[str] | None = None, **kw: Any) -> dict:
        component_type = 3 if values is not None else 2
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        payload = self.interaction(3, data, message=message, **kw)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def submit_modal(self, custom_id: str, values: dict[str, str | list[str]], **kw: Any) -> dict:
        components = []
        for field_id, value in values.items():
            if isinstance(value, list):
                inner = {"type": 3, "custom_id": field_id, "values": value}
            else:
                inner = {"type": 4, "custom_id": field_id, "value": value}
            components.append({"type": 18, "id": len(components) + 1, "component": inner})
        payload = self.interaction(5, {"custom_id": custom_id, "components": components}, **kw)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def callback_for(self, payload: dict) -> Call:
        return await self.wait_call("POST", rf"^/interactions/{payload['id']}/")

    async def followups_for(self, payload: dict, count: int = 1) -> list[Call]:
        token = re.escape(payload["token"])
        return await self.wait_for(lambda: (found := self.find("POST", rf"^/webhooks/\d+/{token}$")) and len(found) >= count and found)


def _walk(components: list[dict]) -> Iterator[dict]:
    """Every component, each before the ones nested in it (action rows hold buttons and selects)."""
    for component in components:
        yield component
        yield from _walk(component.get("components", []))


def custom_ids(components: list[dict]) -> list[str]:
    return [c["custom_id"] for c in _walk(components) if "custom_id" in c]


def buttons(components: list[dict]) -> list[dict]:
    return [c for c in _walk(components) if c.get("type") == 2]


def modal_fields(components: list[dict]) -> dict[str, dict]:
    """A modal's inputs by custom_id (inside Label components), in order."""
    return {c["component"]["custom_id"]: c["component"] for c in components if c.get("type") == 18}

