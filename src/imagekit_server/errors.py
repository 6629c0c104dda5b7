"""Errors that carry their HTTP story, rendered in one place as ImageKit's JSON error body."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

DEFAULT_HELP = "For support kindly contact us at support@imagekit.io ."


class ApiError(Exception):
    """An error answered with ``status`` and ``{"message", "help", **extra}``."""

    status = 400

    def __init__(
        self, message: str, *, status: int | None = None, help: str = DEFAULT_HELP, **extra: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.help = help
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "help": self.help, **self.extra}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


def render_api_error(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status)


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return render_api_error(exc)


INTERNAL_ERROR_MESSAGE = "We have encountered an internal error while processing your request."


async def internal_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Any unhandled exception: a 500 in ImageKit's shape, never Starlette's plain text. The
    server error middleware that calls this re-raises afterwards, so the traceback is logged."""
    return JSONResponse(ApiError(INTERNAL_ERROR_MESSAGE).body(), status_code=500)
