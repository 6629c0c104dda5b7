"""Resumable uploads: the tus 1.0.0 protocol (core, creation, termination) at /console/tus.

The browser's tus-js-client sends a big file in chunks; a broken connection resumes from the
offset the server reports (``HEAD``), which is simply the size of the partial file on disk. When
the last byte is in, the file is streamed to the upload API (in-process, as the console's other
calls), so it gets the API's checks, limits and options. Uploads belong to the account that
created them; unfinished ones are dropped after a day. See docs/console.md, "Upload".
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from anyio import to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from imagekit_server.console.pages import api_for, console_view, context_of
from imagekit_server.console.session import Session

TUS_VERSION = "1.0.0"
EXPIRY_SECONDS = 24 * 3600
READ_CHUNK = 1024 * 1024
# Upload-Metadata keys passed on to the upload API as form fields (``filename`` is the name).
FORWARDED_FIELDS = (
    "folder",
    "tags",
    "isPrivateFile",
    "useUniqueFileName",
    "customMetadata",
    "extensions",
)
_ID_LENGTH = 32


def _headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **extra}


def _error(status: int, message: str) -> Response:
    return JSONResponse({"message": message}, status_code=status, headers=_headers())


def upload_dir(request: Request) -> Path:
    directory = context_of(request).settings.data_dir / "console-tus"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def parse_metadata(header: str) -> dict[str, str] | None:
    """``key base64value,key2 base64value2`` (tus creation extension); None when malformed."""
    found: dict[str, str] = {}
    for pair in (part.strip() for part in header.split(",") if part.strip()):
        key, _, encoded = pair.partition(" ")
        try:
            found[key] = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return found


def _remove_expired(directory: Path) -> None:
    cutoff = time.time() - EXPIRY_SECONDS
    for info in directory.glob("*.json"):
        if info.stat().st_mtime < cutoff:
            info.with_suffix(".part").unlink(missing_ok=True)
            info.unlink(missing_ok=True)


def _info(request: Request, session: Session) -> tuple[Path, dict[str, Any]] | None:
    upload_id = request.path_params["upload_id"]
    if len(upload_id) != _ID_LENGTH or not upload_id.isalnum():
        return None
    path = upload_dir(request) / f"{upload_id}.json"
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if info.get("account") != session.account.id:
        return None  # another account's upload does not exist for this one
    return path, info


def _offset(info_path: Path) -> int:
    try:
        return info_path.with_suffix(".part").stat().st_size
    except FileNotFoundError:
        return 0


async def options(request: Request) -> Response:
    """Capabilities; needs no session (it reveals nothing)."""
    limit = context_of(request).settings.max_upload_bytes
    headers = _headers(
        **{
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": "creation,termination",
            "Tus-Max-Size": str(limit),
        }
    )
    return Response(status_code=204, headers=headers)


@console_view(write=True)
async def create(request: Request, session: Session) -> Response:
    if request.headers.get("tus-resumable") != TUS_VERSION:
        return _error(412, f"Tus-Resumable {TUS_VERSION} is required.")
    try:
        length = int(request.headers.get("upload-length", ""))
    except ValueError:
        return _error(400, "Upload-Length must be a whole number of bytes.")
    limit = context_of(request).settings.max_upload_bytes
    if not 0 < length <= limit:
        return _error(413, f"Upload-Length must be between 1 and {limit} bytes.")
    metadata = parse_metadata(request.headers.get("upload-metadata", ""))
    if metadata is None or not metadata.get("filename"):
        return _error(400, "Upload-Metadata must name the file (filename).")
    directory = upload_dir(request)
    await to_thread.run_sync(_remove_expired, directory)
    upload_id = secrets.token_hex(_ID_LENGTH // 2)
    info = {"account": session.account.id, "length": length, "metadata": metadata}
    (directory / f"{upload_id}.part").touch()
    (directory / f"{upload_id}.json").write_text(json.dumps(info))
    location = f"/console/tus/{upload_id}"
    return Response(status_code=201, headers=_headers(Location=location, **{"Upload-Offset": "0"}))


@console_view()
async def head(request: Request, session: Session) -> Response:
    found = _info(request, session)
    if found is None:
        return Response(status_code=404, headers=_headers())
    path, info = found
    offset = _offset(path)
    return Response(
        status_code=200,
        headers=_headers(**{"Upload-Offset": str(offset), "Upload-Length": str(info["length"])}),
    )


@console_view(write=True)
async def patch(request: Request, session: Session) -> Response:
    found = _info(request, session)
    if found is None:
        return _error(404, "No such upload.")
    path, info = found
    if request.headers.get("content-type") != "application/offset+octet-stream":
        return _error(415, "Content-Type must be application/offset+octet-stream.")
    part = path.with_suffix(".part")
    with part.open("ab") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _error(423, "Another request is writing this upload.")
        offset = handle.tell()
        if request.headers.get("upload-offset") != str(offset):
            return _error(409, f"Upload-Offset must be {offset}.")
        try:
            offset = await _append(request, handle, offset, int(info["length"]))
        except ValueError as exc:
            return _error(400, str(exc))
        except ClientDisconnect:
            return Response(status_code=204, headers=_headers(**{"Upload-Offset": str(offset)}))
        if offset < int(info["length"]):
            return Response(status_code=204, headers=_headers(**{"Upload-Offset": str(offset)}))
        # Still under the lock: a racing request cannot finish the same upload twice.
        return await _finish(request, session, path, info)


async def _append(request: Request, handle: Any, offset: int, length: int) -> int:
    async for chunk in request.stream():
        if offset + len(chunk) > length:
            raise ValueError("The body goes past Upload-Length.")
        await to_thread.run_sync(handle.write, chunk)
        offset += len(chunk)
    await to_thread.run_sync(handle.flush)
    return offset


async def _file_chunks(part: Path) -> AsyncIterator[bytes]:
    with part.open("rb") as handle:
        while chunk := await to_thread.run_sync(handle.read, READ_CHUNK):
            yield chunk


async def _finish(request: Request, session: Session, path: Path, info: dict[str, Any]) -> Response:
    """The last byte is in: hand the file to the upload API, then forget the upload."""
    metadata: dict[str, str] = info["metadata"]
    fields = {"fileName": metadata["filename"]}
    fields.update({key: metadata[key] for key in FORWARDED_FIELDS if metadata.get(key)})
    part = path.with_suffix(".part")
    try:
        result = await api_for(request, session).upload_file(
            fields, metadata["filename"], _file_chunks(part)
        )
    finally:
        part.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
    if not result.ok:
        return _error(result.status if result.status < 500 else 502, result.message)
    file_id = str(result.body.get("fileId", "")) if isinstance(result.body, dict) else ""
    headers = _headers(**{"Upload-Offset": str(info["length"]), "X-File-Id": file_id})
    return Response(status_code=204, headers=headers)


@console_view(write=True)
async def terminate(request: Request, session: Session) -> Response:
    found = _info(request, session)
    if found is None:
        return Response(status_code=404, headers=_headers())
    path, _ = found
    path.with_suffix(".part").unlink(missing_ok=True)
    path.unlink(missing_ok=True)
    return Response(status_code=204, headers=_headers())
