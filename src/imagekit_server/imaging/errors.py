"""The one exception the imaging library raises, carrying its HTTP story."""

from __future__ import annotations

INVALID = "EINVALIDTRANSFORMATION"
UNSUPPORTED = "EUNSUPPORTED"
LIMIT = "ELIMIT"
UNIDENTIFIED = "UNIDENTIFIED"


class TransformationError(Exception):
    """A transformation that cannot be parsed or rendered.

    ``status`` is the HTTP status to answer, ``code`` the stable ``ik-error`` code and
    ``message`` a text that is safe to show to the client. ``str()`` gives the value of the
    ``ik-error`` header: ``"CODE - message"``.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code} - {message}")
        self.status = status
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code} - {self.message}"


def invalid(message: str) -> TransformationError:
    """A malformed transformation (400 EINVALIDTRANSFORMATION)."""
    return TransformationError(400, INVALID, message)


def unsupported(message: str) -> TransformationError:
    """A feature this server does not offer (400 EUNSUPPORTED)."""
    return TransformationError(400, UNSUPPORTED, message)


def limit_exceeded(message: str) -> TransformationError:
    """A configured limit was exceeded (400 ELIMIT)."""
    return TransformationError(400, LIMIT, message)


def processing_failed(message: str) -> TransformationError:
    """An unexpected failure inside the pipeline (500 UNIDENTIFIED)."""
    return TransformationError(500, UNIDENTIFIED, message)
