"""The embedded DuckDB store.

One file holds every table of :mod:`eventwire.store.records`. Each batch of
articles is written in one transaction through Arrow (never row by row), so
an interrupted ingest leaves only whole articles behind; a re-run skips the
ids already stored and so resumes without duplicates. The schema version is
recorded in ``meta`` and checked on open.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from eventwire.errors import SchemaVersionError, StoreError, StoreLockedError
from eventwire.ingest.ids import id_problem
from eventwire.model import Article, Failure
from eventwire.store.ddl import KEYS, create_table_sql
from eventwire.store.records import (
    DERIVED_TABLES,
    RECORD_TABLES,
    SCHEMA_VERSION,
    batch_tables,
    failure_row,
    to_arrow,
)
from eventwire.store.sources import ensure_source_tables

DEFAULT_DB = "eventwire.duckdb"

# Secondary indexes for the filters the CLI and the API offer.
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_article ON events (article_id)",
    "CREATE INDEX IF NOT EXISTS events_type ON events (event)",
    "CREATE INDEX IF NOT EXISTS events_day ON events (event_day)",
    "CREATE INDEX IF NOT EXISTS mentions_article ON mentions (article_id)",
    "CREATE INDEX IF NOT EXISTS quotes_article ON quotes (article_id)",
    "CREATE INDEX IF NOT EXISTS actors_article ON actors (article_id)",
)


def _create_database(path: Path) -> None:
    """Create a new database with its whole schema under a temporary name, then move it into place.

    A process killed while creating it (SIGKILL, power loss) leaves no half-made file at ``path``, only a
    temporary file that the next creation replaces: a file at ``path`` always opens as an eventwire database.
    """
    partial = path.with_name(f".{path.name}.creating")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(partial)) as con:
            create_schema(con)
    except duckdb.Error as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot create {path}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc}") from exc
    os.replace(partial, path)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every table, index and the schema version of a new database, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for name in (*RECORD_TABLES, "failures", *DERIVED_TABLES):
        con.execute(create_table_sql(name))
    for statement in _INDEXES:
        con.execute(statement)
    ensure_source_tables(con)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    con.execute("COMMIT")


class Store:
    """A DuckDB database of extracted articles."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such database; create it with `eventwire ingest`")
        self.dataset = Path(self.path).is_dir()
        if self.dataset:
            # A Parquet dataset written by `eventwire run`: the same tables as views, always read-only,
            # so every query (CLI, API) runs unchanged on it.
            from eventwire.store.parquet import open_dataset

            self.read_only = True
            self.con = open_dataset(self.path)
            return
        if not read_only and self.path != ":memory:" and not Path(self.path).exists():
            _create_database(Path(self.path))
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"{self.path} is in use by another process (is `eventwire serve` running on it?); "
                    "stop it, or send articles through the server's POST /api/articles"
                ) from exc
            raise StoreError(f"cannot open {self.path}: {exc}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"cannot open {self.path}: {exc}") from exc
        self._ensure_schema()

    # -- schema -------------------------------------------------------------
    def _ensure_schema(self) -> None:
        tables = {row[0] for row in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" in tables:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            found = int(row[0]) if row else None
            if found != SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path} has schema version {found}, this eventwire writes version {SCHEMA_VERSION}; "
                    "re-ingest into a new database file"
                )
            if not self.read_only:
                ensure_source_tables(self.con)  # additive tables of `eventwire watch`, also in older files
            return
        if self.read_only:
            raise StoreError(f"{self.path} is not an eventwire database")
        create_schema(self.con)

    # -- writing ------------------------------------------------------------
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The ids among ``ids`` already stored."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?))", [wanted]).fetchall()
        return {row[0] for row in rows}

    def check_writable(self) -> None:
        """Raise StoreError when this store cannot take writes (a Parquet dataset)."""
        if self.dataset:
            raise StoreError(f"{self.path} is a Parquet dataset, which is read-only; load it into a database with "
                             f"`eventwire ingest --from-parquet {self.path} --db FILE`")

    def write_batch(self, articles: list[Article], failures: Iterable[Failure] = ()) -> int:
        """Store a batch in one transaction; articles already stored are skipped. Returns the number written."""
        self.check_writable()
        fresh: list[Article] = []
        failures = list(failures)
        seen = self.known_ids(a.id for a in articles)
        for article in articles:
            problem = id_problem(article.id)
            if problem:
                # The readers refuse such ids; an Article built by a library user meets the same rule here.
                failures.append(Failure(article.source or article.id[:200], f"id refused: {problem}"))
            elif article.id not in seen:
                fresh.append(article)
                seen.add(article.id)
        try:
            tables = batch_tables(fresh)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            # One article whose records do not fit the schema must not cost the batch: store the others.
            fresh, refused = self._storable(fresh)
            failures += refused
            tables = batch_tables(fresh)
        failure_rows = [failure_row(f, datetime.now(UTC).replace(tzinfo=None)) for f in failures]
        if not fresh and not failure_rows:
            return 0
        if failure_rows:
            tables["failures"] = to_arrow("failures", failure_rows)
        # A document that failed before and now reads cleanly is no longer a failure.
        self._write(tables, resolved=[a.source for a in fresh if a.source])
        return len(fresh)

    @staticmethod
    def _storable(articles: list[Article]) -> tuple[list[Article], list[Failure]]:
        """Split articles into those whose rows convert to the tables' schemas and failures for the rest."""
        kept: list[Article] = []
        refused: list[Failure] = []
        for article in articles:
            try:
                batch_tables([article])
                kept.append(article)
            except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
                refused.append(Failure(article.source or article.id, f"cannot store the article's records: {exc}"))
        return kept, refused

    def insert_tables(self, tables: dict[str, Any], replace: bool = False) -> None:
        """Insert Arrow tables laid out as :data:`~eventwire.store.records.SCHEMAS` in one transaction.

        Rows whose key is already stored are skipped (``replace``: overwritten).
        Used to load Parquet datasets (see :mod:`eventwire.store.parquet`).
        """
        self.check_writable()
        self._write(tables, replace=replace)

    def _write(self, tables: dict[str, Any], replace: bool = False, resolved: list[str] | None = None) -> None:
        """The one transactional writer: every table of a batch, or nothing."""
        try:
            self.con.execute("BEGIN TRANSACTION")
            if resolved:
                self.con.execute("DELETE FROM failures WHERE name IN (SELECT unnest(?))", [resolved])
            for name, table in tables.items():
                if table.num_rows:
                    verb = "INSERT"
                    if name in KEYS:
                        verb = "INSERT OR REPLACE" if replace or name == "failures" else "INSERT OR IGNORE"
                    self.con.register("incoming", table)
                    self.con.execute(f'{verb} INTO "{name}" SELECT * FROM incoming')
                    self.con.unregister("incoming")
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"cannot write to {self.path}: {exc}") from exc

    # -- reading ------------------------------------------------------------
    def article(self, article_id: str) -> Article | None:
        row = self.con.execute("SELECT doc FROM articles WHERE id = ?", [article_id]).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def iter_articles(self, batch_size: int = 500) -> Iterable[Article]:
        """Every stored article, in id order, a batch at a time."""
        cursor = self.con.cursor()
        result = cursor.execute("SELECT doc FROM articles ORDER BY id")
        while rows := result.fetchmany(batch_size):
            for (doc,) in rows:
                yield Article.from_dict(json.loads(doc))

    def counts(self) -> dict[str, int]:
        return {name: int(self.con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
                for name in (*RECORD_TABLES, "failures")}

    def failures(self) -> list[dict[str, Any]]:
        rows = self.con.execute("SELECT name, reason, failed_at FROM failures ORDER BY name").fetchall()
        return [{"name": n, "reason": r, "failed_at": t.isoformat() if t else None} for n, r, t in rows]

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
