"""The one error type of the search and checks languages."""

from __future__ import annotations


class SearchQueryError(ValueError):
    """An invalid query: bad syntax, unknown field, or a value of the wrong type.

    ``position`` is the 0-based offset into the query text of the offending part, so that the
    API can answer 400 with a message that points at it.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message
