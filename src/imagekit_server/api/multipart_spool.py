"""Stream a multipart upload body: the ``file`` part goes straight to a temp file on the
store's filesystem (never whole in memory, size limit enforced while streaming); every other
part is a small text field.

The 4.x SDK may send the file as a plain (non-file) part, so the ``file`` part is spooled to
disk whatever its headers say; ``SpooledUpload.file_is_text`` tells the caller to look inside
it for a URL or base64 payload.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from imagekit_server.errors import BadRequest
from imagekit_server.runtime.spool import SpoolArea

FILE_FIELD = "file"
MAX_FIELD_BYTES = 1024 * 1024
MAX_FIELDS = 64


class UploadTooLarge(BadRequest):
    pass


@dataclass
class SpooledUpload:
    fields: dict[str, str] = field(default_factory=dict)
    file_path: Path | None = None
    file_size: int = 0
    file_name: str | None = None  # the part's filename="..." when it was a file part
    file_is_text: bool = False

    def discard(self) -> None:
        if self.file_path is not None:
            self.file_path.unlink(missing_ok=True)
            self.file_path = None


def boundary_of(content_type: str) -> bytes:
    media_type, params = parse_options_header(content_type)
    if media_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadRequest("Request must be multipart/form-data with a boundary.")
    return params[b"boundary"]


class _PartCollector:
    """Receives the parser's callbacks for one request."""

    def __init__(self, spool: SpoolArea, max_file_bytes: int) -> None:
        self.upload = SpooledUpload()
        self._spool = spool
        self._max_file_bytes = max_file_bytes
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._text = bytearray()
        self._sink: BinaryIO | None = None
        self.error: BadRequest | None = None

    def on_part_begin(self) -> None:
        self._headers = {}
        self._text = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if self._name != FILE_FIELD:
            return
        self.upload.discard()
        filename = options.get(b"filename")
        self.upload.file_name = filename.decode("utf-8", "replace") if filename else None
        self.upload.file_is_text = filename is None
        fd, self.upload.file_path = self._spool.new_file()
        self.upload.file_size = 0
        self._sink = os.fdopen(fd, "wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.error is not None:
            return
        if self._sink is not None:
            self.upload.file_size += end - start
            if self.upload.file_size > self._max_file_bytes:
                self.error = UploadTooLarge(
                    f"File size exceeds the maximum allowed ({self._max_file_bytes} bytes)."
                )
                return
            self._sink.write(data[start:end])
            return
        self._text += data[start:end]
        if len(self._text) > MAX_FIELD_BYTES:
            self.error = BadRequest(f"Form field {self._name!r} is too large.")

    def on_part_end(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None
            return
        if len(self.upload.fields) >= MAX_FIELDS:
            self.error = self.error or BadRequest("Too many form fields.")
            return
        try:
            self.upload.fields[self._name] = self._text.decode("utf-8")
        except UnicodeDecodeError:
            self.error = self.error or BadRequest(f"Form field {self._name!r} is not UTF-8 text.")

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None


async def spool_multipart(
    content_type: str,
    body: AsyncIterator[bytes],
    *,
    spool: SpoolArea,
    max_file_bytes: int,
) -> SpooledUpload:
    """Parse the whole body. On any error (including a client that disconnects mid-upload) the
    temp file is removed before the exception propagates."""
    collector = _PartCollector(spool, max_file_bytes)
    parser = MultipartParser(
        boundary_of(content_type),
        {
            "on_part_begin": collector.on_part_begin,
            "on_part_data": collector.on_part_data,
            "on_part_end": collector.on_part_end,
            "on_header_field": collector.on_header_field,
            "on_header_value": collector.on_header_value,
            "on_header_end": collector.on_header_end,
            "on_headers_finished": collector.on_headers_finished,
        },
    )
    try:
        async for chunk in body:
            parser.write(chunk)
            if collector.error is not None:
                raise collector.error
        parser.finalize()
        if collector.error is not None:
            raise collector.error
    except BaseException as exc:
        collector.close()
        collector.upload.discard()
        if isinstance(exc, MultipartParseError):
            raise BadRequest(f"Malformed multipart body: {exc}") from exc
        raise
    return collector.upload
