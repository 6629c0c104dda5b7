"""``create_app(settings)``: the API (FastAPI, docs at /docs) and the delivery endpoint (a lean
Starlette route) on one origin. No module globals: everything hangs off ``app.state.context``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from imagekit_server.abuse.guard import install_guard
from imagekit_server.api import bulk_jobs as bulk_jobs_api
from imagekit_server.api import custom_metadata_fields as custom_metadata_fields_api
from imagekit_server.api import file_details_update as file_details_update_api
from imagekit_server.api import file_operations as file_operations_api
from imagekit_server.api import files as files_api
from imagekit_server.api import folders as folders_api
from imagekit_server.api import metadata as metadata_api
from imagekit_server.api import named_transformations as named_transformations_api
from imagekit_server.api import named_transformations_v1 as named_transformations_v1_api
from imagekit_server.api import origins as origins_api
from imagekit_server.api import purge as purge_api
from imagekit_server.api import saved_extensions as saved_extensions_api
from imagekit_server.api import similar_files as similar_files_api
from imagekit_server.api import tags as tags_api
from imagekit_server.api import upload as upload_api
from imagekit_server.api import upload_v2 as upload_v2_api
from imagekit_server.api import url_endpoints as url_endpoints_api
from imagekit_server.api import usage as usage_api
from imagekit_server.api import versions as versions_api
from imagekit_server.api import webhooks as webhooks_api
from imagekit_server.api_docs import routes as api_docs_routes
from imagekit_server.console import console_mount
from imagekit_server.context import ServerContext, open_context, run_dir
from imagekit_server.db.engine import refresh_statistics
from imagekit_server.delivery.endpoint import deliver
from imagekit_server.delivery.fast_path import DeliveryFirstApp
from imagekit_server.errors import (
    ApiError,
    api_error_handler,
    configured_help,
)
from imagekit_server.extensions.workers import extension_workers
from imagekit_server.jobs.runner import JobRunner
from imagekit_server.observability.health import metrics_of
from imagekit_server.observability.setup import add_observability, start_observing, stop_observing
from imagekit_server.observability.usage import flush_bandwidth
from imagekit_server.renditions.derived_budget import flush_derived_ledger
from imagekit_server.renditions.derived_writes import drain_derived_writes
from imagekit_server.runtime.leftovers import SWEEP_PERIOD, font_directory, sweep_directories
from imagekit_server.runtime.memory_tuning import settle_garbage_collector
from imagekit_server.runtime.periodic_flush import Flush, PeriodicFlusher
from imagekit_server.settings import Settings
from imagekit_server.version import package_version
from imagekit_server.video.pool import shutdown_pools as shutdown_video_pools
from imagekit_server.webhooks.dispatcher import start_dispatcher
from imagekit_server.webhooks.outbox import prune_deliveries

STATISTICS_PERIOD = 3600.0  # seconds between refreshes of SQLite's planner statistics


def _refresh_statistics(context: ServerContext) -> None:
    refresh_statistics(context.engine)


def _sweep_leftovers(context: ServerContext) -> None:
    directories = context.spool.directory, run_dir(context.settings)
    sweep_directories(*directories, font_directory(context.settings))


def create_app(settings: Settings, context: ServerContext | None = None) -> FastAPI:
    """The ASGI app. Without ``context`` one is opened (migrations, default account, recovery)
    when the app starts and closed when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = context is None
        app.state.context = context or open_context(settings)
        if isinstance(app, DeliveryFirstApp):
            app.serve(app.state.context)
        app.state.job_runner = JobRunner(app.state.context)
        app.state.job_runner.start()
        webhook_dispatcher = start_dispatcher(app.state.context)
        extension_workers(app.state.context).start()
        flusher = PeriodicFlusher(
            app.state.context,
            settings.usage_flush_seconds,
            [
                Flush("bandwidth usage", flush_bandwidth),
                Flush("derived cache budget", flush_derived_ledger),
                # Pooled SQLite connections may stay open for days, so their PRAGMA optimize at
                # close (db/engine.py) would not follow a growing library.
                Flush("database statistics", _refresh_statistics, STATISTICS_PERIOD, False),
                # What dead processes left (docs/security-limits.md), not only at start-up.
                Flush("temp-file sweep", _sweep_leftovers, SWEEP_PERIOD, False),
                Flush("webhook deliveries", prune_deliveries, STATISTICS_PERIOD, False),
            ],
        )
        flusher.start()
        observing = start_observing(app, app.state.context)
        guard = getattr(app, "guard", None)  # rate limits, when any is set
        if guard is not None and settings.metrics:
            guard.report_failures(partial(metrics_of(app.state.context).backend_error, "redis"))
        settle_garbage_collector()
        try:
            yield
        finally:
            await drain_derived_writes(app.state.context)  # noted before the last flush
            await stop_observing(observing)
            flusher.stop()
            app.state.job_runner.stop()
            webhook_dispatcher.stop()
            extension_workers(app.state.context).stop()
            shutdown_video_pools()
            if guard is not None:  # its Redis connections
                await guard.aclose()
            if isinstance(app, DeliveryFirstApp):
                app.serve(None)
            if owned:
                app.state.context.close()

    app = DeliveryFirstApp(
        title="imagekit-server",
        summary="A self-hostable server for ImageKit.io's HTTP API and URL endpoint.",
        lifespan=lifespan,
        # Served by api_docs from local assets, with ImageKit's description (offline /docs).
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    if context is not None:
        app.state.context = context
        app.serve(context)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.include_router(upload_api.router)
    app.include_router(upload_v2_api.router)
    app.include_router(files_api.router)
    for library_router in (
        file_details_update_api.router,
        versions_api.router,
        tags_api.router,
        custom_metadata_fields_api.router,
        file_operations_api.router,
        purge_api.router,
        folders_api.router,
        bulk_jobs_api.router,
        named_transformations_api.router,
        named_transformations_v1_api.router,
        saved_extensions_api.router,
        metadata_api.router,
        origins_api.router,
        url_endpoints_api.router,
        usage_api.router,
        webhooks_api.router,
        similar_files_api.router,
    ):
        app.include_router(library_router)
    app.add_api_route("/healthz", _healthz, methods=["GET"], include_in_schema=False)
    api_docs_routes.install(app, package_version())
    app.router.routes.append(console_mount())  # the browser console (docs/console.md)
    add_observability(app, settings)  # /readyz, /metrics, request ids, access log
    install_guard(app, settings)  # rate limits
    app.router.routes.append(Route("/{account_id}/{path:path}", deliver, methods=["GET", "HEAD"]))
    # Requests for unknown accounts: delivery's 404. Known accounts' delivery requests never
    # reach the router (the hot path: see delivery/fast_path.py).
    return app


async def _healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ())[1:])}: {error.get('msg')}"
        for error in exc.errors()
    )
    error = ApiError(f"Invalid request parameters: {problems}")
    return JSONResponse(error.body(configured_help(request)), status_code=400)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, str(exc.detail))
    body = ApiError(message).body(configured_help(request))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
