"""ASGI middleware that sends delivery requests (``GET``/``HEAD /<account>/...``) straight to
the delivery endpoint, skipping the API router.

Matching a request against every API route costs more than answering a cached image. Account
ids can never be an API path segment (``v1``, ``api``, ``docs``... are refused as ids), so a
request whose first segment names an existing account is a delivery request; anything else
goes through the router as before (API routes, 404s and 405s).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from imagekit_server.context import ServerContext
from imagekit_server.delivery.endpoint import deliver

DELIVERY_METHODS = frozenset({"GET", "HEAD"})


class DeliveryFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in DELIVERY_METHODS:
            account_id, separator, rest = scope["path"][1:].partition("/")
            context: ServerContext | None = getattr(scope["app"].state, "context", None)
            if separator and context is not None and context.accounts.by_id(account_id):
                scope["path_params"] = {"account_id": account_id, "path": rest}
                response = await deliver(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
