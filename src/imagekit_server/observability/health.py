"""``/readyz`` (can this process serve: database and blob store answer) and ``/metrics``.

``/healthz`` stays a constant answer for liveness probes; readiness does real work (one
``SELECT 1`` and one blob store call, each bounded by a timeout) so a load balancer stops
sending traffic to a process whose database or storage is gone.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import anyio
import sqlalchemy as sa
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from imagekit_server.context import ServerContext
from imagekit_server.db.tables import bulk_jobs
from imagekit_server.observability.metrics import GaugeCollector, Metrics
from imagekit_server.storage import LocalBlobStore

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 3.0  # seconds per dependency
PROBE_KEY = "readyz/probe"  # never written: only looked up
RETRY_AFTER = "5"


def metrics_of(context: ServerContext) -> Metrics:
    return context.component(Metrics, Metrics)


def _check_database(context: ServerContext) -> None:
    with context.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1")).scalar_one()


def _check_storage(context: ServerContext) -> None:
    store = context.store
    if isinstance(store, LocalBlobStore):
        # A lookup under a missing or replaced root just finds nothing: check the root.
        root = store.root
        if not root.is_dir() or not os.access(root, os.R_OK | os.W_OK | os.X_OK):
            raise OSError(f"blob directory {root} is missing or not readable and writable")
    store.stat(PROBE_KEY)


async def _probe(name: str, check: Any, context: ServerContext) -> str | None:
    """None when ``check`` passes within the timeout, else why not (for the body and log)."""
    try:
        with anyio.fail_after(CHECK_TIMEOUT):
            await to_thread.run_sync(check, context, abandon_on_cancel=True)
    except TimeoutError:
        problem = f"no answer within {CHECK_TIMEOUT:g} s"
    except Exception as error:
        problem = type(error).__name__
        logger.warning("readiness: %s check failed: %s", name, error)
    else:
        return None
    metrics_of(context).backend_error(name)
    return problem


async def readyz(request: Request) -> Response:
    context: ServerContext = request.app.state.context
    checks = {
        "database": await _probe("database", _check_database, context),
        "storage": await _probe("storage", _check_storage, context),
    }
    ready = not any(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    headers = {"Cache-Control": "no-store"}
    if not ready:
        headers["Retry-After"] = RETRY_AFTER
    return JSONResponse(body, status_code=200 if ready else 503, headers=headers)


def _jobs_by_state(context: ServerContext) -> dict[str, int]:
    """Bulk jobs by state; none when the database does not answer (the scrape must still
    show everything else, the database errors included)."""
    query = sa.select(bulk_jobs.c.status, sa.func.count()).group_by(bulk_jobs.c.status)
    try:
        with context.engine.connect() as conn:
            return {status: count for status, count in conn.execute(query)}
    except sa.exc.SQLAlchemyError as error:
        logger.warning("metrics: jobs by state unavailable: %s", error)
        metrics_of(context).backend_error("database")
        return {}


async def metrics_endpoint(request: Request) -> Response:
    context: ServerContext = request.app.state.context
    observer = getattr(request.app, "observer", None)
    if observer is not None:
        observer.flush()  # this process's latest requests (on the loop, where they are kept)
    jobs = GaugeCollector(
        "imagekit_jobs",
        "Bulk jobs by state (database-wide).",
        "state",
        lambda: _jobs_by_state(context),
    )
    body = await to_thread.run_sync(metrics_of(context).exposition, [jobs])
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
