"""The EXTENSION job: one slow extension (remove-bg, a remote or model tagger) on one file,
run on the bulk jobs' durable queue (leased in the database, resumed by any process).

Exactly once: the result and the job's progress (``phase: notify`` with the event to send)
commit in one transaction, so a crash before it redoes the provider call and a crash after it
only sends the event; the job completes after the event is handed over. A job that keeps
crashing its process is given up after ``MAX_ATTEMPTS`` and reported failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import file_transaction, read_transaction, write_transaction
from imagekit_server.extensions.events import failure_event, send_extension_event, success_event
from imagekit_server.extensions.providers import BackgroundOptions, ProviderError
from imagekit_server.extensions.registry import providers
from imagekit_server.extensions.results import (
    save_cutout,
    save_description,
    save_tags,
    stage_cutout,
)
from imagekit_server.files import records
from imagekit_server.files.objects import file_object
from imagekit_server.jobs import queue
from imagekit_server.jobs.queue import Job
from imagekit_server.runtime import blobs

JOB_TYPE = "EXTENSION"
MAX_ATTEMPTS = 3
log = logging.getLogger("imagekit_server.extensions")


def job_params(
    file_id: str, version_id: str, extension: str, config: dict[str, Any], webhook_url: str | None
) -> dict[str, Any]:
    return {
        "fileId": file_id,
        "versionId": version_id,
        "extension": extension,
        "config": config,
        "webhookUrl": webhook_url,
    }


def run_extension_job(
    context: ServerContext, job: Job, owner: str, *, should_stop: Callable[[], bool]
) -> bool:
    progress = job.progress
    if progress.get("phase") != "notify":
        attempts = int(progress.get("attempts", 0)) + 1
        with write_transaction(context.engine) as conn:
            queue.record_progress(
                conn, job.id, owner, {"attempts": attempts}, context.settings.job_lease_seconds
            )
        progress = _execute(context, job, owner, attempts)
    params = job.params
    send_extension_event(context, job.account_id, params.get("webhookUrl"), progress["event"])
    with write_transaction(context.engine) as conn:
        queue.complete(conn, job.id, owner, {"status": progress["status"]})
    return True


def _execute(context: ServerContext, job: Job, owner: str, attempts: int) -> dict[str, Any]:
    """Run the extension and commit its result with the progress; returns that progress."""
    params = job.params
    extension, file_id = params["extension"], params["fileId"]
    try:
        if attempts > MAX_ATTEMPTS:
            raise ProviderError(f"gave up after {MAX_ATTEMPTS} attempts that did not finish")
        with read_transaction(context.engine) as conn:
            row = records.find_by_id(conn, job.account_id, file_id)
            # The version the extension was asked for (a remove-bg of the same upload may
            # have added a newer one meanwhile: tags describe the original picture).
            version = records.find_version(conn, job.account_id, params["versionId"])
        if row is None:
            raise ProviderError("the file was deleted before the extension ran")
        image = context.store.get_bytes((version or row).blob_key)
        return _apply(context, job, owner, image)
    except ProviderError as error:
        log.warning("extension %s on file %s failed: %s", extension, file_id, error)
        event = failure_event(extension, file_id, str(error))
        progress = {"phase": "notify", "status": "failed", "event": event}
        with write_transaction(context.engine) as conn:
            queue.record_progress(conn, job.id, owner, progress, context.settings.job_lease_seconds)
        return progress


def _apply(context: ServerContext, job: Job, owner: str, image: bytes) -> dict[str, Any]:
    params = job.params
    extension, file_id, config = params["extension"], params["fileId"], params["config"]
    account_id = job.account_id
    lease = context.settings.job_lease_seconds
    if extension == "remove-bg":
        cutout = providers(context).remover().remove_background(image, background_options(config))
        content = stage_cutout(context, account_id, cutout)
        try:
            with file_transaction(context.engine, account_id) as conn:
                row = save_cutout(conn, account_id, file_id, params["versionId"], content)
                progress = _done(context, extension, file_id, row)
                queue.record_progress(conn, job.id, owner, progress, lease)
        except BaseException:
            blobs.discard(context.engine, context.store, [content.blob_key])
            raise
        if row is None:
            blobs.discard(context.engine, context.store, [content.blob_key])
        return progress
    if extension == "ai-auto-description":
        text = providers(context).describer().describe(image)
        with file_transaction(context.engine, account_id) as conn:
            row = save_description(conn, account_id, file_id, text)
            progress = _done(context, extension, file_id, row)
            queue.record_progress(conn, job.id, owner, progress, lease)
        return progress
    labels = (
        providers(context)
        .tagger(extension)
        .labels(
            image, max_labels=int(config["maxTags"]), min_confidence=float(config["minConfidence"])
        )
    )
    with file_transaction(context.engine, account_id) as conn:
        row = save_tags(conn, account_id, file_id, extension, labels)
        progress = _done(context, extension, file_id, row)
        queue.record_progress(conn, job.id, owner, progress, lease)
    return progress


def _done(context: ServerContext, extension: str, file_id: str, row: Any) -> dict[str, Any]:
    if row is None:
        reason = "the file was deleted or replaced by a newer version before the result landed"
        log.warning("extension %s on file %s failed: %s", extension, file_id, reason)
        return {
            "phase": "notify",
            "status": "failed",
            "event": failure_event(extension, file_id, reason),
        }
    endpoint = context.settings.url_endpoint(row.account_id)
    event = success_event(extension, file_object(row, endpoint))
    return {"phase": "notify", "status": "success", "event": event}


def background_options(config: dict[str, Any]) -> BackgroundOptions:
    options = config.get("options") or {}
    return BackgroundOptions(
        add_shadow=bool(options.get("add_shadow", False)),
        semitransparency=bool(options.get("semitransparency", True)),
        bg_color=options.get("bg_color") or None,
        bg_image_url=options.get("bg_image_url") or None,
    )
