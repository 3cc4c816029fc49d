"""The Edit / Delete / Keep buttons of a correction, and how a click on one is read.

`/invoice edit|delete` and `/incident edit|delete` show the same buttons with
ids `<prefix>:<verb>:<key>` (verb: edit, ask, delete, keep); this module
builds them and reads them back, so the two commands differ only in what
they look up and change.
"""
from __future__ import annotations

from bot.context import Context
from bot.replies import Choice, Reply
from storage.records import Incident, Invoice

#: The id prefixes of the correction buttons, here so that the lists that show them need not import the commands.
INCIDENT = "incfix"
INVOICE = "invfix"


def incident_tag(incident: Incident) -> str:
    """How an incident is named in a correction: by its number (`#3`)."""
    return f"#{incident.number}"


def line_choices(ctx: Context, prefix: str, key: int, tag: str) -> tuple[Choice, ...]:
    """The Edit / Delete actions shown beside one listed line; Delete asks first."""
    return (
        Choice(f"{prefix}:edit:{key}", ctx.t("fix.edit_label", id=tag)),
        Choice(f"{prefix}:ask:{key}", ctx.t("fix.delete_label", id=tag), "danger"),
    )


def incident_choices(ctx: Context, incident: Incident) -> tuple[Choice, ...]:
    """Edit / Delete beside one listed incident (`/incident list`, the dossier)."""
    return line_choices(ctx, INCIDENT, incident.number, incident_tag(incident))


def invoice_choices(ctx: Context, invoice: Invoice) -> tuple[Choice, ...]:
    """Edit / Delete beside one listed invoice (by id: a reference may contain anything)."""
    return line_choices(ctx, INVOICE, invoice.id, invoice.ref)


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
