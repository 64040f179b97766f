"""Parquet datasets: the directory layout ``eventwire run`` writes, and reading it back.

A dataset is a directory with one sub-directory per table of
:mod:`eventwire.store.records` (``articles/``, ``events/``, ``quotes/``,
``actors/``, ``mentions/``, ``places/``, ``failures/`` and the derived
``stories/``, ``event_aggregates/``, ``aggregated_events/``), each holding
``part-*.parquet`` files written with the table's Arrow schema, and a
manifest ``_eventwire.json`` with the schema version.

Parts of the record tables are named after the input chunk they come from
(``part-<hash of the input file>-<chunk number>.parquet``), and every table
of one chunk uses the same part name: re-running a chunk overwrites its parts
instead of adding rows, and a loader can take a chunk's rows table by table.

:func:`open_dataset` gives an in-memory DuckDB connection with one view per
table over ``read_parquet``, so :class:`~eventwire.store.Store` and every
query function read a dataset exactly as they read a database file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from eventwire.errors import SchemaVersionError, StoreError
from eventwire.ingest.ids import id_problem
from eventwire.model import Failure
from eventwire.store.records import (
    DERIVED_TABLES,
    RECORD_TABLES,
    SCHEMA_VERSION,
    SCHEMAS,
    failure_row,
    to_arrow,
)


class Store(Protocol):
    """What loading a dataset needs of a store (:class:`eventwire.store.database.Store` is one); named, not
    imported, because the store opens datasets through this module."""

    def known_ids(self, ids: Iterable[str]) -> set[str]: ...

    def insert_tables(self, tables: dict[str, Any], replace: bool = False) -> None: ...

MANIFEST = "_eventwire.json"
ALL_TABLES: tuple[str, ...] = (*RECORD_TABLES, "failures", *DERIVED_TABLES)


def is_dataset(path: str | Path) -> bool:
    """True when ``path`` is a directory that looks like an eventwire Parquet dataset."""
    root = Path(path)
    return root.is_dir() and ((root / MANIFEST).exists() or (root / "articles").is_dir())


def read_manifest(root: str | Path) -> dict[str, Any]:
    path = Path(root) / MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: unreadable dataset manifest: {exc}") from exc


def check_version(root: str | Path) -> None:
    found = read_manifest(root).get("schema_version", SCHEMA_VERSION)
    if int(found) != SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{root} holds a dataset of schema version {found}, this eventwire reads version {SCHEMA_VERSION}; "
            "re-run `eventwire run` into a new directory"
        )


def readable_dataset(root: str | Path) -> Path:
    """``root`` as a Path, once it is a dataset of this schema version (StoreError or SchemaVersionError if not)."""
    root = Path(root)
    if not is_dataset(root):
        raise StoreError(f"{root} is not an eventwire Parquet dataset (no articles/ directory or {MANIFEST})")
    check_version(root)
    return root


def part_files(root: str | Path, table: str) -> list[Path]:
    """The visible part files of ``table`` (temporary files of unfinished writes are hidden: they start with a dot)."""
    directory = Path(root) / table
    if not directory.is_dir():
        return []
    return sorted(directory.glob("part-*.parquet"))


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_empty(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """An empty table with ``table``'s schema (for tables a dataset has no parts of)."""
    con.register("empty_schema", SCHEMAS[table].empty_table())
    con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM empty_schema')
    con.unregister("empty_schema")


def open_dataset(root: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection exposing the dataset's tables as views over its Parquet parts."""
    root = readable_dataset(root)
    con = duckdb.connect(":memory:")
    try:
        for table in ALL_TABLES:
            if part_files(root, table):
                pattern = _sql_string(str(root.resolve() / table / "part-*.parquet"))
                con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet({pattern})')
            else:
                create_empty(con, table)
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('dataset', ?)", [str(SCHEMA_VERSION), str(root)])
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"cannot read the Parquet dataset {root}: {exc}") from exc
    return con


def load_dataset(store: Store, root: str | Path, progress: Callable[[int, int], None] | None = None,
                 ) -> tuple[int, int, int]:
    """Load a dataset's records into ``store``, skipping articles already stored.

    Goes a part at a time (the rows of one input chunk in every table), each
    part in one transaction, so memory is bounded by the part size and an
    interrupted load resumes without duplicates. Returns ``(stored, skipped,
    failures)``. Derived tables are not copied: refresh them in the store.
    """
    root = readable_dataset(root)
    stored = skipped = failed_ids = 0
    for part in part_files(root, "articles"):
        articles = pq.read_table(part, schema=SCHEMAS["articles"])
        ids = articles.column("id").to_pylist()
        known = store.known_ids(ids)
        # The id rule holds here too: a dataset's files may come from anywhere.
        refused = {i: problem for i in dict.fromkeys(ids) if (problem := id_problem(i or ""))}
        fresh = [i for i in dict.fromkeys(ids) if i not in known and i not in refused]
        skipped += len(ids) - len(fresh) - len(refused)
        if refused:
            when = datetime.now(UTC).replace(tzinfo=None)
            rows = [failure_row(Failure(f"{part}#{(i or '')[:60]}", f"id refused: {problem}"), when)
                    for i, problem in refused.items()]
            store.insert_tables({"failures": to_arrow("failures", rows)}, replace=True)
            failed_ids += len(refused)
        if fresh:
            keep = pa.array(fresh)
            tables = {"articles": articles.filter(pc.is_in(articles.column("id"), keep))}
            for table in RECORD_TABLES[1:]:
                path = root / table / part.name
                if path.exists():
                    rows = pq.read_table(path, schema=SCHEMAS[table])
                    tables[table] = rows.filter(pc.is_in(rows.column("article_id"), keep))
            # An article present twice in the input is twice in the part: the key keeps the first copy.
            store.insert_tables(tables)
            stored += len(fresh)
        if progress:
            progress(stored, skipped)
    failures = failed_ids
    for part in part_files(root, "failures"):
        rows = pq.read_table(part, schema=SCHEMAS["failures"])
        store.insert_tables({"failures": rows}, replace=True)
        failures += rows.num_rows
    return stored, skipped, failures

