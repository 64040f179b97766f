"""The web UI and HTTP API: ``create_app(db_path)`` and ``serve(...)`` behind ``eventwire serve``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from eventwire.web.app import create_app

if TYPE_CHECKING:
    from eventwire.watch import WatchConfig

__all__ = ["LOOPBACK_HOSTS", "create_app", "serve"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8000, api_token: str | None = None,
          log_level: str = "info", watch: WatchConfig | None = None,
          announce: Callable[[], None] | None = None) -> None:
    """Run the app with uvicorn until interrupted. On a loopback address only loopback Host headers are
    accepted (DNS rebinding cannot reach the server from a web page). ``watch``: also run the watcher in a
    thread of the server (``eventwire serve --watch``). ``announce`` runs once the database is open: a database
    that cannot be opened raises before anything says "serving"."""
    import uvicorn

    allowed = ["127.0.0.1", "localhost", "[::1]"] if host in LOOPBACK_HOSTS else None
    app = create_app(db_path, api_token=api_token, allowed_hosts=allowed, watch=watch)
    if announce is not None:
        announce()
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False)
