"""Extension results to ``webhookUrl``, in ImageKit's shape for them (docs/extensions.md):
``{"service": <extension>, "status": "SUCCESS", "fileObject": <file details>}`` or
``{"service": <extension>, "status": "FAILURE", "fileId": ..., "error": {"message": ...}}``.

Every extension event leaves through ``send_extension_event``: one place to route them into a
durable delivery outbox.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.fetch import FetchError, post_json

log = logging.getLogger("imagekit_server.extensions")


def success_event(extension: str, file_object: dict[str, Any]) -> dict[str, Any]:
    return {"service": extension, "status": "SUCCESS", "fileObject": file_object}


def failure_event(extension: str, file_id: str, reason: str) -> dict[str, Any]:
    return {
        "service": extension,
        "status": "FAILURE",
        "fileId": file_id,
        "error": {"message": reason},
    }


def send_extension_event(
    context: ServerContext, account_id: str, webhook_url: str | None, event: dict[str, Any]
) -> None:
    """Deliver ``event`` to ``webhook_url`` (blocking; best effort) through the outgoing-request
    guard. Without a URL there is nobody to tell: the event is only logged."""
    if not webhook_url:
        return
    settings = context.settings
    try:
        status = post_json(
            webhook_url,
            json.dumps(event).encode(),
            allowlist=settings.fetch_allowlist,
            timeout=settings.webhook_timeout_seconds,
        )
    except FetchError as error:
        log.warning(
            "extension webhook (%s, account %s) to %s failed: %s",
            event.get("service"),
            account_id,
            webhook_url,
            error,
        )
        return
    if not 200 <= status < 300:
        log.warning("extension webhook to %s answered %d", webhook_url, status)
