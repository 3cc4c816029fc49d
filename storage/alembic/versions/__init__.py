"""Alembic revisions of Redflag's schema, oldest first; `0001_baseline` is the schema of the per-area migrations."""
