"""The upload ``checks`` field: parsed before the body is used, evaluated on the probed file
before any bytes are stored (``search.checks`` implements the language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imagekit_server.errors import BadRequest
from imagekit_server.files.media_record import MediaFacts
from imagekit_server.files.upload_form import UploadOptions
from imagekit_server.search.checks import Checks, UploadFacts, parse_checks
from imagekit_server.search.errors import SearchQueryError


def parse_upload_checks(text: str) -> Checks:
    try:
        return parse_checks(text)
    except SearchQueryError as exc:
        raise BadRequest(f"Invalid checks syntax: {exc}") from exc


def _request_fields(options: UploadOptions) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "fileName": options.file_name,
        "folder": options.folder,
        "useUniqueFileName": options.use_unique_file_name,
        "isPrivateFile": options.is_private_file,
        "isPublished": options.is_published,
        "overwriteFile": options.overwrite_file,
        "overwriteAITags": options.overwrite_ai_tags,
        "overwriteTags": options.overwrite_tags,
        "overwriteCustomMetadata": options.overwrite_custom_metadata,
        "tags": options.tags or [],
        "customMetadata": options.custom_metadata or {},
    }
    if options.custom_coordinates is not None:
        fields["customCoordinates"] = options.custom_coordinates
    if options.webhook_url is not None:
        fields["webhookUrl"] = options.webhook_url
    return fields


def enforce_checks(
    checks: Checks, options: UploadOptions, facts: MediaFacts, field_types: Mapping[str, str]
) -> None:
    media = {
        key: value
        for key, value in (("width", facts.width), ("height", facts.height))
        if value is not None
    }
    upload = UploadFacts(
        request=_request_fields(options),
        file_size=facts.size,
        file_mime=facts.mime,
        media=media,
        field_types=field_types,
    )
    try:
        passed = checks.evaluate(upload)
    except SearchQueryError as exc:
        raise BadRequest(f"Invalid checks syntax: {exc}") from exc
    if not passed:
        raise BadRequest("The file failed the upload checks; checks validation failed.")
