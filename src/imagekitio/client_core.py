"""What ``ImageKit`` and ``AsyncImageKit`` share: the constructor and the methods without I/O.

The constructor's arguments are resolved once, in ``ImageKitRequest`` (keys, URL settings,
``api_base_url``/``upload_base_url`` with their environment variables and the 4.x ``URL``
class attributes, ``timeout``, ``max_retries``); each client adds only its transport.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .api_methods import ApiMethods
from .constants.errors import ERRORS
from .resource import ImageKitRequest
from .responsive import responsive_image_attributes
from .sync_transport import DEFAULT_TIMEOUT, Timeout
from .url import Url
from .utils.calculation import get_authenticated_params, hamming_distance
from .webhooks import DEFAULT_TOLERANCE_SECONDS, VerifiedWebhook, verify_webhook


class ClientCore(ApiMethods):
    def __init__(
        self,
        public_key: str | None = None,
        private_key: str | None = None,
        url_endpoint: str | None = None,
        transformation_position: str | None = None,
        options: dict[str, Any] | None = None,
        *,
        api_base_url: str | None = None,
        upload_base_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
    ) -> None:
        self.ik_request = ImageKitRequest(
            private_key,
            public_key,
            url_endpoint,
            transformation_position,
            options,
            api_base_url=api_base_url,
            upload_base_url=upload_base_url,
            timeout=timeout,
            max_retries=max_retries,
        )
        self.url_obj = Url(self.ik_request)

    def url(self, options: dict[str, Any]) -> str:
        """A delivery URL (see ``imagekitio.url.Url.generate_url``)."""
        return self.url_obj.generate_url(options)

    def responsive_image_attributes(
        self, options: dict[str, Any], **choices: Any
    ) -> dict[str, Any]:
        """Extension: ``src``/``srcset``/``sizes`` for an ``<img>`` built with ``url(options)``;
        ``choices``: ``width``, ``sizes``, ``widths``, ``dprs``, ``device_breakpoints``,
        ``image_breakpoints`` (see ``imagekitio.responsive``)."""
        return responsive_image_attributes(self.url, options, **choices)

    @staticmethod
    def verify_webhook_event(
        body: bytes | str,
        signature: str | Mapping[str, str] | None,
        secret: str,
        *,
        tolerance_seconds: float | None = DEFAULT_TOLERANCE_SECONDS,
    ) -> VerifiedWebhook:
        """Extension: check a webhook's ``x-ik-signature`` (see ``imagekitio.webhooks``)."""
        return verify_webhook(body, signature, secret, tolerance_seconds=tolerance_seconds)

    @staticmethod
    def phash_distance(first: str, second: str) -> int:
        """Hamming distance between two hexadecimal pHash strings."""
        if not (first and second):
            raise TypeError(ERRORS.MISSING_PHASH_VALUE.value)
        return hamming_distance(first, second)

    def get_authentication_parameters(self, token: str = "", expire: Any = 0) -> dict[str, Any]:
        """``{"token", "expire", "signature"}`` for client-side uploads."""
        params = get_authenticated_params(token, expire, self.ik_request.private_key)
        if params is None:  # unreachable: the constructor requires a private key
            raise ValueError(ERRORS.MANDATORY_INITIALIZATION_MISSING.value)
        return params
