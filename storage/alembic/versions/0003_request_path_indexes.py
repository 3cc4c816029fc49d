"""Two indexes for what every `/incident` reads: the client's incident count and the client's alerts.

Every logged incident answers with the client's incident count
(`Incidents.count_for_client`: `count(*)` of the client's rows not deleted).
With only `(workspace, owner, client_id, occurred_at)` the engine found the
client's rows by that index and then read each row to check `deleted_at`:
O(incidents of the client) on every `/incident` (issue 20). With
`deleted_at` in the index the count is answered from the index alone.

The pattern check after it reads what is on file about the client
(`Alerts.client_alerts`, `last_client_alert`), by `(workspace, owner,
client_id)`; the alerts table had no index with `client_id`, so each read
went through every alert of the user (or every pending one of everyone).

`storage/schema.py` declares both, so a new PostgreSQL database made by
`create_all` already has them; `if_not_exists` makes the revision a no-op
there and on a database where it ran before.

Revision ID: 0003_request_path_indexes
Revises: 0002_slack_tables
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

revision = "0003_request_path_indexes"
down_revision = "0002_slack_tables"
branch_labels = None
depends_on = None

#: (index, table, columns)
INDEXES = (
    ("idx_incidents_workspace_owner_client_id_deleted_at", "incidents", ["workspace", "owner", "client_id", "deleted_at"]),
    ("idx_alerts_workspace_owner_client_id", "alerts", ["workspace", "owner", "client_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, if_not_exists=True)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table, if_exists=True)
