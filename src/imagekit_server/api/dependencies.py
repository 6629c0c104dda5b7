"""Request-scoped access to the server context and the authenticated account."""

from __future__ import annotations

from fastapi import Request

from imagekit_server.accounts import Account
from imagekit_server.api.auth import authenticate_private_key
from imagekit_server.context import ServerContext


def server_context(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


def current_account(request: Request) -> Account:
    """FastAPI dependency: the account of the private key in the Basic auth header."""
    return authenticate_private_key(
        server_context(request).accounts, request.headers.get("authorization")
    )
