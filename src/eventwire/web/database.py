"""The web app's state: its one DuckDB connection (:class:`Database`) and its settings.

Kept apart from :mod:`eventwire.web.app` so that the routers (:mod:`~eventwire.web.api`,
:mod:`~eventwire.web.pages`, :mod:`~eventwire.web.sources`) and the background watcher can use them while the
app imports the routers: the web modules import one way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from eventwire.config import PipelineConfig
from eventwire.pipeline import Pipeline
from eventwire.store import Store

WEB_DIR = Path(__file__).parent


@dataclass
class Database:
    """The server's one DuckDB connection: each reader gets its own cursor, writers take turns."""

    path: str
    pipeline_config: PipelineConfig = field(default_factory=PipelineConfig)
    store: Store = field(init=False)
    write_lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _cursor_lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _pipeline: Pipeline | None = field(init=False, default=None)
    _open: bool = field(init=False, default=False)
    # Set when a POST stored articles: the derived tables (stories, aggregated events) are recomputed
    # on the next read that needs them rather than on every write.
    derived_stale: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        # Opened at once, so a locked or foreign file is reported before the server starts listening.
        self.open()

    def open(self) -> None:
        with self._cursor_lock:
            if not self._open:
                self.store = Store(self.path)
                self._open = True

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        # A connection object is not safe to share between threads; a cursor per request is.
        with self._cursor_lock:
            cursor = self.store.con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def pipeline(self) -> Pipeline:
        """The extraction pipeline, loaded on the first write (call with ``write_lock`` held)."""
        if self._pipeline is None:
            self._pipeline = Pipeline(self.pipeline_config)
        return self._pipeline

    def refresh_derived_if_stale(self) -> None:
        """Recompute near-duplicate stories and aggregated events if articles were posted since the last time."""
        if not self.derived_stale or self.store.dataset:
            return
        from eventwire.store.aggregate import refresh_derived

        with self.write_lock:
            if self.derived_stale:
                refresh_derived(self.store.con)
                self.derived_stale = False

    def close(self) -> None:
        with self._cursor_lock, self.write_lock:
            if self._open:
                self.store.close()
                self._open = False


@dataclass(frozen=True)
class WebSettings:
    api_token: str | None
    max_body_bytes: int
