"""A streaming ``multipart/form-data`` encoder.

The body is produced chunk by chunk: file content is read ``CHUNK_SIZE`` bytes at a time from
the file object or path while the transport sends it, so memory stays flat whatever the file
size. The total length is computed up front (from ``len``/``stat``/``seek``) when possible, so
the request carries a ``Content-Length``; a non-seekable stream falls back to chunked encoding.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Union

CHUNK_SIZE = 64 * 1024
CRLF = b"\r\n"
#: The boundary 4.x used for every upload, so in-memory bodies are byte-for-byte 4.x's.
FOUR_X_BOUNDARY = "--randomBoundary---------------------"

# Extension beyond 4.x (docs/sdk-extensions.md): called with (bytes sent, total bytes or None)
# as the body goes out; the last call has sent == total. A retry starts again from 0.
ProgressCallback = Callable[[int, int | None], None]

FileSource = Union[bytes, bytearray, memoryview, BinaryIO, "os.PathLike[str]", "os.PathLike[bytes]"]


@dataclass(frozen=True)
class TextField:
    name: str
    value: str


@dataclass(frozen=True)
class FileField:
    """A part whose content is read lazily (file objects from their current position).

    Without a ``filename`` it is a plain form field, as 4.x sent ``bytes``.
    """

    name: str
    filename: str | None
    source: FileSource
    content_type: str | None = None


Field = TextField | FileField


def _quote(value: str) -> str:
    # Browsers' (WHATWG) encoding of names in Content-Disposition: quotes and line breaks.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _source_size(source: FileSource) -> int | None:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return memoryview(source).nbytes
    if isinstance(source, os.PathLike):
        return os.stat(source).st_size
    try:
        if not source.seekable():
            return None
        position = source.tell()
        end = source.seek(0, io.SEEK_END)
        source.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return max(end - position, 0)


def _read_stream(stream: BinaryIO, size: int | None) -> Iterator[bytes]:
    remaining = size
    while remaining is None or remaining > 0:
        want = CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining)
        chunk = stream.read(want)
        if not isinstance(chunk, (bytes, bytearray)):
            raise TypeError("upload file objects must be opened in binary mode")
        if not chunk:
            if remaining:
                raise ValueError("the upload file became shorter while it was being sent")
            return
        if remaining is not None:
            remaining -= len(chunk)
        yield bytes(chunk)


def _read_source(source: FileSource, size: int | None) -> Iterator[bytes]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        view = memoryview(source).cast("B")
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])
    elif isinstance(source, os.PathLike):
        with open(source, "rb") as stream:
            yield from _read_stream(stream, size)
    else:
        yield from _read_stream(source, size)


class MultipartBody:
    """An iterable ``multipart/form-data`` body; iterate it once to send it."""

    def __init__(
        self,
        fields: Sequence[Field],
        boundary: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.fields = tuple(fields)
        self.progress = progress
        self.boundary = boundary or f"imagekit-{secrets.token_hex(16)}"
        self._sizes = [
            _source_size(item.source) if isinstance(item, FileField) else None
            for item in self.fields
        ]

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _part_header(self, item: Field) -> bytes:
        disposition = f'form-data; name="{_quote(item.name)}"'
        lines = []
        if isinstance(item, FileField) and item.filename is not None:
            disposition += f'; filename="{_quote(item.filename)}"'
        lines.append(f"Content-Disposition: {disposition}")
        if isinstance(item, FileField) and item.content_type:
            lines.append(f"Content-Type: {item.content_type}")
        head = f"--{self.boundary}\r\n" + "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("utf-8")

    def _closing(self) -> bytes:
        return f"--{self.boundary}--\r\n".encode()

    def content_length(self) -> int | None:
        """Total body size in bytes, or ``None`` if a file part has an unknown size."""
        total = len(self._closing())
        for item, size in zip(self.fields, self._sizes, strict=True):
            if isinstance(item, FileField):
                if size is None:
                    return None
                body_size = size
            else:
                body_size = len(item.value.encode("utf-8"))
            total += len(self._part_header(item)) + body_size + len(CRLF)
        return total

    def __iter__(self) -> Iterator[bytes]:
        if self.progress is None:
            yield from self._chunks()
            return
        total, sent, report = self.content_length(), 0, self.progress
        report(0, total)
        for chunk in self._chunks():
            yield chunk
            # Resumed when the transport asks for the next chunk: this one has been handed on.
            sent += len(chunk)
            report(sent, total)

    def _chunks(self) -> Iterator[bytes]:
        for item, size in zip(self.fields, self._sizes, strict=True):
            yield self._part_header(item)
            if isinstance(item, FileField):
                yield from _read_source(item.source, size)
            else:
                yield item.value.encode("utf-8")
            yield CRLF
        yield self._closing()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def to_bytes(self) -> bytes:
        """The whole body in memory (for small bodies and tests)."""
        return b"".join(self)

    def has_content(self) -> bool:
        """Whether every part's content is already in memory (text, bytes)."""
        return all(
            isinstance(item, TextField) or isinstance(item.source, (bytes, bytearray, memoryview))
            for item in self.fields
        )


def encoded_once(fields: Sequence[Field]) -> bytes:
    """The body as one ``bytes`` with 4.x's boundary, as 4.x sent it; a random boundary only
    when some content contains 4.x's delimiter line (4.x would have sent a broken body)."""
    body = MultipartBody(fields, FOUR_X_BOUNDARY)
    data = body.to_bytes()
    delimiter = f"--{FOUR_X_BOUNDARY}".encode()
    if data.count(delimiter) == len(body.fields) + 1:
        return data
    return MultipartBody(fields).to_bytes()
