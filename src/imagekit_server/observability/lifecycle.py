"""What the observability pieces do when the app starts and stops: the start-up log line, and
the task that writes the access log and counts metrics for the requests answered meanwhile."""

from __future__ import annotations

import asyncio
import logging
import re
from contextlib import suppress

import sqlalchemy as sa

from imagekit_server.observability.observer import Observer
from imagekit_server.settings import Settings

logger = logging.getLogger("imagekit_server")

FLUSH_SECONDS = 0.25


def server_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imagekit-selfhosted")
    except PackageNotFoundError:
        return "unknown"


def without_secrets(url: str) -> str:
    """A database or storage URL with any password (or whole user info) hidden."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return re.sub(r"//[^/@]*@", "//***@", url)


def log_startup(settings: Settings) -> None:
    from imagekit_server.libvips.requirements import libvips_info

    shared = f"; rate limits shared in {without_secrets(settings.redis_url)}"
    logger.info(
        "imagekit-server %s starting: %s; listening on http://%s:%s; data dir %s; "
        "database %s; storage %s%s",
        server_version(),
        libvips_info().describe(),
        settings.host,
        settings.port,
        settings.data_dir.resolve(),
        without_secrets(settings.database_url),
        without_secrets(settings.storage_url),
        shared if settings.redis_url else "",
        extra={"event": "startup"},
    )


async def flush_forever(observer: Observer) -> None:
    """Until cancelled (when the app stops, SIGTERM included): the access log and metrics of
    the requests answered so far, four times a second, and once more at the end."""
    try:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            try:
                observer.flush()
            except Exception:  # a full disk or closed stderr must not end the flushing
                logger.exception("writing the access log or metrics failed")
    finally:
        with suppress(Exception):
            observer.flush()
