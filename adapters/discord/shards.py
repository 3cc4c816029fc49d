"""`REDFLAG_DISCORD_SHARDS` and `REDFLAG_DISCORD_SHARD_IDS`: which gateway shards this process runs.

Unset, the bot is one unsharded `discord.Client`, as before. A count (or
`auto`, Discord's recommendation from `GET /gateway/bot`) makes it an
`AutoShardedClient`; the ids (`0,1` or `0-2`) pick this process's shards of
that count, so several processes share the guilds. Two processes must never
run the same shard: Discord would deliver each interaction to both. Nothing
here imports discord.py, so start-up checks these before any SDK loads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

COUNT_VAR = "REDFLAG_DISCORD_SHARDS"
IDS_VAR = "REDFLAG_DISCORD_SHARD_IDS"
#: Far above any bot Redflag will be; a typo of an extra digit is caught.
MAX_SHARDS = 4096


class ShardSettingsError(ValueError):
    """Shard settings the bot cannot start with; the message names the variable and what it takes."""


@dataclass(frozen=True)
class ShardSettings:
    """How the Discord client shards, read once from the environment."""
    sharded: bool = False
    count: int | None = None  # None with sharded: Discord's recommended count
    ids: tuple[int, ...] | None = None  # None: every shard of the count

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for `discord.AutoShardedClient`."""
        options: dict[str, Any] = {}
        if self.count is not None:
            options["shard_count"] = self.count
        if self.ids is not None:
            options["shard_ids"] = list(self.ids)
        return options


def _ids(text: str, count: int) -> tuple[int, ...]:
    found: list[int] = []
    for item in text.split(","):
        item = item.strip()
        low, dash, high = item.partition("-")
        try:
            numbers = range(int(low), int(high) + 1) if dash else range(int(item), int(item) + 1)
        except ValueError:
            raise ShardSettingsError(f"{IDS_VAR} takes shard numbers like 0,1 or 0-2, not {text!r}") from None
        if not numbers:
            raise ShardSettingsError(f"{IDS_VAR}: the range {item!r} is empty")
        for n in numbers:
            if not 0 <= n < count:
                raise ShardSettingsError(f"{IDS_VAR}: shard {n} does not exist with {COUNT_VAR}={count} (shards are 0 to {count - 1})")
            if n in found:
                raise ShardSettingsError(f"{IDS_VAR} names shard {n} twice")
            found.append(n)
    return tuple(found)


def from_env(env: Mapping[str, str]) -> ShardSettings:
    count_text = (env.get(COUNT_VAR) or "").strip()
    ids_text = (env.get(IDS_VAR) or "").strip()
    if not count_text:
        if ids_text:
            raise ShardSettingsError(f"{IDS_VAR} needs {COUNT_VAR}, the total number of shards across every process")
        return ShardSettings()
    if count_text.lower() == "auto":
        if ids_text:
            raise ShardSettingsError(f"{IDS_VAR} needs a fixed {COUNT_VAR}, not auto: every process must agree on the count")
        return ShardSettings(sharded=True)
    try:
        count = int(count_text)
    except ValueError:
        raise ShardSettingsError(f"{COUNT_VAR} takes a number of shards or auto, not {count_text!r}") from None
    if not 1 <= count <= MAX_SHARDS:
        raise ShardSettingsError(f"{COUNT_VAR} takes 1 to {MAX_SHARDS} shards, not {count}")
    return ShardSettings(sharded=True, count=count, ids=_ids(ids_text, count) if ids_text else None)
