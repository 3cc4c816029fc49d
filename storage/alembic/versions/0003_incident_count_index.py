"""A covering index for the per-client incident count: `/incident`'s reply no longer reads every incident.

Every logged incident answers with the client's incident count
(`Incidents.count_for_client`: `count(*)` of the client's rows not deleted).
With only `(workspace, owner, client_id, occurred_at)` the engine found the
client's rows by that index and then read each row to check `deleted_at`:
O(incidents of the client) on every `/incident` (issue 20). With
`deleted_at` in the index the count is answered from the index alone.

`storage/schema.py` declares the index, so a new PostgreSQL database made by
`create_all` already has it; `if_not_exists` makes the revision a no-op there
and on a database where it ran before.

Revision ID: 0003_incident_count_index
Revises: 0002_slack_tables
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

revision = "0003_incident_count_index"
down_revision = "0002_slack_tables"
branch_labels = None
depends_on = None

NAME = "idx_incidents_workspace_owner_client_id_deleted_at"


def upgrade() -> None:
    op.create_index(NAME, "incidents", ["workspace", "owner", "client_id", "deleted_at"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index(NAME, table_name="incidents", if_exists=True)
