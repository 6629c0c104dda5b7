"""The upload page, and the short-lived client-side upload credentials its script uses.

The browser uploads straight to ``POST /api/v1/files/upload`` with ImageKit's client-side
authentication (``publicKey``, ``token``, ``expire``, ``signature``), the scheme ImageKit's own
browser SDKs use, so the private key stays on the server and the XHR reports upload progress.
"""

from __future__ import annotations

import secrets
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from imagekit_server.api.client_upload_auth import upload_signature
from imagekit_server.console.library_page import normalise_folder
from imagekit_server.console.pages import console_view, render
from imagekit_server.console.session import Session

AUTH_LIFETIME_SECONDS = 30 * 60
MAX_AUTH_BATCH = 100


@console_view()
async def upload_page(request: Request, session: Session) -> Response:
    folder = normalise_folder(request.query_params.get("folder"))
    return render(request, "upload.html", session, folder=folder)


@console_view(write=True)
async def upload_auth(request: Request, session: Session) -> Response:
    """``count`` one-use credentials (each upload consumes its token)."""
    try:
        count = min(max(int(request.query_params.get("count", "1")), 1), MAX_AUTH_BATCH)
    except ValueError:
        count = 1
    expire = str(int(time.time()) + AUTH_LIFETIME_SECONDS)
    account = session.account
    credentials = []
    for _ in range(count):
        token = secrets.token_urlsafe(18)
        credentials.append(
            {
                "publicKey": account.public_key,
                "token": token,
                "expire": expire,
                "signature": upload_signature(account.private_key, token, expire),
            }
        )
    return JSONResponse({"credentials": credentials})
