"""Settings checked once at start-up, before any surface or store opens: one clear line, or go.

Each rule lives with its owner (`bot.database_url`, `bot.process_settings`,
`adapters.discord.shards`); this module only runs them in order and turns a
refusal into a message on stderr and a non-zero exit.
"""
from __future__ import annotations

import sys
from typing import MutableMapping

#: The exit status for settings Redflag cannot start with (argparse uses 2 for bad usage too).
BAD_SETTINGS = 2


def check_settings(env: MutableMapping[str, str]) -> None:
    """Validate every process-level setting; leaves the SQLite path in `REDFLAG_DB`. SystemExit(2) on a bad one."""
    from adapters.discord import shards
    from bot import database_url, process_settings

    try:
        database_url.apply(env)
        process_settings.scheduler_enabled(env)
        process_settings.nudge_batch(env)
        shards.from_env(env)
    except (database_url.DatabaseUrlError, process_settings.SettingError, shards.ShardSettingsError) as err:
        print(f"redflag: {err}", file=sys.stderr)
        raise SystemExit(BAD_SETTINGS) from None
