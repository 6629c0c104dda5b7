"""Streaming one version of an S3 object, resuming when the connection breaks.

A long download (a video to a slow client) can outlive one TCP connection. When the body stream
fails, the rest is fetched with a new ranged GET pinned to the first response's ETag
(``If-Match``), so the bytes handed out always come from a single version of the object.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from botocore.exceptions import (
    ClientError,
    IncompleteReadError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from botocore.response import StreamingBody

from .base import BlobReadInterrupted

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import GetObjectOutputTypeDef

__all__ = ["RESUME_ATTEMPTS", "stream_object"]

RESUME_ATTEMPTS = 3
_BROKEN_STREAM_ERRORS = (IncompleteReadError, ReadTimeoutError, ResponseStreamingError)


def stream_object(
    client: S3Client,
    bucket: str,
    object_key: str,
    response: GetObjectOutputTypeDef,
    start: int,
    chunk_size: int,
) -> Iterator[bytes]:
    """Yield the body of ``response`` (a GET of the object from byte ``start``) in chunks.

    Raises ``BlobReadInterrupted`` when the stream broke and the rest could not be fetched from
    the same version (it changed or vanished, or ``RESUME_ATTEMPTS`` resumptions failed).
    """
    etag = response["ETag"]
    stop = start + response["ContentLength"]
    position = start
    body = response["Body"]
    failures = 0
    try:
        while position < stop:
            try:
                chunk = body.read(min(chunk_size, stop - position))
            except _BROKEN_STREAM_ERRORS as exc:
                failures += 1
                if failures > RESUME_ATTEMPTS:
                    raise BlobReadInterrupted(
                        f"s3://{bucket}/{object_key}: stream broke {failures} times"
                    ) from exc
                body.close()
                body = _reopen(client, bucket, object_key, etag, position, stop)
                continue
            if not chunk:
                return
            position += len(chunk)
            yield chunk
    finally:
        body.close()


def _reopen(
    client: S3Client, bucket: str, object_key: str, etag: str, position: int, stop: int
) -> StreamingBody:
    try:
        response = client.get_object(
            Bucket=bucket, Key=object_key, Range=f"bytes={position}-{stop - 1}", IfMatch=etag
        )
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("PreconditionFailed", "412", "NoSuchKey", "404"):
            raise BlobReadInterrupted(
                f"s3://{bucket}/{object_key} changed or vanished while it was being read"
            ) from exc
        raise
    return response["Body"]
