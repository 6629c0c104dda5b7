"""Rendering and the request guard every console view goes through (see guard.py)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from imagekit_server.console import guard
from imagekit_server.console.internal_api import InternalApi
from imagekit_server.console.session import COOKIE_NAME, Session, SessionSigner, load_secret
from imagekit_server.context import ServerContext

PACKAGE_DIR = Path(__file__).parent
ENVIRONMENT = Environment(
    loader=FileSystemLoader(PACKAGE_DIR / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters["urlquote"] = lambda value: quote(str(value), safe="/")

View = Callable[[Request, Session], Awaitable[Response]]


def context_of(request: Request) -> ServerContext:
    context = request.app.state.context
    assert isinstance(context, ServerContext)
    return context


def signer_of(request: Request) -> SessionSigner:
    context = context_of(request)
    return context.component(
        SessionSigner, lambda: SessionSigner(load_secret(context.settings.data_dir))
    )


def api_for(request: Request, session: Session) -> InternalApi:
    return InternalApi(request.app, session.account)


def secure(response: Response) -> Response:
    response.headers.update(guard.PAGE_HEADERS)
    return response


def render(
    request: Request, template: str, session: Session | None, status: int = 200, **values: Any
) -> HTMLResponse:
    html = ENVIRONMENT.get_template(template).render(
        request=request,
        session=session,
        account=session.account if session else None,
        csrf_token=session.csrf_token if session else "",
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    secure(response)
    return response


def _refuse(status: int, message: str) -> Response:
    return secure(JSONResponse({"message": message}, status_code=status))


def console_view(
    *, write: bool = False
) -> Callable[[View], Callable[[Request], Awaitable[Response]]]:
    """Wraps a view: a session is required; a request other than a page navigation needs the
    session's CSRF token; a write needs the token and a same-origin request."""

    def wrap(view: View) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(view)
        async def guarded(request: Request) -> Response:
            session = signer_of(request).read(
                request.cookies.get(COOKIE_NAME), context_of(request).accounts
            )
            navigation = guard.is_navigation(request)
            if session is None:
                if navigation and request.method == "GET":
                    target = quote(
                        request.url.path + ("?" + request.url.query if request.url.query else "")
                    )
                    return secure(RedirectResponse(f"/console/signin?next={target}", 303))
                response = _refuse(401, "Sign in to the console first.")
                response.headers["HX-Redirect"] = "/console/signin"
                return response
            if write or not navigation:
                given = guard.header_token(request)
                if given is None and request.method == "POST":
                    form = await request.form()
                    field = form.get(guard.CSRF_FIELD)
                    given = field if isinstance(field, str) else None
                if not guard.token_matches(session.csrf_token, given):
                    return _refuse(403, "Missing or invalid console CSRF token.")
            if write and not guard.same_origin(request):
                return _refuse(403, "Cross-origin request refused.")
            return secure(await view(request, session))

        return guarded

    return wrap


def new_nonce() -> str:
    return secrets.token_urlsafe(18)
