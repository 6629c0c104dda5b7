"""Errors that carry their HTTP story, rendered in one place as ImageKit's JSON error body."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

# The `help` of error bodies unless an error names its own: ImageKit's points at its support
# address, which cannot help with a self-hosted server; IMAGEKIT_ERROR_HELP replaces it.
from imagekit_server.settings import DEFAULT_ERROR_HELP as DEFAULT_HELP


class ApiError(Exception):
    """An error answered with ``status`` and ``{"message", "help", **extra}``; ``help=None``
    takes the server's configured text."""

    status = 400

    def __init__(
        self, message: str, *, status: int | None = None, help: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.help = help
        self.extra = extra

    def body(self, default_help: str = DEFAULT_HELP) -> dict[str, Any]:
        help_text = default_help if self.help is None else self.help
        return {"message": self.message, "help": help_text, **self.extra}


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


def configured_help(request: Request) -> str:
    """The operator's ``help`` text (Settings.error_help), or the default before start-up."""
    context = getattr(request.app.state, "context", None)
    return context.settings.error_help if context is not None else DEFAULT_HELP


def render_api_error(error: ApiError, default_help: str = DEFAULT_HELP) -> JSONResponse:
    return JSONResponse(error.body(default_help), status_code=error.status)


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return render_api_error(exc, configured_help(request))
