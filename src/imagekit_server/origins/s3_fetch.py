"""Fetch from ``S3`` and ``S3_COMPATIBLE`` origins with a conditional GetObject.

``S3`` origins talk to AWS, or to the endpoint the server's own S3 settings name
(``IMAGEKIT_S3_ENDPOINT_URL``); ``S3_COMPATIBLE`` origins to their ``endpoint``. A custom
endpoint is checked by the outgoing-request guard before every fetch. Clients are kept per
(endpoint, credentials) because building one costs far more than a request.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from imagekit_server.fetch import FetchError, check_destination
from imagekit_server.origins.fetching import (
    NOT_MODIFIED,
    Fetched,
    FetchLimits,
    FetchResult,
    OriginFailure,
    OriginMissing,
    Validators,
)
from imagekit_server.origins.models import S3_COMPATIBLE, Origin
from imagekit_server.settings import FetchAllowlist
from imagekit_server.storage.s3 import endpoint_from_env

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
_NOT_MODIFIED = frozenset({"304", "NotModified"})
_DENIED = frozenset(
    {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "NoSuchBucket"}
)
_CHUNK = 1 << 16

_clients: dict[tuple[object, ...], S3Client] = {}
_clients_lock = threading.Lock()


def _client(
    endpoint: str | None, access_key: str, secret_key: str, path_style: bool, timeout: float
) -> S3Client:
    key = (endpoint, access_key, secret_key, path_style, timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            config = Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"total_max_attempts": 1, "mode": "standard"},
                s3={"addressing_style": "path" if path_style else "auto"},
            )
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            client = boto3.session.Session().client(
                "s3",
                endpoint_url=endpoint,
                region_name=region or "us-east-1",
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                config=config,
            )
            _clients[key] = client
        return client


class S3Fetcher:
    def __init__(self, origin: Origin, allowlist: FetchAllowlist, limits: FetchLimits) -> None:
        config = origin.config
        if origin.type == S3_COMPATIBLE:
            self.endpoint: str | None = config["endpoint"]
            path_style = bool(config.get("s3ForcePathStyle"))
        else:
            self.endpoint = endpoint_from_env(os.environ)
            path_style = self.endpoint is not None
        self.bucket: str = config["bucket"]
        self.prefix: str = config.get("prefix", "")
        self.allowlist = allowlist
        self.limits = limits
        self.client = _client(
            self.endpoint,
            origin.secrets.get("accessKey", ""),
            origin.secrets.get("secretKey", ""),
            path_style,
            limits.timeout,
        )

    def object_key(self, path: str) -> str:
        relative = path.lstrip("/")
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def fetch(self, path: str, destination: Path, validators: Validators | None) -> FetchResult:
        deadline = time.monotonic() + self.limits.timeout
        if self.endpoint is not None:
            try:
                check_destination(self.endpoint, self.allowlist)
            except FetchError as exc:
                raise OriginFailure("EACCES", str(exc)) from exc
        try:
            response = self.client.get_object(**self._request(path, validators))
            return self._save(response, destination, deadline)
        except ClientError as exc:
            outcome = _client_outcome(exc)
            if outcome == NOT_MODIFIED:
                return NOT_MODIFIED
            raise outcome from exc
        except (ConnectTimeoutError, ReadTimeoutError) as exc:
            raise OriginFailure("ETIMEDOUT", "the origin did not answer in time") from exc
        except EndpointConnectionError as exc:
            raise OriginFailure("ECONNREFUSED", "the origin refused the connection") from exc
        except (BotoCoreError, OSError) as exc:
            raise OriginFailure(
                "UNIDENTIFIED", f"the origin request failed: {type(exc).__name__}"
            ) from exc

    def _request(self, path: str, validators: Validators | None) -> dict[str, Any]:
        request: dict[str, Any] = {"Bucket": self.bucket, "Key": self.object_key(path)}
        if validators is not None and validators.etag:
            request["IfNoneMatch"] = validators.etag
        elif validators is not None and validators.last_modified:
            with contextlib.suppress(TypeError, ValueError):
                request["IfModifiedSince"] = parsedate_to_datetime(validators.last_modified)
        return request

    def _save(self, response: Any, destination: Path, deadline: float) -> Fetched:
        body = response["Body"]
        try:
            if response.get("ContentLength", 0) > self.limits.max_bytes:
                raise _too_large(self.limits.max_bytes)
            size = 0
            with destination.open("wb") as sink:
                for chunk in body.iter_chunks(_CHUNK):
                    size += len(chunk)
                    if size > self.limits.max_bytes:
                        raise _too_large(self.limits.max_bytes)
                    if time.monotonic() > deadline:
                        raise OriginFailure("ETIMEDOUT", "the origin took too long")
                    sink.write(chunk)
        finally:
            body.close()
        modified = response.get("LastModified")
        return Fetched(
            size,
            response.get("ContentType"),
            response.get("ETag"),
            None if modified is None else modified.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        )


def _too_large(max_bytes: int) -> OriginFailure:
    return OriginFailure("ELIMIT", f"the origin file is larger than {max_bytes} bytes")


def _client_outcome(exc: ClientError) -> Exception | Literal["not-modified"]:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
    if code in _NOT_MODIFIED or status == "304":
        return NOT_MODIFIED
    if code in _MISSING:
        return OriginMissing()
    if code in _DENIED or status == "403":
        return OriginFailure("EACCES", f"the bucket refused access ({code or status})")
    return OriginFailure("UNIDENTIFIED", f"the bucket answered {code or status}")
