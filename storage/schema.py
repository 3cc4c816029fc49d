"""Every table of the store, declared once with SQLAlchemy Core (issue 16 ports the queries to it).

Today the tables are made by each area's migrations (`MIGRATIONS` in the
storage modules, run by `storage/db.py`); this module says the same schema in
one place, so the PostgreSQL port and its Alembic baseline start from it.
`tests/storage/test_schema.py` builds a fresh database through the migrations
and compares it with these declarations (columns, type affinity, NULLs,
defaults, primary keys, foreign keys, unique and other indexes): the two
cannot drift apart. On PostgreSQL `storage/db.py` makes the schema from it (`create_all`).

Names are today's: the indexes sqlite-utils made are `idx_<table>_<columns>`;
the ones written by hand keep theirs. Text columns hold UTC ISO times, ISO
dates and JSON, as `storage/rows.py` reads them; money is integer minor units.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

metadata = MetaData()


def partial(where: str) -> dict[str, Any]:
    """An index's `WHERE`, said once for both engines.

    SQLite's is `sqlite_where` (its dialect is loaded anyway). PostgreSQL's is
    given when the index is compiled for PostgreSQL (`_where_on_postgresql`):
    a `postgresql_where=` here would make SQLAlchemy import its whole
    PostgreSQL dialect, with every driver's module, at every SQLite start-up
    (~20 ms, issue 20).
    """
    return {"sqlite_where": text(where), "info": {"where": where}}


@compiles(CreateIndex, "postgresql")
def _where_on_postgresql(create: CreateIndex, compiler: Any, **kw: Any) -> str:
    """PostgreSQL's `CREATE INDEX … WHERE`, from `partial`: the PostgreSQL dialect is loaded by now."""
    index = create.element
    where = index.info.get("where")
    if where is not None and index.dialect_options["postgresql"]["where"] is None:
        index.dialect_options["postgresql"]["where"] = text(where)
    return compiler.visit_create_index(create, **kw)


def _default(value: str):  # noqa: ANN202 - a server default as the migrations wrote it
    return text(value)


# -- storage/db.py --------------------------------------------------------------------
schema_versions = Table(
    "schema_versions", metadata,
    Column("component", Text, primary_key=True),
    Column("version", Integer, nullable=False),
)

# -- storage/users.py -------------------------------------------------------------------
workspaces = Table(
    "workspaces", metadata,
    Column("id", Text, primary_key=True, nullable=False),
    Column("platform", Text, nullable=False),
    Column("name", Text),
    Column("settings", Text),  # JSON object: the workspace's own settings (Workspaces)
    Column("created_at", Text, nullable=False),
)

users = Table(
    "users", metadata,
    Column("workspace", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("platform", Text, nullable=False),
    Column("language", Text),
    Column("timezone", Text),
    Column("send_hour", Integer, nullable=False, server_default=_default("9")),
    Column("platform_locale", Text),
    Column("platform_timezone", Text),
    Column("created_at", Text, nullable=False),
    Column("display_name", Text),
    Column("signature", Text),
    Column("letter_prompted", Integer),
    PrimaryKeyConstraint("workspace", "user"),
)

# -- storage/clients.py -----------------------------------------------------------------
clients = Table(
    "clients", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("terms_days", Integer, nullable=False),
    Column("currency", Text, nullable=False),
    Column("email", Text),
    Column("paused", Integer, nullable=False, server_default=_default("0")),
    Column("paused_until", Text),
    Column("created_at", Text, nullable=False),
    Column("contact", Text),
    Column("request_id", Text),
    Index("idx_clients_workspace_owner_name_key", "workspace", "owner", "name_key", unique=True),
    Index("clients_request", "workspace", "owner", "request_id", unique=True),
)

# -- storage/incidents.py ---------------------------------------------------------------
incidents = Table(
    "incidents", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("occurred_at", Text, nullable=False),
    Column("logged_at", Text, nullable=False),
    Column("logged_by", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("source_ref", Text),
    Column("request_id", Text),
    Column("number", Integer),
    Column("deleted_at", Text),
    Column("occurred_on", Text),
    Index("idx_incidents_workspace_owner_client_id_occurred_at", "workspace", "owner", "client_id", "occurred_at"),
    Index("idx_incidents_workspace_owner_request_id", "workspace", "owner", "request_id", unique=True),
    Index("idx_incidents_workspace_owner_number", "workspace", "owner", "number"),
    # revision 0003: the per-client count answered from the index alone (issue 20)
    Index("idx_incidents_workspace_owner_client_id_deleted_at", "workspace", "owner", "client_id", "deleted_at"),
)

# -- storage/invoices.py ----------------------------------------------------------------
invoices = Table(
    "invoices", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("ref", Text, nullable=False),
    Column("ref_key", Text, nullable=False),
    Column("amount_minor", Integer, nullable=False),
    Column("currency", Text, nullable=False),
    Column("issued_on", Text, nullable=False),
    Column("due_on", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=_default("'open'")),
    Column("snoozed_until", Text),
    Column("paid_on", Text),
    Column("next_nudge_on", Text),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("request_id", Text),
    Index("idx_invoices_workspace_owner_ref_key", "workspace", "owner", "ref_key", unique=True),
    Index("idx_invoices_workspace_owner_client_id_issued_on", "workspace", "owner", "client_id", "issued_on"),
    Index("idx_invoices_workspace_owner_status_due_on", "workspace", "owner", "status", "due_on"),
    Index("idx_invoices_status_next_nudge_on", "status", "next_nudge_on"),  # the reminder sweep's scan
    Index("invoices_request", "workspace", "owner", "request_id", unique=True),
)

payments = Table(
    "payments", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("invoice_id", Integer, ForeignKey("invoices.id"), nullable=False),
    Column("amount_minor", Integer, nullable=False),
    Column("currency", Text, nullable=False),
    Column("paid_on", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
    Column("request_id", Text),
    Index("idx_payments_invoice_id", "invoice_id"),
    Index("idx_payments_workspace_owner_request_id", "workspace", "owner", "request_id", unique=True),
)

# -- storage/nudges.py (and the delivery columns of storage/nudge_delivery.py) ------------
nudge_messages = Table(
    "nudge_messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("client_id", Integer, nullable=False),
    Column("local_day", Text, nullable=False),
    Column("platform", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=_default("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=_default("0")),
    Column("next_attempt_at", Text, nullable=False),
    Column("lease_until", Text),
    Column("last_error", Text),
    Column("created_at", Text, nullable=False),
    Column("delivered_at", Text),
    Column("failed_at", Text),
    Column("lease_owner", Text),
    Column("parts_done", Integer, nullable=False, server_default=_default("0")),
    Column("inflight_part", Integer),
    Column("inflight_at", Text),
    Column("error_kind", Text),
    Index("idx_nudge_messages_workspace_owner_client_id_local_day", "workspace", "owner", "client_id", "local_day",
          unique=True),  # one reminder DM per client per local day
    Index("idx_nudge_messages_status_next_attempt_at", "status", "next_attempt_at"),
    Index("idx_nudge_messages_pending_id", "status", "id"),
)

nudge_ledger = Table(
    "nudge_ledger", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("client_id", Integer, nullable=False),
    Column("invoice_id", Integer, nullable=False),
    Column("due_on", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("overdue_days", Integer, nullable=False),
    Column("message_id", Integer, ForeignKey("nudge_messages.id"), nullable=False),
    Column("claimed_at", Text, nullable=False),
    Index("idx_nudge_ledger_invoice_id_due_on_stage", "invoice_id", "due_on", "stage",
          unique=True),  # the exactly-once guarantee: one claim per stage per due date
    Index("idx_nudge_ledger_message_id", "message_id"),
    Index("idx_nudge_ledger_workspace_owner_client_id", "workspace", "owner", "client_id"),
)

# -- storage/followups.py -----------------------------------------------------------------
followups = Table(
    "followups", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("platform", Text, nullable=False),
    Column("client_id", Integer),
    Column("kind", Text, nullable=False),
    Column("key", Text),
    Column("due_at", Text, nullable=False),
    Column("payload", Text, nullable=False, server_default=_default("'{}'")),
    Column("created_at", Text, nullable=False),
    Column("delivered_at", Text),
    Column("attempts", Integer, nullable=False, server_default=_default("0")),
    Column("last_error", Text),
    Column("gave_up_at", Text),
    Index("idx_followups_delivered_at_gave_up_at_due_at", "delivered_at", "gave_up_at", "due_at"),
    Index("idx_followups_workspace_owner_key", "workspace", "owner", "key", unique=True),
)

#: A follow-up's lease (created by the `nudges` migrations, written by storage/followups.py).
nudge_followup_leases = Table(
    "nudge_followup_leases", metadata,
    Column("followup_id", Integer, primary_key=True),
    Column("lease_until", Text, nullable=False),
    Column("lease_owner", Text),
    Column("parts_done", Integer, nullable=False, server_default=_default("0")),
    Column("inflight_part", Integer),
    Column("inflight_at", Text),
)

# -- storage/dialogues.py -------------------------------------------------------------------
dialogues = Table(
    "dialogues", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("platform", Text, nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("status", Text, nullable=False, server_default=_default("'active'")),
    Column("step", Text, nullable=False),
    Column("step_no", Integer, nullable=False, server_default=_default("1")),
    Column("answers", Text, nullable=False, server_default=_default("'{}'")),
    Column("history", Text, nullable=False, server_default=_default("'[]'")),
    Column("last_action", Text),
    Column("verdict", Text),
    Column("outcome", Text),
    Column("started_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("finished_at", Text),
    Index("idx_dialogues_workspace_owner_client_id_status", "workspace", "owner", "client_id", "status"),
    # At most one active dialogue per client, even with a second process on the file.
    Index("dialogues_one_active", "workspace", "owner", "client_id", unique=True, **partial("status = 'active'")),
)

# -- storage/requests.py ---------------------------------------------------------------------
request_answers = Table(
    "request_answers", metadata,
    Column("workspace", Text, nullable=False),
    Column("request_key", Text, nullable=False),
    Column("state", Text, nullable=False),  # 'running' | 'done'
    Column("answer", Text),
    Column("started_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
    Index("request_answers_key", "workspace", "request_key", unique=True),
    Index("request_answers_expiry", "expires_at"),
)

# -- storage/routes.py -------------------------------------------------------------------------
workspace_routes = Table(
    "workspace_routes", metadata,
    Column("platform", Text, nullable=False),
    Column("workspace", Text, nullable=False),
    Column("installation", Text, nullable=False),
    Column("seen_at", Text, nullable=False),
    PrimaryKeyConstraint("platform", "workspace"),
)

people_teams = Table(
    "people_teams", metadata,
    Column("platform", Text, nullable=False),
    Column("installation", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("team", Text, nullable=False),
    Column("seen_at", Text, nullable=False),
    PrimaryKeyConstraint("platform", "installation", "user"),
)

# -- storage/history.py ------------------------------------------------------------------------
changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("entity", Text, nullable=False),  # "incident" | "invoice" | "client"
    Column("entity_id", Integer, nullable=False),
    Column("client_id", Integer),  # the client whose trail shows it (after a merge: the one merged into)
    Column("action", Text, nullable=False),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Column("changed_at", Text, nullable=False),
    Column("changed_by", Text, nullable=False),
    Column("request_id", Text),
    Index("idx_changes_workspace_owner_client_id_changed_at", "workspace", "owner", "client_id", "changed_at"),
    Index("idx_changes_workspace_owner_entity_entity_id", "workspace", "owner", "entity", "entity_id"),
    Index("idx_changes_workspace_owner_request_id", "workspace", "owner", "request_id", unique=True),
)

# -- storage/client_settings.py ------------------------------------------------------------------
client_settings = Table(
    "client_settings", metadata,
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("client_id", Integer, nullable=False),
    Column("late_fee_percent", Float),
    Column("late_fee_minor", Integer),
    Column("late_fee_currency", Text),
    PrimaryKeyConstraint("workspace", "owner", "client_id"),
)

# -- storage/imports.py ----------------------------------------------------------------------------
import_batches = Table(
    "import_batches", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("table_json", Text, nullable=False),
    Column("mapping_json", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=_default("'pending'")),
    Column("result_json", Text),
    Column("created_at", Text, nullable=False),
    Column("request_id", Text),
    Index("idx_import_batches_workspace_owner_request_id", "workspace", "owner", "request_id", unique=True),
)

# -- storage/alerts.py -----------------------------------------------------------------------------
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("platform", Text, nullable=False),
    Column("client_id", Integer),
    Column("kind", Text, nullable=False),
    Column("rule", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("advice", Text, nullable=False, server_default=_default("''")),
    Column("evidence", Text, nullable=False, server_default=_default("'{}'")),
    Column("due_at", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=_default("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=_default("0")),
    Column("next_attempt_at", Text, nullable=False),
    Column("last_error", Text),
    Column("delivered_at", Text),
    Column("failed_at", Text),
    Column("lease_until", Text),
    Column("lease_owner", Text),
    Column("parts_done", Integer, nullable=False, server_default=_default("0")),
    Column("inflight_part", Integer),
    Column("inflight_at", Text),
    Index("idx_alerts_key", "workspace", "owner", "key", unique=True),
    Index("idx_alerts_pending", "status", "due_at"),
    # revision 0003: the pattern check's reads of one client's alerts (issue 20)
    Index("idx_alerts_workspace_owner_client_id", "workspace", "owner", "client_id"),
)

alert_silences = Table(
    "alert_silences", metadata,
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("client_id", Integer, nullable=False),
    Column("rule", Text, nullable=False),
    Column("until", Text, nullable=False),
    PrimaryKeyConstraint("workspace", "owner", "client_id", "rule"),
)

alert_settings = Table(
    "alert_settings", metadata,
    Column("workspace", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("alerts_on", Integer, nullable=False, server_default=_default("1")),
    Column("digest_day", Text, nullable=False, server_default=_default("'monday'")),
    PrimaryKeyConstraint("workspace", "owner"),
)
