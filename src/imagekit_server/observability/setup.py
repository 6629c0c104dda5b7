"""How ``create_app`` adds observability: routes, the observer, and what runs while the app
is up (start-up line, flush task). Kept here so app.py only calls three functions."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from imagekit_server.context import ServerContext
from imagekit_server.errors import ApiError, configured_help
from imagekit_server.observability.access_log import AccessLog
from imagekit_server.observability.health import metrics_endpoint, metrics_of, readyz
from imagekit_server.observability.lifecycle import flush_forever, log_startup
from imagekit_server.observability.observer import Observer
from imagekit_server.observability.request_context import current_request_id
from imagekit_server.settings import Settings


def add_observability(app: FastAPI, settings: Settings) -> None:
    app.router.routes.append(Route("/readyz", readyz, methods=["GET"]))
    if settings.metrics:
        app.router.routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    app.add_exception_handler(Exception, _internal_error)
    writes_access_log = settings.access_log and settings.log_level in {"debug", "info"}
    access_log = AccessLog(settings.log_format) if writes_access_log else None
    # Request ids are on whatever else is: every response and log line carries one.
    app.observer = Observer(access_log, records=writes_access_log or settings.metrics)  # type: ignore[attr-defined]


def start_observing(app: FastAPI, context: ServerContext) -> asyncio.Task[None] | None:
    log_startup(context.settings)
    observer: Observer | None = getattr(app, "observer", None)
    if observer is None or not observer.records:
        return None
    if context.settings.metrics:
        observer.metrics = metrics_of(context)
    return asyncio.get_running_loop().create_task(flush_forever(observer))


async def stop_observing(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug or a failed database/storage call: ImageKit's error shape, with the request id
    the operator finds in the log next to the traceback (logged with it)."""
    message = f"Internal server error (request id {current_request_id()})."
    return JSONResponse(ApiError(message).body(configured_help(request)), status_code=500)
