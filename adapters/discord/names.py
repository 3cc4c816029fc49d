"""The catalog ids of the Discord command tree's names and descriptions, one table.

Written out so a search from a `.po` id finds its use. The key is the command
as typed (`"client"`, `"client add"`, `"fire"`); `tests/discord/test_tree_declared.py`
fails when a declared command or subcommand has no entry here. The options'
words are `bot.declare.OPTION_IDS`.
"""
from __future__ import annotations

#: (name id, description id) per command and subcommand.
COMMAND_IDS: dict[str, tuple[str, str]] = {
    "client": ("discord.cmd.client", "discord.cmd.client.desc"),
    "client add": ("discord.cmd.client.add", "discord.cmd.client.add.desc"),
    "client list": ("discord.cmd.client.list", "discord.cmd.client.list.desc"),
    "client show": ("discord.cmd.client.show", "discord.cmd.client.show.desc"),
    "client export": ("discord.cmd.client.export", "discord.cmd.client.export.desc"),
    "client report": ("discord.cmd.client.report", "discord.cmd.client.report.desc"),
    "client pause": ("discord.cmd.client.pause", "discord.cmd.client.pause.desc"),
    "client resume": ("discord.cmd.client.resume", "discord.cmd.client.resume.desc"),
    "incident": ("discord.cmd.incident", "discord.cmd.incident.desc"),
    "incident log": ("discord.cmd.incident.log", "discord.cmd.incident.log.desc"),
    "incident list": ("discord.cmd.incident.list", "discord.cmd.incident.list.desc"),
    "invoice": ("discord.cmd.invoice", "discord.cmd.invoice.desc"),
    "invoice add": ("discord.cmd.invoice.add", "discord.cmd.invoice.add.desc"),
    "invoice paid": ("discord.cmd.invoice.paid", "discord.cmd.invoice.paid.desc"),
    "invoice list": ("discord.cmd.invoice.list", "discord.cmd.invoice.list.desc"),
    "invoice snooze": ("discord.cmd.invoice.snooze", "discord.cmd.invoice.snooze.desc"),
    "fire": ("discord.cmd.fire", "discord.cmd.fire.desc"),
    "redflag": ("discord.cmd.redflag", "discord.cmd.redflag.desc"),
    "redflag help": ("discord.cmd.redflag.help", "discord.cmd.redflag.help.desc"),
    "redflag settings": ("discord.cmd.redflag.settings", "discord.cmd.redflag.settings.desc"),
    "client contact": ("discord.cmd.client.contact", "discord.cmd.client.contact.desc"),
    "incident edit": ("discord.cmd.incident.edit", "discord.cmd.incident.edit.desc"),
    "incident delete": ("discord.cmd.incident.delete", "discord.cmd.incident.delete.desc"),
    "invoice edit": ("discord.cmd.invoice.edit", "discord.cmd.invoice.edit.desc"),
    "invoice delete": ("discord.cmd.invoice.delete", "discord.cmd.invoice.delete.desc"),
    "invoice import": ("discord.cmd.invoice.import", "discord.cmd.invoice.import.desc"),
    "client rename": ("discord.cmd.client.rename", "discord.cmd.client.rename.desc"),
    "client merge": ("discord.cmd.client.merge", "discord.cmd.client.merge.desc"),
    "client delete": ("discord.cmd.client.delete", "discord.cmd.client.delete.desc"),
    "client set": ("discord.cmd.client.set", "discord.cmd.client.set.desc"),
}
#: The message context menu that logs a chat message as an incident.
CAPTURE = "discord.cmd.capture"


def command_ids(name: str, sub: str | None = None) -> tuple[str, str]:
    """The ids of `/name` or of `/name sub`."""
    return COMMAND_IDS[f"{name} {sub}" if sub else name]
