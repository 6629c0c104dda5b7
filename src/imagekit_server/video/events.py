"""Video webhook events (``video.transformation.accepted/ready/error``): built here, sent
queued in the webhook outbox. The payload follows ImageKit's (docs/video.md, Webhooks)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from anyio import to_thread

from imagekit_server.context import ServerContext
from imagekit_server.webhooks.outbox import enqueue_event

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Trigger:
    """The request that started a render, for its events' ``request`` field: the id its
    response and access-log line carry (X-Request-Id), and its user agent."""

    request_id: str
    user_agent: str = ""


async def send_video_event(context: ServerContext, account_id: str, event: dict[str, Any]) -> None:
    """Queue one event in the durable webhook outbox (docs/webhooks.md), for the account's
    endpoints that want it. Never raises: a webhook must not fail a render."""
    logger.info("video event %s for %s", event["type"], account_id)
    try:
        await to_thread.run_sync(enqueue_event, context, account_id, event)
    except Exception:
        logger.exception("could not queue video event %s", event["type"])


def video_event(
    kind: str,
    url: str,
    asset_url: str,
    options: dict[str, Any],
    trigger: Trigger | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """``kind``: accepted, ready or error. ``extra`` goes into ``data.transformation``
    (``output`` when ready, ``error`` when failed); ``timings`` to the top level. Without a
    ``trigger`` (a render after an upload) the request id is a new one."""
    timings = extra.pop("timings", None)
    if trigger is None:
        trigger = Trigger(str(uuid.uuid4()))
    event: dict[str, Any] = {
        "type": f"video.transformation.{kind}",
        "id": str(uuid.uuid4()),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z",
        "request": {
            "x_request_id": trigger.request_id,
            "url": url,
            "user_agent": trigger.user_agent,
        },
        "data": {
            "asset": {"url": asset_url},
            "transformation": {"type": "video-transformation", "options": options, **extra},
        },
    }
    if timings is not None:
        event["timings"] = timings
    return event
