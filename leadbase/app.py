"""create_app(): settings, engine, middleware, error handlers and every route."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from leadbase import __version__
from leadbase.api.auth import KeyResolver
from leadbase.api.dispatch import Dispatcher, SegmentIndex
from leadbase.api.middleware import API_PREFIX, CloseConventions
from leadbase.api.openapi import build_openapi
from leadbase.api.ratelimit import RateLimiter, parse_rate
from leadbase.api.responses import JSONResponse, error_response
from leadbase.api.routes import add_resource_routes
from leadbase.config import Settings
from leadbase.core.errors import LeadbaseError
from leadbase.db.engine import build_engine
from leadbase.db.resource import resources
from leadbase.resources import PACKAGES, load_all

log = logging.getLogger("leadbase")

NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again."
)


def build_router() -> APIRouter:
    load_all()
    router = APIRouter()
    # Hand-written endpoints first: fixed paths such as /lead/merge/ must win over /lead/{id}/.
    for name in PACKAGES:
        try:
            module = import_module(f"leadbase.resources.{name}.endpoints")
        except ModuleNotFoundError as exc:
            if exc.name != f"leadbase.resources.{name}.endpoints":
                raise
            continue
        router.include_router(module.router)
    for spec in resources:
        add_resource_routes(router, spec)
    return router


def index_routes(app: FastAPI) -> None:
    """Index every registered route (call again after adding routes): see api/dispatch.py."""
    router = app.router
    fallback: ASGIApp = router.middleware_stack
    if isinstance(fallback, Dispatcher):
        fallback = fallback.fallback
    inline_reads = app.state.engine.dialect.name == "sqlite"
    index = SegmentIndex(API_PREFIX, router.routes, inline_reads=inline_reads)
    router.middleware_stack = Dispatcher(index, fallback)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = build_engine(
        settings.database_url, pool_size=settings.db_pool_size, sqlite_synchronous=settings.sqlite_synchronous
    )
    app = FastAPI(title="leadbase", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.include_router(build_router(), prefix=API_PREFIX)

    openapi_cache: dict[str, Any] = {}

    @app.get(API_PREFIX + "/openapi.json", include_in_schema=False)
    def openapi_document() -> Response:
        if "doc" not in openapi_cache:
            openapi_cache["doc"] = build_openapi(app, API_PREFIX)
        return JSONResponse(openapi_cache["doc"])

    @app.exception_handler(LeadbaseError)
    def _leadbase_error(_request: Request, exc: LeadbaseError) -> Response:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return JSONResponse({"error": NOT_FOUND}, status_code=404)
        if exc.status_code == 405:
            return JSONResponse(
                {"error": "The method is not allowed for the requested URL."},
                status_code=405,
                headers=exc.headers,
            )
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(IntegrityError)
    def _integrity_error(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return JSONResponse(
            {"error": "The request conflicts with data written at the same time; nothing changed. Retry it."},
            status_code=409,
        )

    @app.exception_handler(OperationalError)
    def _database_busy(request: Request, exc: OperationalError) -> Response:
        # Lock timeouts and lost connections: Close's clients retry a 503.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
        return JSONResponse(
            {"error": "The database is busy or unavailable; nothing was changed. Retry the request."},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "Internal server error: the request was rolled back."}, status_code=500)

    rate = parse_rate(settings.rate_limit)
    limiter = RateLimiter(rate, settings.redis_url) if rate is not None else None
    resolver = KeyResolver(engine, settings.api_key_cache_seconds)
    app.state.key_resolver = resolver
    index_routes(app)
    app.add_middleware(
        CloseConventions, resolver=resolver, limiter=limiter, max_body_bytes=settings.max_body_bytes
    )
    return app
