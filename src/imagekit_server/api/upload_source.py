"""Turn the upload's ``file`` part into a file on disk: a binary part is used as is; a text
part is a URL (fetched through the outgoing-request guard), a base64 data URI, strict base64,
or else the raw content the official 4.x SDK sends for ``bytes``.

One exception: a single line of text that is none of these and looks like a file name or path
(it ends in an extension such as ``.jpg``, or holds a ``/`` or ``\\``: ``"photo.jpg"``,
``"/home/me/cat.png"``) is what passing a path as ``file`` sends, and storing those few
characters as the file would lose the user's upload silently: it is a 400 (README, "What
`file` can be").
"""

from __future__ import annotations

import binascii
import re
from pathlib import Path

from imagekit_server.api.multipart_spool import SpooledUpload, UploadTooLarge
from imagekit_server.errors import BadRequest
from imagekit_server.fetch import FetchError, fetch_to_file
from imagekit_server.runtime.spool import SpoolArea
from imagekit_server.settings import Settings

MAX_URL_LENGTH = 8192
MAX_NAME_LENGTH = 4096  # longer text parts are content (as 4.x sends bytes)
_DATA_URI = re.compile(rb"data:[\w.+-]+/[\w.+-]+(;[\w=.+-]+)*;base64,", re.ASCII)
_BASE64_BODY = re.compile(rb"[A-Za-z0-9+/\s]*={0,2}\s*")
_CHUNK = 4 * (1 << 16)
_PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$")


def resolve_upload_file(upload: SpooledUpload, settings: Settings, spool: SpoolArea) -> Path:
    """The path of the file's bytes (replacing ``upload.file_path`` when it had to decode or
    fetch). Blocking: call it in a worker thread."""
    if upload.file_path is None:
        raise BadRequest("Missing file parameter for upload.")
    if not upload.file_is_text or upload.file_size == 0:
        if upload.file_size == 0:
            raise BadRequest("Missing file parameter for upload.")
        return upload.file_path
    with upload.file_path.open("rb") as stream:
        head = stream.read(MAX_URL_LENGTH + 1)
    stripped = head.strip()
    if stripped.startswith((b"http://", b"https://")) and len(head) <= MAX_URL_LENGTH:
        return _replace(upload, _fetch(stripped.decode("utf-8", "replace"), settings, spool))
    data_uri = _DATA_URI.match(stripped)
    if data_uri is not None:
        offset = len(head) - len(head.lstrip()) + data_uri.end()
        return _replace(upload, _decode_base64(upload.file_path, offset, settings, spool))
    if _looks_like_base64(upload.file_path):
        return _replace(upload, _decode_base64(upload.file_path, 0, settings, spool))
    if len(head) <= MAX_NAME_LENGTH and _looks_like_a_path(stripped):
        raise BadRequest(
            "The file parameter must be the file's content, an http(s) URL or base64-encoded "
            "content; a file name or path is not read (send the bytes of the file instead)."
        )
    return upload.file_path


def _looks_like_a_path(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False  # binary content
    if not text.isprintable():
        return False  # several lines, or control characters: content
    return _PATH_LIKE.search(text) is not None


def _replace(upload: SpooledUpload, path: Path) -> Path:
    upload.discard()
    upload.file_path = path
    upload.file_size = path.stat().st_size
    return path


def _fetch(url: str, settings: Settings, spool: SpoolArea) -> Path:
    destination = spool.new_path()
    try:
        fetch_to_file(
            url,
            destination,
            allowlist=settings.fetch_allowlist,
            max_bytes=settings.max_upload_bytes,
            timeout=settings.fetch_timeout_seconds,
        )
    except FetchError as exc:
        destination.unlink(missing_ok=True)
        raise BadRequest(f"Could not fetch the file from the URL: {exc}") from exc
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return destination


def _looks_like_base64(path: Path) -> bool:
    """Strict base64: only the alphabet and whitespace, padding at the end, length % 4 == 0."""
    length = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            compact = bytes(chunk.translate(None, b" \t\r\n"))
            if not _BASE64_BODY.fullmatch(chunk):
                return False
            length += len(compact)
    return length > 0 and length % 4 == 0


def _decode_base64(source: Path, offset: int, settings: Settings, spool: SpoolArea) -> Path:
    destination = spool.new_path()
    try:
        with source.open("rb") as reader, destination.open("wb") as writer:
            reader.seek(offset)
            pending = b""
            written = 0
            while chunk := reader.read(_CHUNK):
                pending += chunk.translate(None, b" \t\r\n")
                usable = len(pending) - len(pending) % 4
                written += writer.write(binascii.a2b_base64(pending[:usable], strict_mode=True))
                pending = pending[usable:]
                if written > settings.max_upload_bytes:
                    limit = settings.max_upload_bytes
                    raise UploadTooLarge(f"File size exceeds the maximum allowed ({limit} bytes).")
            if pending:
                raise BadRequest("Invalid base64 content in file parameter.")
    except binascii.Error as exc:
        destination.unlink(missing_ok=True)
        raise BadRequest("Invalid base64 content in file parameter.") from exc
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return destination
