"""Run the extensions of an upload or a details update (in its worker thread): fast providers
inline, their results written before the response; slow ones queued as EXTENSION jobs and
reported ``pending``; an extension without a usable provider reports ``failed`` and says why
in the log and the webhook. None of it can fail the upload: the file is already stored."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import file_transaction, read_transaction, write_transaction
from imagekit_server.extensions import saved as saved_extensions
from imagekit_server.extensions.events import failure_event, send_extension_event, success_event
from imagekit_server.extensions.jobs import JOB_TYPE, job_params
from imagekit_server.extensions.providers import ProviderError
from imagekit_server.extensions.registry import providers
from imagekit_server.extensions.requested import ExtensionRequest, SavedLookup, parse_extensions
from imagekit_server.extensions.results import save_description, save_tags
from imagekit_server.extensions.workers import extension_workers
from imagekit_server.files.objects import file_object
from imagekit_server.jobs import queue

log = logging.getLogger("imagekit_server.extensions")


def requested_extensions(
    context: ServerContext, account_id: str, raw: object
) -> list[ExtensionRequest]:
    """The validated ``extensions`` parameter (a 400 naming a malformed entry)."""
    return parse_extensions(raw, saved_lookup(context, account_id)) if raw else []


def saved_lookup(context: ServerContext, account_id: str) -> SavedLookup:
    def lookup(item_id: str) -> dict[str, Any] | None:
        with read_transaction(context.engine) as conn:
            found = saved_extensions.get(conn, account_id, item_id)
        return None if found is None else dict(found.config)

    return lookup


def apply_extensions(
    context: ServerContext,
    row: Any,
    requests: list[ExtensionRequest],
    webhook_url: str | None,
    source: Path | None = None,
) -> tuple[dict[str, str], Any]:
    """``extensionStatus`` and the file row after the inline results landed."""
    statuses: dict[str, str] = {}
    finished: list[tuple[str, str | None]] = []  # (extension, failure reason or None)
    queued: list[ExtensionRequest] = []
    image = _image_loader(context, row, source)
    for request in requests:
        try:
            if row.file_type != "image":
                raise ProviderError("extensions run on images only")
            provider = providers(context).provider_for(request.name)
            if not provider.inline:
                queued.append(request)
                statuses[request.name] = "pending"
                continue
            row = _run_inline(context, row, request, image()) or row
            statuses[request.name] = "success"
            finished.append((request.name, None))
        except ProviderError as error:
            log.warning("extension %s on file %s failed: %s", request.name, row.id, error)
            statuses[request.name] = "failed"
            finished.append((request.name, str(error)))
        except Exception:  # the file is stored: nothing here may fail the request
            log.exception("extension %s on file %s failed", request.name, row.id)
            statuses[request.name] = "failed"
            finished.append((request.name, "internal error while running the extension"))
    if queued:
        try:
            _queue(context, row, queued, webhook_url)
        except Exception:
            log.exception("extension jobs for file %s could not be queued", row.id)
            for request in queued:
                statuses[request.name] = "failed"
                finished.append((request.name, "the extension could not be queued"))
    if finished and webhook_url:
        _notify_later(context, row, finished, webhook_url)
    return statuses, row


def _image_loader(context: ServerContext, row: Any, source: Path | None) -> Callable[[], bytes]:
    loaded: list[bytes] = []

    def load() -> bytes:
        if not loaded:
            data = source.read_bytes() if source is not None else None
            loaded.append(data if data is not None else context.store.get_bytes(row.blob_key))
        return loaded[0]

    return load


def _run_inline(context: ServerContext, row: Any, request: ExtensionRequest, image: bytes) -> Any:
    if request.name == "ai-auto-description":
        text = providers(context).describer().describe(image)
        with file_transaction(context.engine, row.account_id) as conn:
            return save_description(conn, row.account_id, row.id, text)
    config = request.config
    labels = (
        providers(context)
        .tagger(request.name)
        .labels(
            image, max_labels=int(config["maxTags"]), min_confidence=float(config["minConfidence"])
        )
    )
    with file_transaction(context.engine, row.account_id) as conn:
        return save_tags(conn, row.account_id, row.id, request.name, labels)


def _queue(
    context: ServerContext, row: Any, queued: list[ExtensionRequest], webhook_url: str | None
) -> None:
    with write_transaction(context.engine) as conn:
        for request in queued:
            params = job_params(
                row.id, row.current_version_id, request.name, request.config, webhook_url
            )
            queue.submit(conn, row.account_id, JOB_TYPE, params)
    extension_workers(context).wake()


def _notify_later(
    context: ServerContext, row: Any, finished: list[tuple[str, str | None]], webhook_url: str
) -> None:
    """The final status of the extensions that finished in the request, off its thread."""
    details = file_object(row, context.settings.url_endpoint(row.account_id))
    events = [
        success_event(name, details) if reason is None else failure_event(name, row.id, reason)
        for name, reason in finished
    ]

    def deliver() -> None:
        for event in events:
            send_extension_event(context, row.account_id, webhook_url, event)

    threading.Thread(target=deliver, name="extension-events", daemon=True).start()
