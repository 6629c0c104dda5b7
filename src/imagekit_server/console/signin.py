"""Sign-in with an account's public and private keys, and sign-out.

The form is protected against login CSRF by a signed nonce that must match a short-lived
pre-session cookie, and by the same-origin check. The keys are compared in constant time and
never logged or echoed back.
"""

from __future__ import annotations

import hmac
import logging

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from imagekit_server.console import guard
from imagekit_server.console.pages import (
    console_view,
    context_of,
    new_nonce,
    render,
    secure,
    signer_of,
)
from imagekit_server.console.session import COOKIE_NAME, COOKIE_PATH, SESSION_SECONDS, Session

log = logging.getLogger("imagekit_server.console")

NONCE_COOKIE = "ik_console_signin"


def _safe_next(raw: str | None) -> str:
    """Only a console path: never an open redirect to another host."""
    if raw and raw.startswith("/console") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/console/browse"


def _signin_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    nonce = new_nonce()
    response = render(
        request,
        "signin.html",
        None,
        status,
        signin_token=signer_of(request).signin_token(nonce),
        next_url=_safe_next(request.query_params.get("next")),
        error=error,
    )
    response.set_cookie(
        NONCE_COOKIE, nonce, max_age=3600, path=COOKIE_PATH, httponly=True, samesite="strict"
    )
    return response


async def signin_form(request: Request) -> Response:
    return _signin_page(request)


async def signin(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("signin_token", ""))
    if not guard.same_origin(request) or not signer_of(request).check_signin_token(
        token, request.cookies.get(NONCE_COOKIE)
    ):
        return _signin_page(request, "The sign-in form expired; please try again.", 403)
    public_key = str(form.get("public_key", "")).strip()
    private_key = str(form.get("private_key", "")).strip()
    context = context_of(request)
    account = (
        await to_thread.run_sync(context.accounts.by_public_key, public_key) if public_key else None
    )
    if account is None or not hmac.compare_digest(account.private_key, private_key):
        log.info("console sign-in refused")  # neither key goes to the log
        return _signin_page(request, "These keys do not match an account.", 403)
    cookie, _ = signer_of(request).issue(account)
    response = RedirectResponse(_safe_next(str(form.get("next", ""))), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        cookie,
        max_age=SESSION_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(NONCE_COOKIE, path=COOKIE_PATH)
    log.info("console sign-in to account %s", account.id)
    return secure(response)


@console_view(write=True)
async def signout(request: Request, session: Session) -> Response:
    response = RedirectResponse("/console/signin", status_code=303)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="strict")
    return response
