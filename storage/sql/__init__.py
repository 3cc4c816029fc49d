"""Every repository's statements, written once as SQLAlchemy Core expressions (`storage/statements.py`).

`storage/sql/<repository>.py` holds the statements `storage/<repository>.py` runs, by name
(`storage/query.py`). These modules import SQLAlchemy; the repositories do not. On SQLite their
compiled text is `storage/compiled_sqlite.py`, made by `python -m storage.sql.generate`.
"""
