"""Store: the embedded DuckDB database and the tabular layout of records."""

from eventwire.store.database import DEFAULT_DB, Store

__all__ = ["DEFAULT_DB", "Store"]
