"""Any server speaking ImageKit's API: ImageKit.io itself or another imagekit-server.

Files are listed with ``GET /v1/files`` (oldest first, in pages), each file's versions with
``GET /v1/files/{id}/versions``; originals are downloaded from the URL endpoint with
``tr=orig-true`` (ImageKit would otherwise deliver an optimised rendition) and
``ik-obj-version`` for older versions, signed when the file is private. Tags, custom metadata,
custom coordinates, description, isPrivateFile and isPublished come from each version's object.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from imagekit_server.importing.items import Attributes, ImportFile, ImportVersion
from imagekitio import ImageKit

PAGE_SIZE = 1000  # ImageKit's largest `limit`
TIMEOUT = 60.0
SIGNED_URL_SECONDS = 3600


class SourceError(RuntimeError):
    """The source server refused a request or answered something unexpected."""


class ImageKitApiSource:
    def __init__(
        self,
        api_url: str,
        private_key: str,
        *,
        url_endpoint: str | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.private_key = private_key
        self.url_endpoint = url_endpoint.rstrip("/") if url_endpoint else None
        self.max_bytes = max_bytes  # the target's upload limit: a longer download stops
        self._local = threading.local()  # one requests.Session per worker thread
        self._url_builders: dict[str, ImageKit] = {}  # per URL endpoint, for signing

    def describe(self) -> str:
        return f"imagekit-api:{self.api_url}"

    def files(self) -> Iterator[ImportFile]:
        skip = 0
        while True:
            page = self._get_json(
                "/v1/files",
                {"type": "file", "sort": "ASC_CREATED", "skip": skip, "limit": PAGE_SIZE},
            )
            for item in page:
                yield self._import_file(item)
            if len(page) < PAGE_SIZE:
                return
            skip += len(page)

    def custom_metadata_fields(self) -> list[dict[str, Any]]:
        fields: list[dict[str, Any]] = self._get_json("/v1/customMetadataFields", {})
        return fields

    def _import_file(self, item: dict[str, Any]) -> ImportFile:
        file_path = str(item["filePath"])
        folder, _, name = file_path.rpartition("/")
        file_id = str(item["fileId"])
        return ImportFile(
            folder=folder or "/",
            name=name,
            versions=[self._version(file_id, v) for v in self._versions(file_id, item)],
        )

    def _versions(self, file_id: str, current: dict[str, Any]) -> list[dict[str, Any]]:
        """Oldest first, the current version last (it must end up current here too)."""
        listed: list[dict[str, Any]] = self._get_json(f"/v1/files/{quote(file_id)}/versions", {})
        older = [v for v in listed if v.get("type") == "file-version"]
        older.sort(key=lambda v: (str(v.get("createdAt", "")), _version_number(v)))
        return [*older, current]

    def _version(self, file_id: str, obj: dict[str, Any]) -> ImportVersion:
        version_id = str((obj.get("versionInfo") or {}).get("id") or file_id)
        attributes = Attributes(
            tags=obj.get("tags") or None,
            custom_metadata=obj.get("customMetadata") or None,
            custom_coordinates=obj.get("customCoordinates") or None,
            is_private=bool(obj.get("isPrivateFile", False)),
            is_published=bool(obj.get("isPublished", True)),
            description=obj.get("description") or None,
        )
        url = self._original_url(obj, older=obj.get("type") == "file-version")
        return ImportVersion(
            key=f"{file_id}@{version_id}",
            fetch=lambda temp: self._download(url, temp),
            attributes=attributes,
            size=obj.get("size"),
        )

    def _original_url(self, obj: dict[str, Any], *, older: bool) -> str:
        file_path = str(obj["filePath"])
        endpoint = self.url_endpoint or _endpoint_of(str(obj["url"]), file_path)
        query: dict[str, str] = {"tr": "orig-true"}
        if older:
            query["ik-obj-version"] = str(obj["versionInfo"]["id"])
        client = self._url_builders.get(endpoint)
        if client is None:
            client = ImageKit(
                public_key="import", private_key=self.private_key, url_endpoint=endpoint
            )
            self._url_builders[endpoint] = client
        return client.url(
            {
                "path": file_path,
                "query_parameters": query,
                "signed": bool(obj.get("isPrivateFile")) or not obj.get("isPublished", True),
                "expire_seconds": SIGNED_URL_SECONDS,
            }
        )

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.auth = (self.private_key, "")
            self._local.session = session
        return session

    def _get_json(self, path: str, params: dict[str, Any]) -> Any:
        response = self._session().get(f"{self.api_url}{path}", params=params, timeout=TIMEOUT)
        if response.status_code != 200:
            raise SourceError(f"GET {path}: HTTP {response.status_code} {response.text[:200]}")
        return response.json()

    def _download(self, url: str, temp: Path) -> Path:
        # The URL endpoint is public: no credentials go there (private files are signed).
        with requests.get(url, stream=True, timeout=TIMEOUT) as response:
            if response.status_code != 200:
                raise SourceError(f"download {urlsplit(url).path}: HTTP {response.status_code}")
            written = 0
            with temp.open("wb") as handle:
                for chunk in response.iter_content(1 << 20):
                    written += len(chunk)
                    if self.max_bytes is not None and written > self.max_bytes:
                        raise SourceError(
                            f"larger than the maximum upload size ({self.max_bytes} bytes)"
                        )
                    handle.write(chunk)
        return temp


def _version_number(obj: dict[str, Any]) -> int:
    name = str((obj.get("versionInfo") or {}).get("name", ""))
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else 0


def _endpoint_of(url: str, file_path: str) -> str:
    """The URL endpoint a file's ``url`` was built on (the URL minus its file path)."""
    base = url.split("?", 1)[0]
    for suffix in (quote(file_path), file_path):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    raise SourceError(f"cannot tell the URL endpoint from {url!r}: pass --url-endpoint")
