"""The store: the one door to the database, composed of one repository per area.

A feature that needs rows adds a repository module here (with its own
`MIGRATIONS`) and a line in `COMPONENTS`; nothing else in the store changes.
Each repository writes only its own tables; one that changes several areas
at once (`Corrections`, the sweep's `DeliveryState`) is handed the owners.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from storage import clients, incidents, invoices, nudges, users
from storage import dialogues, followups
from storage import health, requests, routes
from storage import client_settings, corrections, history, imports
from storage import alerts, migrations
from storage.db import Database, is_postgresql, opening

#: (component name, migrations) in dependency order.
COMPONENTS = [
    ("users", users.MIGRATIONS),
    ("clients", clients.MIGRATIONS),
    ("incidents", incidents.MIGRATIONS),
    ("invoices", invoices.MIGRATIONS),
    ("nudges", nudges.MIGRATIONS),
    ("dialogues", dialogues.MIGRATIONS),
    ("followups", followups.MIGRATIONS),
    ("requests", requests.MIGRATIONS),
    ("routes", routes.MIGRATIONS),
    ("history", history.MIGRATIONS),
    ("client_settings", client_settings.MIGRATIONS),
    ("imports", imports.MIGRATIONS),
    ("alerts", alerts.MIGRATIONS),
]


class Store:
    def __init__(self, path: str | Path) -> None:
        database = None
        try:
            with opening(path):
                database = Database(path)
                health.check_versions(database, database.path, COMPONENTS)
                if database.dialect.sqlite:
                    health.check_size(database.conn, database.path)
                migrations.check_at_start(database, COMPONENTS)
        except sqlite3.Error as err:
            if database is not None:
                database.close()
            raise health.unusable(err, str(path)) from None
        except BaseException:
            if database is not None:
                database.close()
            raise
        self.database = database
        self.workspaces = users.Workspaces(self.database)
        self.users = users.Users(self.database, self.workspaces)
        self.clients = clients.Clients(self.database)
        self.incidents = incidents.Incidents(self.database)
        self.invoices = invoices.Invoices(self.database)
        self.dialogues = dialogues.Dialogues(self.database)
        self.followups = followups.Followups(self.database)
        self.alerts = alerts.Alerts(self.database)
        self.nudges = nudges.Nudges(self.database, self.followups, self.alerts)
        self.requests = requests.Requests(self.database)
        self.routes = routes.Routes(self.database)
        self.history = history.History(self.database)
        self.client_settings = client_settings.ClientSettings(self.database)
        self.corrections = corrections.Corrections(self.database, self.history, corrections.Owners(
            self.clients, self.incidents, self.invoices, self.nudges, self.dialogues, self.followups,
            self.client_settings,
        ))
        self.imports = imports.Imports(self.database)

    @property
    def path(self) -> str:
        return self.database.path

    def ping(self) -> None:
        """Raise when the database cannot answer a query (health checks)."""
        self.database.one("SELECT 1 AS ok")

    def serving(self) -> None:
        """What a long-running server wants of its database: SQLite's checkpoints off its request path."""
        self.database.checkpoint_in_background()

    def close(self) -> None:
        self.database.close()


def default_path() -> str:
    """The database to open: `REDFLAG_DATABASE_URL` when it names PostgreSQL, else the SQLite file."""
    url = (os.environ.get("REDFLAG_DATABASE_URL") or "").strip()
    if is_postgresql(url):
        return url
    return os.environ.get("REDFLAG_DB") or "./redflag.db"


def open_store(path: str | Path | None = None) -> Store:
    return Store(path or default_path())
