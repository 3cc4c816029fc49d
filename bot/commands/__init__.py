"""Importing this package registers every command, button and form handler.

One line per feature module; see `bot/registry.py`. The commands are imported
in the order `/redflag help` lists them.
"""
from bot.commands import client, client_export, client_report, incident, invoice, fire, redflag  # noqa: F401  (help order)
from bot.commands import ask, nudge_actions  # noqa: F401
from bot.commands import client_fix, incident_fix, invoice_fix, invoice_import  # noqa: F401,E402  (issue 19)
from bot.alerts import actions as _alerts  # noqa: F401,E402  (issue 21: pattern alerts and the digest)
