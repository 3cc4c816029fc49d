"""Where rows are read and written: one SQLite file through sqlite-utils.

`Store` (in `store.py`) is the only door; the core never writes SQL.
"""
from storage.store import Store, open_store

__all__ = ["Store", "open_store"]
