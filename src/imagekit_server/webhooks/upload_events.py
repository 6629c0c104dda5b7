"""Events of an upload request: ``upload.pre-transform.success``/``.error`` (to the account's
endpoints and the upload's ``webhookUrl``) and ``upload.completed`` (only to ``webhookUrl``,
for uploads without a pre-transformation; docs/webhooks.md)."""

from __future__ import annotations

from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.files.naming import join_path, normalise_folder
from imagekit_server.files.upload_form import UploadOptions
from imagekit_server.webhooks.events import (
    UPLOAD_COMPLETED,
    UPLOAD_PRE_TRANSFORM_ERROR,
    UPLOAD_PRE_TRANSFORM_SUCCESS,
)
from imagekit_server.webhooks.outbox import enqueue


def _request(options: UploadOptions, request_id: str) -> dict[str, Any]:
    """The event's ``request``: ``x_request_id`` is the upload's own (its X-Request-Id)."""
    return {"transformation": options.pre_transformation, "x_request_id": request_id}


def upload_finished(
    context: ServerContext,
    account_id: str,
    options: UploadOptions,
    body: dict[str, Any],
    request_id: str,
) -> None:
    """After the upload committed; ``body`` is its response, ``request_id`` the upload's."""
    if options.pre_transformation:
        enqueue(
            context,
            account_id,
            UPLOAD_PRE_TRANSFORM_SUCCESS,
            body,
            webhook_url=options.webhook_url,
            request=_request(options, request_id),
        )
    elif options.webhook_url:
        enqueue(
            context,
            account_id,
            UPLOAD_COMPLETED,
            body,
            webhook_url=options.webhook_url,
            endpoints=False,
        )


def pre_transform_failed(
    context: ServerContext, account_id: str, options: UploadOptions, reason: str, request_id: str
) -> None:
    """The pre-transformation could not be applied (the upload is refused)."""
    folder = normalise_folder(options.folder)
    data = {
        "name": options.file_name,
        "path": join_path(folder, options.file_name),
        "transformation": {"error": {"reason": reason}},
    }
    enqueue(
        context,
        account_id,
        UPLOAD_PRE_TRANSFORM_ERROR,
        data,
        webhook_url=options.webhook_url,
        request=_request(options, request_id),
    )
