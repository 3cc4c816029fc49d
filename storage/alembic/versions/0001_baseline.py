"""Baseline: the schema as the per-area migrations (SQLite) and `storage/pg_schema.py` (PostgreSQL) left it.

`storage/migrations.py` brings a database to this schema before stamping it
(a file from the previous release runs its remaining per-area steps; a new
one is made whole), so this revision itself changes nothing. Later schema
changes are new revisions after this one.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-02
"""
from __future__ import annotations

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing: the baseline schema is already there."""


def downgrade() -> None:
    """Nothing to undo before the baseline."""
