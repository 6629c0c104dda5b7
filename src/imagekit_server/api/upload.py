"""``POST /api/v1/files/upload``: authenticate, stream the body to disk, ingest, answer."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from imagekit_server.accounts import Account
from imagekit_server.api.auth import authenticate_private_key, basic_auth_username
from imagekit_server.api.client_upload_auth import authenticate_client_upload
from imagekit_server.api.dependencies import server_context
from imagekit_server.api.multipart_spool import SpooledUpload, UploadTooLarge, spool_multipart
from imagekit_server.api.upload_source import resolve_upload_file
from imagekit_server.context import ServerContext
from imagekit_server.errors import BadRequest, Unauthorized
from imagekit_server.extensions.apply import apply_extensions, requested_extensions
from imagekit_server.files.ingest import ingest_upload
from imagekit_server.files.objects import upload_response
from imagekit_server.files.post_transformations import (
    UploadedFile,
    parse_post_transformations,
    schedule_post_transformations,
)
from imagekit_server.files.pre_transformation import apply_upload_pre_transformation
from imagekit_server.files.upload_checks import parse_upload_checks
from imagekit_server.files.upload_form import parse_client_auth, parse_upload_options
from imagekit_server.observability.request_context import current_request_id
from imagekit_server.webhooks import upload_events

router = APIRouter()
log = logging.getLogger("imagekit_server.upload")


@dataclass(frozen=True)
class FormCredentials:
    """How an upload version authenticates a client-side upload from its form fields."""

    #: Any of these fields present means the form carries client-side credentials.
    field_names: tuple[str, ...]
    #: Returns the account the credentials belong to, or raises a 400/403 ``ApiError``.
    authenticate: Callable[[ServerContext, Mapping[str, str]], Account]


def _v1_client_account(context: ServerContext, fields: Mapping[str, str]) -> Account:
    auth = parse_client_auth(fields)
    if auth is None:
        raise Unauthorized("Your request does not contain private API key.")
    return authenticate_client_upload(context.accounts, context.engine, auth)


V1_CREDENTIALS = FormCredentials(("publicKey", "signature", "expire", "token"), _v1_client_account)


@router.post("/api/v1/files/upload", tags=["upload"], summary="Upload a file")
async def upload_file(request: Request) -> JSONResponse:
    return await receive_upload(request, V1_CREDENTIALS)


async def receive_upload(request: Request, credentials: FormCredentials) -> JSONResponse:
    """Authenticate, spool, validate, ingest: shared by every upload API version."""
    context = server_context(request)
    authorization = request.headers.get("authorization")
    basic_account = (
        authenticate_private_key(context.accounts, authorization)
        if basic_auth_username(authorization) is not None
        else None
    )
    try:
        spooled = await spool_multipart(
            request.headers.get("content-type", ""),
            request.stream(),
            spool=context.spool,
            max_file_bytes=_max_spool_bytes(context),
        )
    except UploadTooLarge as exc:
        raise _too_large(context) from exc
    except ClientDisconnect:
        # Nobody is left to answer; the temp file is already gone.
        return JSONResponse({"message": "Client disconnected.", "help": ""}, status_code=400)
    try:
        body = await to_thread.run_sync(_process, context, basic_account, credentials, spooled)
    finally:
        spooled.discard()
    return JSONResponse(body)


def _max_spool_bytes(context: ServerContext) -> int:
    # A base64 text part is 4/3 of the decoded size; the decoded size is checked again.
    return context.settings.max_upload_bytes * 4 // 3 + 1024


def _too_large(context: ServerContext) -> BadRequest:
    limit = context.settings.max_upload_bytes
    return BadRequest(f"File size exceeds the maximum allowed ({limit} bytes).")


def _process(
    context: ServerContext,
    basic_account: Account | None,
    credentials: FormCredentials,
    spooled: SpooledUpload,
) -> dict[str, Any]:
    # Who is asking comes first: an anonymous request learns nothing about its form.
    account = _authenticate(context, basic_account, credentials, spooled.fields)
    options = parse_upload_options(spooled.fields)
    extensions = requested_extensions(context, account.id, options.extensions)
    checks = parse_upload_checks(options.checks) if options.checks else None
    posts = parse_post_transformations(options.post_transformations)
    if not spooled.file_is_text and spooled.file_size > context.settings.max_upload_bytes:
        raise _too_large(context)
    source = resolve_upload_file(spooled, context.settings, context.spool)
    if options.pre_transformation:
        try:
            transformed = apply_upload_pre_transformation(
                context, account.id, options.pre_transformation, source, options.file_name
            )
        except BadRequest as error:
            upload_events.pre_transform_failed(
                context, account.id, options, error.message, _request_id()
            )
            raise
        spooled.discard()
        spooled.file_path = source = transformed
    ingested = ingest_upload(context, account, options, source, checks=checks)
    endpoint = context.settings.url_endpoint(account.id)
    row = ingested.row
    statuses: dict[str, str] = {}
    if extensions:
        # Never fails the upload: each extension reports success, failed or pending.
        statuses, row = apply_extensions(context, row, extensions, options.webhook_url, source)
    body = upload_response(row, endpoint, options.response_fields, ingested.facts.orientation)
    if extensions:
        body["extensionStatus"] = statuses
    request_id = _request_id()
    upload_events.upload_finished(context, account.id, options, body, request_id)
    uploaded = UploadedFile(
        account.id, str(row.id), row.name, row.file_path, row.etag, endpoint, request_id
    )
    schedule_post_transformations(context, uploaded, posts, options.webhook_url)
    return body


def _request_id() -> str:
    """This upload's X-Request-Id (anyio runs ``_process`` in the request's context), or a
    fresh one where nothing gave it an id (a direct call)."""
    request_id = current_request_id()
    return request_id if request_id != "-" else str(uuid.uuid4())


def _authenticate(
    context: ServerContext,
    basic_account: Account | None,
    credentials: FormCredentials,
    fields: Mapping[str, str],
) -> Account:
    client_side = any(fields.get(name) for name in credentials.field_names)
    if basic_account is not None:
        if client_side:
            raise BadRequest(
                "Send either private API key authentication or a client-side upload signature, "
                "not both."
            )
        return basic_account
    if not client_side:
        raise Unauthorized("Your request does not contain private API key.")
    return credentials.authenticate(context, fields)
