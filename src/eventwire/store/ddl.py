"""The DuckDB tables of a store: their keys and ``CREATE TABLE`` statements read off the Arrow schemas.

Kept apart from :mod:`eventwire.store.database` so that the modules the store opens (the watcher's tables in
:mod:`eventwire.store.sources`) can create their tables without importing the store.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from eventwire.store.records import SCHEMAS

# The primary key of each record table (inserts replace or skip rows with a known key).
KEYS = {
    "articles": "PRIMARY KEY (id)",
    "actors": "PRIMARY KEY (article_id, id)",
    "quotes": "PRIMARY KEY (article_id, id)",
    "events": "PRIMARY KEY (article_id, id)",
    "places": "PRIMARY KEY (article_id, idx)",
    "failures": "PRIMARY KEY (name)",
    "stories": "PRIMARY KEY (article_id)",
    "event_aggregates": "PRIMARY KEY (article_id, event_id)",
    "aggregated_events": "PRIMARY KEY (id)",
}


def create_table_sql(name: str, schema: pa.Schema | None = None, key: str | None = None) -> str:
    """``CREATE TABLE`` for a record table (or another table given its ``schema`` and ``key``), its column
    types read off its Arrow schema."""
    probe = duckdb.connect()
    try:
        probe.register("empty", (schema or SCHEMAS[name]).empty_table())
        described = probe.execute("DESCRIBE SELECT * FROM empty").fetchall()
        columns = ", ".join(f'"{col}" {kind}' for col, kind, *_ in described)
    finally:
        probe.close()
    key = key or KEYS.get(name)
    return f'CREATE TABLE IF NOT EXISTS "{name}" ({columns}{", " + key if key else ""})'
