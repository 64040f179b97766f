"""The FastAPI application: one DuckDB connection, a JSON API under ``/api`` and server-rendered pages.

``create_app(db_path)`` opens the database read-write and keeps the one
connection for the life of the app (DuckDB lets only one process write a
file, so CLI writes meanwhile get :class:`~eventwire.errors.StoreLockedError`
and are told to use ``POST /api/articles``). Readers each get their own
cursor; writers take turns behind a lock. Nothing is fetched from the
network: templates, CSS, JavaScript and charts are served from the package.
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventwire import __version__
from eventwire.config import PipelineConfig
from eventwire.errors import EventwireError
from eventwire.store.query import FilterError
from eventwire.web.database import WEB_DIR, Database, WebSettings

if TYPE_CHECKING:
    from eventwire.watch import WatchConfig

log = logging.getLogger(__name__)

MB = 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 10 * MB
TOKEN_ENV = "EVENTWIRE_API_TOKEN"

# Scripts and styles come only from this server's /static; nothing inline runs, nothing is framed.
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class DropEmptyFormFieldsMiddleware:
    """On pages (not the API), ``?quad=&since=`` from an untouched form field means "any", not an invalid value."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string") and not scope["path"].startswith("/api/"):
            # latin-1 both ways maps bytes to characters one to one, so kept values pass through unchanged.
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True, encoding="latin-1")
            kept = [(k, v) for k, v in pairs if v != ""]
            if len(kept) < len(pairs):
                scope = {**scope, "query_string": urlencode(kept, encoding="latin-1").encode("latin-1")}
        await self.app(scope, receive, send)


def _error_json(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, "status": status, **extra}, status_code=status,
                        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _install_error_handlers(app: FastAPI) -> None:
    from eventwire.web.pages import render_error

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if _wants_json(request):
            return _error_json(exc.status_code, message)
        return render_error(request, exc.status_code, message)

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")),
                    "type": str(e.get("type", ""))} for e in exc.errors()]
        summary = "; ".join(f"{'.'.join(d['loc'][1:]) or d['loc'][0]}: {d['msg']}" for d in details)
        if _wants_json(request):
            return _error_json(422, f"invalid request: {summary}", details=details)
        return render_error(request, 400, f"Invalid request: {summary}")

    async def filter_error(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return _error_json(400, str(exc))
        return render_error(request, 400, str(exc))

    async def store_error(request: Request, exc: Exception) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        if _wants_json(request):
            return _error_json(503, f"database error: {exc}")
        return render_error(request, 503, "The database could not answer this request.")

    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        if _wants_json(request):
            return _error_json(500, "internal server error")
        return render_error(request, 500, "Internal server error.")

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(FilterError, filter_error)
    # Bad values that reach DuckDB as parameters (e.g. undecodable text) are the client's fault.
    app.add_exception_handler(duckdb.InvalidInputException, filter_error)
    app.add_exception_handler(duckdb.ConversionException, filter_error)
    app.add_exception_handler(EventwireError, store_error)
    app.add_exception_handler(Exception, internal_error)


def create_app(db_path: str | Path, *, api_token: str | None = None, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
               pipeline_config: PipelineConfig | None = None, allowed_hosts: list[str] | None = None,
               watch: WatchConfig | None = None) -> FastAPI:
    """The eventwire web app over the DuckDB file ``db_path`` (created empty when missing).

    ``api_token`` guards ``POST /api/articles``; when None it is read from the ``EVENTWIRE_API_TOKEN``
    environment variable, and when that is unset too, writes are disabled (403). ``allowed_hosts``
    restricts the Host header (``serve`` sets it on loopback binds against DNS rebinding). ``watch`` runs
    the watcher in a thread sharing this connection from start-up to shutdown (``serve --watch``).
    """
    token = api_token if api_token is not None else os.environ.get(TOKEN_ENV)
    database = Database(str(db_path), pipeline_config or PipelineConfig())
    if watch is not None:
        database.store.check_writable()  # a read-only Parquet dataset cannot take watched articles: say so now

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        database.open()  # again, when an app is started after a shutdown (test clients do)
        watcher = None
        if watch is not None:
            from eventwire.watch.service import BackgroundWatcher

            watcher = BackgroundWatcher(database, watch)
            watcher.start()
        yield
        if watcher is not None:
            watcher.stop()  # it finishes its current article before the connection closes
        database.close()

    app = FastAPI(
        title="eventwire", version=__version__, lifespan=lifespan,
        description="Political events, attributed quotes and actors extracted from news articles. "
                    "Every list endpoint answers `{items, total, limit, offset}`; errors answer `{error, status}`.",
        # The bundled Swagger/ReDoc pages load their assets from a CDN; the UI must work offline.
        docs_url=None, redoc_url=None,
    )
    app.state.db = database
    app.state.settings = WebSettings(api_token=token or None, max_body_bytes=max_body_bytes)

    from eventwire.web.api import router as api_router
    from eventwire.web.pages import router as page_router
    from eventwire.web.sources import router as sources_router

    app.include_router(api_router)
    app.include_router(sources_router)
    app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    _install_error_handlers(app)
    app.add_middleware(DropEmptyFormFieldsMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return app

