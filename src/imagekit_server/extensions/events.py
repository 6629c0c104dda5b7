"""Extension results to ``webhookUrl``, in ImageKit's shape for them (docs/extensions.md):
``{"service": <extension>, "status": "SUCCESS", "fileObject": <file details>}`` or
``{"service": <extension>, "status": "FAILURE", "fileId": ..., "error": {"message": ...}}``.

Every extension event leaves through ``send_extension_event``, into the durable, signed webhook
outbox.
"""

from __future__ import annotations

from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.webhooks import outbox


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
    """Queue ``event`` in the durable webhook outbox (docs/webhooks.md): to ``webhook_url`` and
    to the account's endpoints that want ``extension.success`` / ``extension.failure``. The
    body keeps ImageKit's documented keys at the top and repeats them under ``data``."""
    event_type = f"extension.{str(event.get('status', 'failure')).lower()}"
    outbox.send_extension_event(
        context, account_id, webhook_url, {**event, "type": event_type, "data": event}
    )
