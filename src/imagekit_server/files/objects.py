"""File, folder and upload-response objects as the API returns them (docs/reference/api.md §2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from imagekit_server.db.times import to_utc
from imagekit_server.video.facts import public_metadata, video_fields

THUMBNAIL_TRANSFORMATION = "tr:n-ik_ml_thumbnail"


def iso_time(moment: datetime) -> str:
    """``2019-08-24T06:14:41.313Z``"""
    moment = to_utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def delivery_url(endpoint: str, file_path: str) -> str:
    return f"{endpoint}/{quote(file_path.lstrip('/'), safe='/')}"


def thumbnail_url(endpoint: str, file_path: str) -> str:
    return f"{endpoint}/{THUMBNAIL_TRANSFORMATION}/{quote(file_path.lstrip('/'), safe='/')}"


def version_info(row: Any) -> dict[str, str]:
    return {"id": row.current_version_id, "name": f"Version {row.version_number}"}


def file_object(row: Any, endpoint: str) -> dict[str, Any]:
    """A ``files`` row as the file object of details and list responses."""
    obj: dict[str, Any] = {
        "type": "file",
        "fileId": row.id,
        "name": row.name,
        "filePath": row.file_path,
        "tags": row.tags,
        "AITags": row.ai_tags,
        "versionInfo": version_info(row),
        "isPrivateFile": bool(row.is_private),
        "isPublished": bool(row.is_published),
        "customCoordinates": row.custom_coordinates,
        "customMetadata": row.custom_metadata or {},
        "embeddedMetadata": row.embedded_metadata,
        "url": delivery_url(endpoint, row.file_path),
        "fileType": row.file_type,
        "mime": row.mime,
        "size": row.size,
        "hasAlpha": bool(row.has_alpha),
        "createdAt": iso_time(row.created_at),
        "updatedAt": iso_time(row.updated_at),
    }
    if row.file_type == "image":
        obj["thumbnail"] = thumbnail_url(endpoint, row.file_path)
    if row.width is not None:
        obj["width"] = row.width
        obj["height"] = row.height
    obj.update(video_fields(row.metadata))
    if row.description is not None:
        obj["description"] = row.description
    return obj


def version_object(row: Any, endpoint: str) -> dict[str, Any]:
    """A non-current ``file_versions`` row as a ``file-version`` object."""
    attributes = row.attributes or {}
    obj: dict[str, Any] = {
        "type": "file-version",
        "fileId": row.file_id,
        "name": row.name,
        "filePath": row.file_path,
        "tags": attributes.get("tags"),
        "AITags": attributes.get("AITags"),
        "versionInfo": {"id": row.id, "name": f"Version {row.number}"},
        "isPrivateFile": bool(attributes.get("isPrivateFile", False)),
        "isPublished": bool(attributes.get("isPublished", True)),
        "customCoordinates": attributes.get("customCoordinates"),
        "customMetadata": attributes.get("customMetadata") or {},
        "embeddedMetadata": row.embedded_metadata,
        "url": f"{delivery_url(endpoint, row.file_path)}?ik-obj-version={row.id}",
        "fileType": row.file_type,
        "mime": row.mime,
        "size": row.size,
        "hasAlpha": bool(row.has_alpha),
        "createdAt": iso_time(row.created_at),
        "updatedAt": iso_time(row.updated_at),
    }
    if row.file_type == "image":
        obj["thumbnail"] = thumbnail_url(endpoint, row.file_path)
    if row.width is not None:
        obj["width"] = row.width
        obj["height"] = row.height
    return obj


def folder_object(row: Any) -> dict[str, Any]:
    return {
        "type": "folder",
        "folderId": row.id,
        "name": row.name,
        "folderPath": row.path,
        "createdAt": iso_time(row.created_at),
        "updatedAt": iso_time(row.updated_at),
    }


def upload_response(
    row: Any, endpoint: str, response_fields: Iterable[str], orientation: int | None
) -> dict[str, Any]:
    """The upload response (docs/reference/api.md §2.3): fixed keys, plus the ``responseFields``
    asked for."""
    body: dict[str, Any] = {
        "fileId": row.id,
        "name": row.name,
        "filePath": row.file_path,
        "url": delivery_url(endpoint, row.file_path),
        "size": row.size,
        "fileType": row.file_type,
        "versionInfo": version_info(row),
        "AITags": row.ai_tags,
    }
    if row.width is not None:
        body["width"] = row.width
        body["height"] = row.height
    body.update(video_fields(row.metadata))
    if row.file_type == "image":
        body["thumbnailUrl"] = thumbnail_url(endpoint, row.file_path)
        if orientation is not None:
            body["orientation"] = orientation
    optional: dict[str, Callable[[], Any]] = {
        "tags": lambda: row.tags,
        "customCoordinates": lambda: row.custom_coordinates,
        "isPrivateFile": lambda: bool(row.is_private),
        "isPublished": lambda: bool(row.is_published),
        "embeddedMetadata": lambda: row.embedded_metadata or {},
        "customMetadata": lambda: row.custom_metadata or {},
        "metadata": lambda: public_metadata(row.metadata) or {},
        "selectedFieldsSchema": lambda: {},
    }
    for name in response_fields:
        body[name] = optional[name]()
    if row.description is not None:
        body["description"] = row.description
    return body
