"""``create_app(settings)``: the API (FastAPI, docs at /docs) and the delivery endpoint (a lean
Starlette route) on one origin. No module globals: everything hangs off ``app.state.context``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

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
from imagekit_server.api import tags as tags_api
from imagekit_server.api import upload as upload_api
from imagekit_server.api import upload_v2 as upload_v2_api
from imagekit_server.api import url_endpoints as url_endpoints_api
from imagekit_server.api import usage as usage_api
from imagekit_server.api import versions as versions_api
from imagekit_server.context import ServerContext, open_context
from imagekit_server.db.engine import refresh_statistics
from imagekit_server.delivery.derived_budget import flush_derived_ledger
from imagekit_server.delivery.endpoint import deliver
from imagekit_server.delivery.fast_path import DeliveryFirstApp
from imagekit_server.errors import ApiError, api_error_handler
from imagekit_server.jobs.runner import JobRunner
from imagekit_server.memory_tuning import settle_garbage_collector
from imagekit_server.periodic_flush import Flush, PeriodicFlusher
from imagekit_server.settings import Settings
from imagekit_server.usage import flush_bandwidth
from imagekit_server.video.pool import shutdown_pools as shutdown_video_pools

STATISTICS_PERIOD = 3600.0  # seconds between refreshes of SQLite's planner statistics


def _refresh_statistics(context: ServerContext) -> None:
    refresh_statistics(context.engine)


def create_app(settings: Settings, context: ServerContext | None = None) -> FastAPI:
    """The ASGI app. Without ``context`` one is opened (migrations, default account, recovery)
    when the app starts and closed when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = context is None
        app.state.context = context or open_context(settings)
        app.state.job_runner = JobRunner(app.state.context)
        app.state.job_runner.start()
        flusher = PeriodicFlusher(
            app.state.context,
            settings.usage_flush_seconds,
            [
                Flush("bandwidth usage", flush_bandwidth),
                Flush("derived cache budget", flush_derived_ledger),
                # Pooled SQLite connections may stay open for days, so their PRAGMA optimize at
                # close (db/engine.py) would not follow a growing library.
                Flush("database statistics", _refresh_statistics, STATISTICS_PERIOD, False),
            ],
        )
        flusher.start()
        settle_garbage_collector()
        try:
            yield
        finally:
            flusher.stop()
            app.state.job_runner.stop()
            shutdown_video_pools()
            if owned:
                app.state.context.close()

    app = DeliveryFirstApp(
        title="imagekit-server",
        summary="A self-hostable server for ImageKit.io's HTTP API and URL endpoint.",
        lifespan=lifespan,
    )
    if context is not None:
        app.state.context = context
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
    ):
        app.include_router(library_router)
    app.add_api_route("/healthz", _healthz, methods=["GET"], include_in_schema=False)
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
    return JSONResponse(ApiError(f"Invalid request parameters: {problems}").body(), status_code=400)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, str(exc.detail))
    return JSONResponse(ApiError(message).body(), status_code=exc.status_code, headers=exc.headers)
