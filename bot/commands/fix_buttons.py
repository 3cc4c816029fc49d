"""The Edit / Delete / Keep buttons of a correction, and how a click on one is read.

`/invoice edit|delete` and `/incident edit|delete` show the same buttons with
ids `<prefix>:<verb>:<key>` (verb: edit, ask, delete, keep); this module
builds them and reads them back, so the two commands differ only in what
they look up and change.
"""
from __future__ import annotations

from bot.context import Context
from bot.replies import Choice, Reply


def line_choices(ctx: Context, prefix: str, key: int, tag: str) -> tuple[Choice, ...]:
    """The Edit / Delete actions shown beside one listed line; Delete asks first."""
    return (
        Choice(f"{prefix}:edit:{key}", ctx.t("fix.edit_label", id=tag)),
        Choice(f"{prefix}:ask:{key}", ctx.t("fix.delete_label", id=tag), "danger"),
    )


def confirm_choices(ctx: Context, prefix: str, key: int, tag: str) -> tuple[Choice, ...]:
    """The buttons under "delete this?": Delete does it, Keep leaves it."""
    return (
        Choice(f"{prefix}:delete:{key}", ctx.t("fix.delete_label", id=tag), "danger"),
        Choice(f"{prefix}:keep:{key}", ctx.t("fix.keep")),
    )


def read_click(ctx: Context, action_id: str) -> tuple[str, int] | list[Reply]:
    """`(verb, key)` of a click, or the answer already: a stale id, or Keep (nothing changes)."""
    parts = action_id.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
    if parts[1] == "keep":
        return [Reply(text=ctx.t("fix.kept"), replaces=True)]
    return parts[1], int(parts[2])
