"""Where requests go and how they authenticate.

Host resolution, highest priority first: the client's ``api_base_url``/``upload_base_url``
arguments, then the ``IMAGEKIT_API_BASE_URL``/``IMAGEKIT_UPLOAD_BASE_URL`` environment variables
(read when the client is created), then ``imagekitio.constants.url.URL`` (read on every call,
so re-assigning its attributes at run time redirects clients that set neither).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from .constants.url import URL

API_BASE_URL_ENV = "IMAGEKIT_API_BASE_URL"
UPLOAD_BASE_URL_ENV = "IMAGEKIT_UPLOAD_BASE_URL"


@dataclass(frozen=True)
class RequestContext:
    private_key: str
    api_base_url: str | None = None
    upload_base_url: str | None = None

    @classmethod
    def create(
        cls,
        private_key: str,
        api_base_url: str | None = None,
        upload_base_url: str | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> RequestContext:
        return cls(
            private_key=private_key,
            api_base_url=api_base_url or environ.get(API_BASE_URL_ENV) or None,
            upload_base_url=upload_base_url or environ.get(UPLOAD_BASE_URL_ENV) or None,
        )

    def api_url(self, path: str) -> str:
        return (self.api_base_url or URL.API_BASE_URL).rstrip("/") + path

    def upload_url(self, path: str) -> str:
        return (self.upload_base_url or URL.UPLOAD_BASE_URL).rstrip("/") + path

    def auth_headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.private_key}:".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}

    def headers(self, *, json: bool = False) -> dict[str, str]:
        """4.x headers: Basic auth, ``Accept-Encoding``, and the JSON content type if asked."""
        headers = {"Accept-Encoding": "gzip, deflate", **self.auth_headers()}
        if json:
            headers["Content-Type"] = "application/json"
        return headers


def path_segment(value: object) -> str:
    """An id placed in a URL path, escaped so that it stays one segment."""
    return quote(str(value), safe="")
