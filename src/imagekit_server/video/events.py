"""Video webhook events (``video.transformation.accepted/ready/error``): built here, sent
through one function. The payload follows ImageKit's (docs/video.md, Webhooks)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

logger = logging.getLogger(__name__)

# Where events go. The server's webhook outbox replaces this at start-up when it exists;
# until then events are logged.
EventSink = Callable[[str, dict[str, Any]], None]
_sinks: list[EventSink] = []


def add_sink(sink: EventSink) -> None:
    _sinks.append(sink)


def send_video_event(account_id: str, event: dict[str, Any]) -> None:
    """Hand one event to the webhook machinery (never raises: a webhook must not fail a
    render)."""
    logger.info("video event %s for %s", event["type"], account_id)
    for sink in list(_sinks):
        try:
            sink(account_id, event)
        except Exception:  # pragma: no cover - a sink's own failure
            logger.exception("video event sink failed")


def video_event(
    kind: str, url: str, asset_url: str, options: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """``kind``: accepted, ready or error. ``extra`` goes into ``data.transformation``
    (``output`` when ready, ``error`` when failed); ``timings`` to the top level."""
    timings = extra.pop("timings", None)
    event: dict[str, Any] = {
        "type": f"video.transformation.{kind}",
        "id": str(uuid.uuid4()),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z",
        "request": {"x_request_id": str(uuid.uuid4()), "url": url, "user_agent": ""},
        "data": {
            "asset": {"url": asset_url},
            "transformation": {"type": "video-transformation", "options": options, **extra},
        },
    }
    if timings is not None:
        event["timings"] = timings
    return event
