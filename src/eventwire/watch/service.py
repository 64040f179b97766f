"""``eventwire serve --watch``: the watcher as a thread of the web server, sharing its database connection.

DuckDB lets one process open a file for writing, so a separate watcher process and a server cannot share a
database. Here the watcher runs inside the server: it reads and writes its state through its own cursor of the
server's connection, stores articles under the server's ``write_lock`` (so it takes turns with
``POST /api/articles``), uses the server's pipeline, and marks the derived tables stale after each round that
stored something, so the next read of aggregated events recomputes them. Readers never wait for it.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from eventwire.watch.loop import RoundReport, WatchConfig, Watcher

if TYPE_CHECKING:
    from eventwire.pipeline import Pipeline
    from eventwire.web.database import Database

log = logging.getLogger("eventwire.watch")


class BackgroundWatcher:
    """Rounds in a daemon thread until :meth:`stop`; a round's failure is logged and the next round runs."""

    def __init__(self, database: Database, config: WatchConfig) -> None:
        self.database = database
        self.config = config
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="eventwire-watch", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _stored(self, report: RoundReport) -> None:
        self.database.derived_stale = True

    def _pipeline(self) -> Pipeline:
        return self.database.pipeline()  # called with write_lock held, as Database.pipeline requires

    def _run(self) -> None:
        with self.database.reader() as cursor:
            watcher = Watcher(self.database.store, self.config, self._pipeline, lock=self.database.write_lock,
                              state_con=cursor, stop=self.stop_event, on_stored=self._stored)
            try:
                while not self.stop_event.is_set():
                    elapsed = 0.0
                    try:
                        report = watcher.run_round()
                        elapsed = report.seconds
                        log.warning("eventwire watch: %s", report.summary())
                    except Exception:  # one bad round must not end monitoring for the life of the server
                        log.exception("watch round failed; trying again next round")
                    self.stop_event.wait(max(0.0, self.config.every - elapsed))
            finally:
                watcher.close()

    def stop(self, timeout: float = 120.0) -> None:
        """Ask the thread to finish its current article and wait for it."""
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
