"""The JSON API under ``/api``: read endpoints over the store and the token-guarded ingest endpoint."""

from __future__ import annotations

import hmac
import io
import json
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

import duckdb
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from eventwire.errors import DocumentError
from eventwire.export.csv_cells import SafeWriter
from eventwire.ingest import Limits
from eventwire.ingest.jsonl import article_from_record, read_jsonl_stream
from eventwire.jobs import ingest_items
from eventwire.model import Article, Failure
from eventwire.store.query import (
    Filters,
    actor_events,
    actor_network,
    actor_profile,
    actor_quotes,
    article_record,
    dyad_timeline,
    event_summary_rows,
    query_actors,
    query_aggregated_events,
    query_articles,
    query_events,
    query_quotes,
    store_stats,
)
from eventwire.web.database import Database, WebSettings
from eventwire.web.params import (
    ACTOR_RULE,
    DB,
    TEXT,
    Day,
    EventFilters,
    EventType,
    Interval,
    Limit,
    Offset,
    Text,
)

router = APIRouter(prefix="/api")

class ErrorBody(BaseModel):
    error: str
    status: int


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class IngestReport(BaseModel):
    stored: int
    skipped: int
    failed: int
    ids: list[str]
    failures: list[dict[str, str]]


ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorBody}, 422: {"model": ErrorBody}}


def _page(items: list[dict[str, Any]], total: int, filters: Filters) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": filters.limit, "offset": filters.offset}


def _listed(db: Database, query: Callable[[duckdb.DuckDBPyConnection, Filters], tuple[list[dict[str, Any]], int]],
            filters: Filters) -> dict[str, Any]:
    """What ``query`` (a listing of eventwire.store.query) finds, read through the database's reader, as a page."""
    with db.reader() as con:
        items, total = query(con, filters)
    return _page(items, total, filters)


# -- articles -----------------------------------------------------------------------------------

@router.get("/articles", response_model=Page, responses=ERRORS, summary="Search articles")
def list_articles(db: DB, q: Annotated[str | None, Query(description="Title or text contains this.", **TEXT)] = None,
                  outlet: Text = None, since: Day = None, until: Day = None,
                  limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Articles (metadata and record counts, no text), newest first."""
    filters = Filters(search=q or None, outlet=outlet or None, since=since or None, until=until or None,
                      limit=limit, offset=offset)
    return _listed(db, query_articles, filters)


@router.get("/articles/{article_id:path}", responses={404: {"model": ErrorBody}}, summary="One article")
def get_article(db: DB, article_id: Annotated[str, Path(max_length=500)]) -> dict[str, Any]:
    """The full contract object: text, actors, quotes, events, places, warnings."""
    with db.reader() as con:
        doc = article_record(con, article_id)
    if doc is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return doc


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _authorize(request: Request, settings: WebSettings) -> None:
    if not settings.api_token:
        raise HTTPException(403, "writes are disabled: start the server with EVENTWIRE_API_TOKEN set to enable "
                                 "POST /api/articles")
    given = _bearer_token(request)
    # Constant-time comparison, so response timing reveals nothing about the token.
    if given is None or not hmac.compare_digest(given.encode("utf-8"), settings.api_token.encode("utf-8")):
        raise HTTPException(401, "missing or wrong bearer token (Authorization: Bearer <EVENTWIRE_API_TOKEN>)")


async def _read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise HTTPException(413, f"request body is {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise HTTPException(413, f"request body is over the {max_bytes:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


_ACCEPTED_TYPES = ("application/json", "application/x-ndjson", "application/jsonl", "application/x-jsonlines",
                   "text/plain", "")


def parse_articles(body: bytes) -> list[Article | Failure]:
    """One JSON article, a JSON array of articles, or JSON lines; fields as in the JSONL reader."""
    limits = Limits()
    try:
        whole: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        whole = None
    else:
        records = whole if isinstance(whole, list) else [whole]
        items: list[Article | Failure] = []
        for number, record in enumerate(records, start=1):
            name = "request" if not isinstance(whole, list) else f"request[{number}]"
            try:
                items.append(article_from_record(record, name, limits))
            except DocumentError as exc:
                items.append(Failure(exc.name, exc.reason))
        return items
    return list(read_jsonl_stream(io.BytesIO(body), "request", limits))


def _ingest(db: Database, items: list[Article | Failure]) -> dict[str, Any]:
    articles = [item for item in items if isinstance(item, Article)]
    with db.write_lock:
        summary = ingest_items(items, db.store, processes=1, pipeline=db.pipeline())
        if summary.stored:
            db.derived_stale = True
    failures = [{"name": f.name, "reason": f.reason} for f in summary.failures]
    return {"stored": summary.stored, "skipped": summary.skipped, "failed": summary.failed,
            "ids": [a.id for a in articles], "failures": failures}


@router.post(
    "/articles", response_model=IngestReport, summary="Extract and store articles",
    responses={200: {"description": "Nothing new stored (every article was already stored)"},
               201: {"description": "Stored"}, 400: {"model": ErrorBody}, 401: {"model": ErrorBody},
               403: {"model": ErrorBody}, 413: {"model": ErrorBody}, 415: {"model": ErrorBody},
               422: {"model": ErrorBody}},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
            k: {"type": "string"} for k in ("id", "title", "url", "outlet", "published", "language", "text")}}},
        "application/x-ndjson": {"schema": {"type": "string", "description": "One JSON article per line"}},
    }}},
)
async def post_articles(request: Request) -> Response:
    """One JSON article or a JSON-lines batch (fields id, title, url, outlet, published, language, text).

    Requires `Authorization: Bearer <EVENTWIRE_API_TOKEN>`. Articles already stored (same id) are skipped.
    """
    settings: WebSettings = request.app.state.settings
    _authorize(request, settings)
    if getattr(request.app.state.db.store, "dataset", False):
        raise HTTPException(403, "this server serves a read-only Parquet dataset; load it into a database file "
                                 "(eventwire ingest --from-parquet) to accept writes")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _ACCEPTED_TYPES:
        raise HTTPException(415, f"content type {content_type!r} not accepted: send application/json "
                                 "(one article) or application/x-ndjson (one article per line)")
    body = await _read_body(request, settings.max_body_bytes)
    if not body.strip():
        raise HTTPException(400, "empty request body: send one JSON article or JSON lines")
    items = await run_in_threadpool(parse_articles, body)
    if not any(isinstance(item, Article) for item in items):
        failures = [{"name": f.name, "reason": f.reason} for f in items if isinstance(f, Failure)]
        reason = failures[0]["reason"] if failures else "no article found"
        return JSONResponse({"error": f"no article could be read: {reason}", "status": 422, "failures": failures},
                            status_code=422)
    report = await run_in_threadpool(_ingest, request.app.state.db, items)
    return JSONResponse(report, status_code=201 if report["stored"] else 200)


# -- events, quotes, actors -----------------------------------------------------------------------

def events_csv(rows: list[dict[str, Any]]) -> Iterator[str]:
    flat = event_summary_rows(rows)
    columns = ["article", "id", "date", "event", "cameo", "quad", "goldstein", "actor", "recipient", "trigger",
               "flags", "outlet", "killed", "injured", "arrested"]
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(columns)
    for row, summary in zip(rows, flat, strict=True):
        merged = {**summary, "id": row["id"], "quad": row["quad"], "goldstein": row["goldstein"],
                  "outlet": row["outlet"], "killed": row.get("killed"), "injured": row.get("injured"),
                  "arrested": row.get("arrested")}
        writer.writerow([merged[c] for c in columns])
    yield buffer.getvalue()


@router.get("/events", response_model=Page, responses=ERRORS, summary="Filter events")
def list_events(db: DB, filters: EventFilters,
                format: Annotated[Literal["json", "csv"], Query(description="json or csv")] = "json",
                ) -> Any:
    """Events matching every given filter, newest first (by event date, else publication date)."""
    with db.reader() as con:
        items, total = query_events(con, filters)
    if format == "csv":
        return Response("".join(events_csv(items)), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="events.csv"'})
    return _page(items, total, filters)


@router.get("/aggregated-events", response_model=Page, responses=ERRORS, summary="Events aggregated across articles")
def list_aggregated_events(db: DB, filters: EventFilters) -> dict[str, Any]:
    """One row per real-world event reported by one or more articles (GDELT's NumMentions, NumSources,
    NumArticles), with the first and all source URLs and every mention it stands for; most mentioned first.
    Recomputed after each `eventwire ingest`, and on the first read after articles were posted."""
    db.refresh_derived_if_stale()
    return _listed(db, query_aggregated_events, filters)


@router.get("/quotes", response_model=Page, responses=ERRORS, summary="Filter quotes")
def list_quotes(db: DB, actor: Annotated[str | None, Query(description=f"Speaker: {ACTOR_RULE}", **TEXT)] = None,
                since: Day = None, until: Day = None, outlet: Text = None,
                anonymous: Annotated[bool | None, Query(description="Only anonymous (true) or named sources.")] = None,
                article: Text = None, q: Annotated[str | None, Query(description="Quote text contains this.",
                                                                        **TEXT)] = None,
                limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    filters = Filters(actor=actor or None, since=since or None, until=until or None, outlet=outlet or None,
                      anonymous=anonymous, article=article or None, search=q or None, limit=limit, offset=offset)
    return _listed(db, query_quotes, filters)


@router.get("/actors", response_model=Page, responses=ERRORS, summary="Actors across articles")
def list_actors(db: DB, q: Annotated[str | None, Query(description=f"Actor: {ACTOR_RULE}", **TEXT)] = None,
                anonymous: Annotated[bool | None, Query()] = None, outlet: Text = None,
                since: Day = None, until: Day = None, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Actors grouped across articles by key: `kb_id` when resolved, else `name:` + the normalized name."""
    filters = Filters(actor=q or None, anonymous=anonymous, outlet=outlet or None, since=since or None,
                      until=until or None, limit=limit, offset=offset)
    return _listed(db, query_actors, filters)


def actor_detail(con: Any, key: str, limit: int = 100) -> dict[str, Any] | None:
    profile = actor_profile(con, key)
    if profile is None:
        return None
    events, events_total = actor_events(con, key, limit=limit)
    quotes, quotes_total = actor_quotes(con, key, limit=limit)
    return {"actor": profile, "events": {"items": events, "total": events_total},
            "quotes": {"items": quotes, "total": quotes_total}, "network": actor_network(con, key)}


@router.get("/actors/{key:path}", responses={404: {"model": ErrorBody}}, summary="One actor across articles")
def get_actor(db: DB, key: Annotated[str, Path(max_length=500)],
              limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """The actor's profile, its events and quotes, and its counterparts (the network)."""
    with db.reader() as con:
        detail = actor_detail(con, key, limit)
    if detail is None:
        raise HTTPException(404, f"no actor with key {key!r}")
    return detail


# -- dyads and overview ---------------------------------------------------------------------------

class Timeline(BaseModel):
    a: str
    b: str
    interval: str
    directed: bool
    periods: list[dict[str, Any]] = Field(description="period, events, quad1..quad4, goldstein (mean)")


@router.get("/dyads/{a}/{b}/timeline", response_model=Timeline, responses=ERRORS, summary="Dyad timeline")
def get_dyad_timeline(
    db: DB, a: Annotated[str, Path(max_length=200)], b: Annotated[str, Path(max_length=200)],
    interval: Annotated[Interval, Query()] = "month",
    directed: Annotated[bool, Query(description="Only events from a to b (default: both directions).")] = False,
    type: Annotated[EventType | None, Query()] = None,
    since: Day = None, until: Day = None, outlet: Text = None,
) -> dict[str, Any]:
    """Factual events (not negated, not hypothetical) between a and b per period: counts per quad class
    (1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict) and mean Goldstein."""
    filters = Filters(type=type.value if type else None, since=since or None, until=until or None,
                      outlet=outlet or None, negated=False, hypothetical=False)
    with db.reader() as con:
        periods = dyad_timeline(con, a, b, interval, filters, directed)
    return {"a": a, "b": b, "interval": interval, "directed": directed, "periods": periods}


@router.get("/stats", summary="Overview of the database")
def get_stats(db: DB) -> dict[str, Any]:
    """Counts, events per type and quad class, date range, top outlets and top dyads."""
    with db.reader() as con:
        return store_stats(con)
