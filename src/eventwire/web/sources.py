"""The watcher's sources in the web UI: ``GET /api/sources`` and the ``/sources`` page.

The page is rendered on the server and then kept current by ``static/watch.js``, which polls
``/api/sources`` and rewrites its tables with ``textContent`` only, so articles appear as a watcher
(``eventwire serve --watch``) stores them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from eventwire.store.sources import failing_urls, last_round, latest_stored, sources_report
from eventwire.web.params import DB, Limit, Offset

router = APIRouter()


class SourcesPage(BaseModel):
    items: list[dict[str, Any]] = Field(description="One row per source: last status, new URLs and stored articles "
                                                    "in the last round, totals and failure counts")
    total: int
    limit: int
    offset: int
    round: dict[str, Any] | None = Field(description="The last round: its counts and times")
    latest: list[dict[str, Any]] = Field(description="The articles the watcher stored most recently")
    failing: list[dict[str, Any]] = Field(description="Article URLs that failed: reason, attempts, next retry round")


def sources_payload(con: Any, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    rows = sources_report(con)
    return {"items": rows[offset:offset + limit], "total": len(rows), "limit": limit, "offset": offset,
            "round": last_round(con), "latest": latest_stored(con, 20), "failing": failing_urls(con, 50)}


@router.get("/api/sources", response_model=SourcesPage, summary="Watched sources")
def list_sources(db: DB, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Sources followed by `eventwire watch` / `serve --watch`, the last round, the latest stored articles and
    the failing article URLs."""
    with db.reader() as con:
        return sources_payload(con, limit, offset)


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, db: DB) -> HTMLResponse:
    from eventwire.web.pages import _render

    with db.reader() as con:
        payload = sources_payload(con)
    return _render(request, "sources.html", **payload)
