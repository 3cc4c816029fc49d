"""Buttons and selects whose state lives in their custom_id, so clicks work after a restart.

A choice button's custom_id is `rf:<user>[@<workspace>]:<Choice.id>`: the
user it was rendered for (anyone else gets a polite refusal before the core
is called), the workspace when the message sits in a DM but the data belongs
to a guild (nudges), and the core's own stable action id. The classes are
registered with `Client.add_dynamic_items` at start-up; discord.py matches
every incoming component against their templates, with no in-memory view.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord.ui import Button, DynamicItem, Select

if TYPE_CHECKING:
    from adapters.discord.bridge import Bridge

log = logging.getLogger(__name__)

CUSTOM_ID_MAX = 100
SELECT_VALUE_MAX = 100

#: Choice ids too long for a custom_id (never expected: core ids are short) are
#: kept here by digest; after a restart such a click gets the core's stale reply.
_LONG_IDS: dict[str, str] = {}


@dataclass(frozen=True)
class Target:
    """Whose buttons these are. `workspace` is set only when rendering into a DM for guild data."""

    user: str
    workspace: str | None = None

    @property
    def prefix(self) -> str:
        return self.user + (f"@{self.workspace}" if self.workspace else "")


def _shorten(action_id: str, room: int) -> str:
    if len(action_id) <= room:
        return action_id
    digest = "#" + hashlib.sha1(action_id.encode()).hexdigest()[:24]
    _LONG_IDS[digest] = action_id
    log.warning("choice id longer than %d characters kept in memory only: %r", room, action_id[:40])
    return digest


def expand(action_id: str) -> str:
    return _LONG_IDS.get(action_id, action_id)


def button_custom_id(target: Target, action_id: str) -> str:
    head = f"rf:{target.prefix}:"
    return head + _shorten(action_id, CUSTOM_ID_MAX - len(head))


def select_value(action_id: str) -> str:
    return _shorten(action_id, SELECT_VALUE_MAX)


def select_custom_id(target: Target, index: int) -> str:
    return f"rfs:{target.prefix}:{index}"


def reopen_custom_id(user: str, key: str) -> str:
    return f"rff:{user}:{key}"


def _bridge(interaction: discord.Interaction) -> "Bridge":
    return interaction.client.bridge  # type: ignore[attr-defined]


class ChoiceButton(DynamicItem[Button], template=r"rf:(?P<user>\d+)(?:@(?P<ws>[\w-]+))?:(?P<action>.+)"):
    """A Reply.choice as a button."""

    def __init__(self, user: str, workspace: str | None, action_id: str, item: Button | None = None) -> None:
        self.user = user
        self.workspace = workspace
        self.action_id = action_id
        super().__init__(item or Button(custom_id=button_custom_id(Target(user, workspace), action_id)))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /) -> "ChoiceButton":
        return cls(match["user"], match["ws"], match["action"], item=item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await _bridge(interaction).on_choice(interaction, self.user, self.workspace, expand(self.action_id))


class ChoiceSelect(DynamicItem[Select], template=r"rfs:(?P<user>\d+)(?:@(?P<ws>[\w-]+))?:(?P<index>\d+)"):
    """Many choices as a select menu; the picked option's value is the Choice.id."""

    def __init__(self, user: str, workspace: str | None, index: int, item: Select | None = None) -> None:
        self.user = user
        self.workspace = workspace
        super().__init__(item or Select(custom_id=select_custom_id(Target(user, workspace), index)))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /) -> "ChoiceSelect":
        return cls(match["user"], match["ws"], int(match["index"]), item=item)

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        if not values:
            await _bridge(interaction).acknowledge(interaction)
            return
        await _bridge(interaction).on_choice(interaction, self.user, self.workspace, expand(str(values[0])))


class ReopenFormButton(DynamicItem[Button], template=r"rff:(?P<user>\d+):(?P<key>[0-9a-f]+)"):
    """Opens a form again (after errors, or when a modal could not be the first response)."""

    def __init__(self, user: str, key: str, item: Button | None = None) -> None:
        self.user = user
        self.key = key
        super().__init__(item or Button(custom_id=reopen_custom_id(user, key)))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /) -> "ReopenFormButton":
        return cls(match["user"], match["key"], item=item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await _bridge(interaction).on_reopen(interaction, self.user, self.key)


DYNAMIC_ITEMS = (ChoiceButton, ChoiceSelect, ReopenFormButton)
