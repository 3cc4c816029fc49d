"""Alembic's environment for Redflag's schema (`env.py`, `versions/`); run through `storage/migrations.py`."""
