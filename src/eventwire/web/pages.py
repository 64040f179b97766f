"""Server-rendered pages. Jinja2 autoescapes everything; article text is only ever inserted as escaped text."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from eventwire.model import PLOVER_TYPES
from eventwire.store.query import (
    INTERVALS,
    Filters,
    article_actor_keys,
    article_record,
    dyad_events,
    dyad_timeline,
    query_actors,
    query_articles,
    query_events,
    store_stats,
)
from eventwire.web.api import actor_detail
from eventwire.web.database import WEB_DIR
from eventwire.web.highlight import describe, pieces
from eventwire.web.params import DB, Day, EventFilters, Interval, Limit, Offset, Text

router = APIRouter(include_in_schema=False)

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def segment(value: object) -> str:
    """``value`` as one URL path segment: every reserved character encoded, "/" included (Jinja's ``urlencode``
    keeps "/", so an id like ``../../x`` would make a link that resolves elsewhere). Every id in a link goes
    through here."""
    return quote(str(value), safe="")


def actor_href(key: str | None) -> str | None:
    return "/actors/" + segment(key) if key else None


def dyad_href(a: str | None, b: str | None) -> str | None:
    return f"/dyads/{segment(a)}/{segment(b)}" if a and b else None


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link; anything else (javascript:, data:, ...) is not linked."""
    if not url or not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB_DIR / "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(actor_href=actor_href, dyad_href=dyad_href, QUAD_NAMES=QUAD_NAMES, PLOVER_TYPES=PLOVER_TYPES)
    env.filters["safe_url"] = safe_url
    env.filters["segment"] = segment
    return env


templates = Jinja2Templates(env=_environment())


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def render_error(request: Request, status: int, message: str) -> Response:
    return _render(request, "error.html", status=status, status_code=status, message=message)


def _query(request: Request, **changes: Any) -> str:
    """This page's query string with some parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return urlencode(params)


def _pager(request: Request, total: int, limit: int, offset: int) -> dict[str, Any]:
    return {
        "total": total, "first": offset + 1 if total else 0, "last": min(offset + limit, total),
        "prev": "?" + _query(request, offset=max(offset - limit, 0)) if offset > 0 else None,
        "next": "?" + _query(request, offset=offset + limit) if offset + limit < total else None,
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB) -> HTMLResponse:
    with db.reader() as con:
        stats = store_stats(con)
        latest, _ = query_events(con, Filters(limit=15))
        actors, _ = query_actors(con, Filters(limit=12))
    return _render(request, "home.html", stats=stats, latest=latest, actors=actors)


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, db: DB, q: Text = None, outlet: Text = None, since: Day = None,
                  until: Day = None, limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
    filters = Filters(search=q or None, outlet=outlet or None, since=since or None, until=until or None,
                      limit=limit, offset=offset)
    with db.reader() as con:
        rows, total = query_articles(con, filters)
    return _render(request, "articles.html", rows=rows, pager=_pager(request, total, limit, offset),
                   form={"q": q or "", "outlet": outlet or "", "since": since or "", "until": until or ""})


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, db: DB, article_id: Annotated[str, Path(max_length=500)]) -> HTMLResponse:
    with db.reader() as con:
        doc = article_record(con, article_id)
        if doc is None:
            raise HTTPException(404, f"No article with id {article_id!r}.")
        keys = article_actor_keys(con, article_id)
    records = describe(doc, keys)
    names = {a["id"]: a["name"] for a in doc.get("actors", [])}
    return _render(request, "article.html", article=doc, pieces=pieces(doc, records, keys, actor_href),
                   records=records, keys=keys, names=names)


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, db: DB, filters: EventFilters) -> HTMLResponse:
    with db.reader() as con:
        rows, total = query_events(con, filters)
    api_query = _query(request, offset=None)
    form = {k: request.query_params.get(k, "") for k in
            ("actor", "recipient", "type", "quad", "since", "until", "outlet", "negated", "hypothetical", "q")}
    return _render(request, "events.html", rows=rows, form=form,
                   pager=_pager(request, total, filters.limit, filters.offset),
                   json_href="/api/events" + ("?" + api_query if api_query else ""),
                   csv_href="/api/events?" + urlencode({**dict(request.query_params), "format": "csv",
                                                        "limit": request.query_params.get("limit", "10000")}))


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request, db: DB, q: Text = None, limit: Limit = 100, offset: Offset = 0) -> HTMLResponse:
    filters = Filters(actor=q or None, limit=limit, offset=offset)
    with db.reader() as con:
        rows, total = query_actors(con, filters)
    return _render(request, "actors.html", rows=rows, q=q or "", pager=_pager(request, total, limit, offset))


@router.get("/actors/{key:path}", response_class=HTMLResponse)
def actor_page(request: Request, db: DB, key: Annotated[str, Path(max_length=500)]) -> HTMLResponse:
    with db.reader() as con:
        detail = actor_detail(con, key, limit=200)
    if detail is None:
        raise HTTPException(404, f"No actor with key {key!r}.")
    network = {"center": {"name": detail["actor"]["name"], "key": key},
               "nodes": [{**n, "href": actor_href(n["key"])} for n in detail["network"]]}
    return _render(request, "actor.html", detail=detail, actor=detail["actor"], network=network)


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse)
def dyad_page(request: Request, db: DB, a: Annotated[str, Path(max_length=200)],
              b: Annotated[str, Path(max_length=200)], interval: Annotated[Interval, Query()] = "month",
              directed: bool = False, offset: Offset = 0,
              weight: Annotated[Literal["events", "killed"], Query()] = "events") -> HTMLResponse:
    factual = Filters(negated=False, hypothetical=False, limit=100, offset=offset)
    with db.reader() as con:
        periods = dyad_timeline(con, a, b, interval, factual, directed)
        rows, total = dyad_events(con, a, b, Filters(limit=100, offset=offset), directed)
    timeline = {"a": a, "b": b, "interval": interval, "directed": directed, "periods": periods, "weight": weight}
    return _render(request, "dyad.html", a=a, b=b, timeline=timeline, rows=rows, interval=interval, weight=weight,
                   directed=directed, intervals=list(INTERVALS),
                   pager=_pager(request, total, 100, offset))
