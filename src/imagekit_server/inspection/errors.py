"""The one error the inspection package raises."""

from __future__ import annotations


class InspectionError(Exception):
    """A file that claims to be an image cannot be accepted (corrupt, truncated, too large).

    ``message`` is safe to show to API clients: it never contains paths or library internals.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
