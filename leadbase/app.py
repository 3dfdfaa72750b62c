"""create_app(): settings, engine, middleware, error handlers and every route."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from importlib import import_module
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine
from starlette.responses import Response
from starlette.types import ASGIApp

from leadbase import __version__
from leadbase.admin.routes import router as admin_router
from leadbase.api.auth import KeyResolver
from leadbase.api.dispatch import Dispatcher, SegmentIndex
from leadbase.api.docs import add_docs_routes
from leadbase.api.endpoint import endpoints
from leadbase.api.errors import install_error_handlers
from leadbase.api.journal import Journal
from leadbase.api.middleware import API_PREFIX, CloseConventions
from leadbase.api.openapi import build_openapi
from leadbase.api.ratelimit import RateLimiter, parse_rate
from leadbase.api.responses import JSONResponse
from leadbase.api.routes import add_resource_routes
from leadbase.config import Settings
from leadbase.console import build_console
from leadbase.core import ids
from leadbase.core.urls import CONSOLE_PREFIX
from leadbase.db.aside import AsideReads
from leadbase.db.engine import build_engine
from leadbase.db.secrets import shared_secret
from leadbase.events.delivery import DeliverySettings
from leadbase.events.dispatch import DispatchSettings
from leadbase.jobs.worker import Worker, WorkerSettings
from leadbase.resources import PACKAGES, load_all
from leadbase.resources.enrich_field.provider import load_provider
from leadbase.resources.files.policy import FilePolicy
from leadbase.resources.files.storage import DirectoryStore, FileStore, S3Store


def build_router() -> tuple[APIRouter, APIRouter]:
    """The routes under /api/v1/, and those at the server's root (a module's `public_router`)."""
    load_all()
    router = APIRouter()
    public = APIRouter()
    # Hand-written endpoints first: fixed paths such as /lead/merge/ must win over /lead/{id}/.
    for name in PACKAGES:
        try:
            module = import_module(f"leadbase.resources.{name}.endpoints")
        except ModuleNotFoundError as exc:
            if exc.name != f"leadbase.resources.{name}.endpoints":
                raise
            continue
        router.include_router(module.router)
        if hasattr(module, "public_router"):
            public.include_router(module.public_router)
    for endpoint in endpoints:
        add_resource_routes(router, endpoint)
    return router, public


def index_routes(app: FastAPI) -> None:
    """Index every registered route (call again after adding routes): see api/dispatch.py."""
    router = app.router
    fallback: ASGIApp = router.middleware_stack
    if isinstance(fallback, Dispatcher):
        fallback = fallback.fallback
    inline_reads = app.state.engine.dialect.name == "sqlite"
    index = SegmentIndex(API_PREFIX, router.routes, inline_reads=inline_reads)
    router.middleware_stack = Dispatcher(index, fallback)


def file_policy(settings: Settings) -> FilePolicy:
    store: FileStore
    if settings.files_s3_bucket:
        store = S3Store(
            settings.files_s3_bucket,
            endpoint_url=settings.files_s3_endpoint_url,
            region=settings.files_s3_region,
        )
    else:
        store = DirectoryStore(settings.files_dir)
    return FilePolicy(store=store, max_bytes=settings.files_max_bytes, public_url=settings.public_url)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown, stop the embedded worker and close the pool's database connections.

    `leadbase serve` runs without a lifespan (the process ends); an ASGI host or a test client
    that shuts an app down and goes on living would otherwise keep its connections open.
    """
    yield
    worker = getattr(app.state, "worker", None)
    if worker is not None:
        worker.stop()
    app.state.engine.dispose()


def settings_engine(settings: Settings, pool_size: int, deadline_steps: int | None = None) -> Engine:
    """An engine on the configured database, with its connection settings and limits."""
    return build_engine(
        settings.database_url,
        pool_size=pool_size,
        sqlite_synchronous=settings.sqlite_synchronous,
        sqlite_cache_mib=settings.sqlite_cache_mib,
        statement_timeout=settings.statement_timeout_seconds,
        lock_timeout=settings.lock_timeout_seconds,
        deadline_steps=deadline_steps,
    )


# On SQLite, the aside connections check their statements' deadline every million instructions
# (tens of milliseconds of work) rather than every 20,000: each check takes the GIL, which the
# page being rendered beside holds, and a count is never cut short for a client that left.
# Measured on a page of 100 whole leads at a million leads: 0.1-0.2 ms of 7.5 (bench/RESULTS.md).
ASIDE_DEADLINE_STEPS = 1_000_000


def aside_reads(settings: Settings, engine: Engine) -> AsideReads | None:
    """Connections of their own for counting a list while its page renders (db/aside.py),
    closed when the requests' engine is disposed."""
    if settings.count_connections == 0:
        return None
    aside_engine = settings_engine(settings, settings.count_connections, deadline_steps=ASIDE_DEADLINE_STEPS)
    aside = AsideReads(aside_engine, settings.count_connections)
    aside.close_with(engine)
    return aside


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # The seeded generator restarts with each app; unset, ids go back to random.
    ids.seed(settings.id_seed)
    engine = settings_engine(settings, settings.db_pool_size)
    app = FastAPI(
        title="leadbase",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan,
        # FastAPI's own OpenTelemetry spans, metrics and logs: leadbase exports none, and checking
        # for configured providers on each request (environment lookups included) was 8% of the
        # event loop's work serving a page of whole leads.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.aside = aside_reads(settings, engine)
    # FastAPI's dependency caches keep an app alive for a while after its last user; when it is
    # finally collected, its pooled connections are closed rather than left to the collector.
    weakref.finalize(app, engine.dispose)
    app.state.file_policy = file_policy(settings)
    app.state.enrichment_provider = load_provider(settings.enrichment_provider)
    app.state.admin_token = settings.admin_token or None
    app.state.journal = Journal(settings.journal_size) if settings.journal_size else None
    api_routes, public_routes = build_router()
    app.include_router(api_routes, prefix=API_PREFIX)
    app.include_router(public_routes)
    app.include_router(admin_router)

    openapi_cache: dict[str, Any] = {}
    add_docs_routes(app, API_PREFIX)

    @app.get(API_PREFIX + "/openapi.json", include_in_schema=False)
    def openapi_document() -> Response:
        if "doc" not in openapi_cache:
            openapi_cache["doc"] = build_openapi(app, API_PREFIX)
        return JSONResponse(openapi_cache["doc"])

    install_error_handlers(app, timeout_seconds=settings.statement_timeout_seconds)

    # The console calls the API through `app` itself, middleware included (console/client.py).
    # Its cookie key: the configured one, else one generated once and kept in the database, asked
    # for on the first console request (the database may not be migrated yet at this point).
    configured_secret = settings.console_secret
    app.mount(
        CONSOLE_PREFIX,
        build_console(app, lambda: configured_secret or shared_secret(engine, "console_session")),
    )

    rate = parse_rate(settings.rate_limit)
    limiter = RateLimiter(rate, settings.redis_url) if rate is not None else None
    resolver = KeyResolver(engine, settings.api_key_cache_seconds)
    app.state.key_resolver = resolver
    index_routes(app)
    app.add_middleware(
        CloseConventions,
        resolver=resolver,
        limiter=limiter,
        max_body_bytes=settings.max_body_bytes,
        statement_timeout=settings.statement_timeout_seconds,
        body_read_timeout=settings.body_read_timeout_seconds,
        journal=app.state.journal,
    )
    return app


def worker_settings(settings: Settings) -> WorkerSettings:
    return WorkerSettings(
        poll_seconds=settings.worker_poll_seconds,
        dispatch=DispatchSettings(gap_seconds=settings.webhook_gap_seconds),
        delivery=DeliverySettings(
            timeout_seconds=settings.webhook_timeout_seconds,
            block_private=settings.webhook_block_private_targets,
        ),
        job_settings=settings,
    )


def start_embedded_worker(app: FastAPI) -> Worker:
    """A worker thread in this server process, on the app's engine (see jobs/worker.py)."""
    settings = app.state.settings
    polling = replace(worker_settings(settings), idle_poll_max_seconds=settings.worker_idle_poll_seconds)
    worker = Worker(app.state.engine, polling)
    worker.start()
    app.state.worker = worker
    return worker
