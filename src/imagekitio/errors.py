"""The SDK's error tree.

``ImageKitError`` is the root of every error raised for a failed API call. Responses with an
error status raise an ``APIStatusError`` subclass; the 4.x classes in ``imagekitio.exceptions``
subclass these, so ``except NotFoundError`` and ``except NotFoundException`` both work.
Transport failures (after retries) raise ``APIConnectionError`` / ``APITimeoutError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .models.results.ResponseMetadata import ResponseMetadata
    from .wire import ApiRequest

ErrorT = TypeVar("ErrorT", bound=Exception)

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ImageKitError",
    "InternalServerError",
    "NotFoundError",
    "PartialSuccessError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnknownStatusError",
]


class ImageKitError(Exception):
    """Base class of the errors this SDK raises for API calls."""


class APIConnectionError(ImageKitError):
    """The request could not be completed (connection refused, reset, ...)."""


class APITimeoutError(APIConnectionError):
    """The server did not answer within the client's timeout."""


class APIStatusError(ImageKitError):
    """The API answered with a status the method does not treat as success.

    ``message`` and ``response_help`` come from the JSON error body (``message``/``help``);
    ``response_metadata`` holds the parsed body, the status code and the response headers.
    """

    def __init__(
        self,
        message: Any,
        response_help: Any = "",
        response_metadata: ResponseMetadata | None = None,
    ) -> None:
        # Exception.__new__ already keeps all three arguments in ``args``, as 4.x did.
        self.message = message
        self.response_help = response_help
        self.response_metadata = response_metadata

    @property
    def status_code(self) -> int | None:
        metadata = self.response_metadata
        return None if metadata is None else metadata.http_status_code

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code!r})"


class BadRequestError(APIStatusError):
    """400"""


class AuthenticationError(APIStatusError):
    """401: no private key was sent."""


class PermissionDeniedError(APIStatusError):
    """403: the key is wrong, or the account may not do this."""


class NotFoundError(APIStatusError):
    """404"""


class ConflictError(APIStatusError):
    """409"""


class RateLimitError(APIStatusError):
    """429: see ``response_metadata.headers`` for ``X-RateLimit-*``."""


class InternalServerError(APIStatusError):
    """500, 502, 503, 504"""


class PartialSuccessError(APIStatusError):
    """207: some items of a bulk operation failed."""


class UnknownStatusError(APIStatusError):
    """Any status the method has no specific class for."""


def failed_attempt(request: ApiRequest, cause: BaseException, error_class: type[ErrorT]) -> ErrorT:
    """The error for an attempt the HTTP library could not complete, with ``cause`` as its
    ``__cause__`` (as ``raise ... from cause`` sets it): the transports hand it to the retry
    loop, which raises it once no attempt is left."""
    verb = "timed out" if issubclass(error_class, APITimeoutError) else "failed"
    error = error_class(f"{request.method} {request.url} {verb}: {cause}")
    error.__cause__ = cause
    return error
