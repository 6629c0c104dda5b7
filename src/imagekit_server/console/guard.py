"""What keeps user-uploaded files (served from this same origin) away from the console.

A hostile SVG or HTML file opened from the URL endpoint runs script with the console's origin.
Cookies cannot stop it (its ``fetch('/console/...')`` carries them), so every console response
and request is checked instead (docs/console.md, "Security"):

- pages may only be loaded by a top-level navigation (``Sec-Fetch-Mode: navigate``, not in a
  frame); any other request (htmx, fetch) must carry the session's CSRF token in a header, which
  only a console page knows; a script elsewhere on the origin cannot read a page to learn it;
- pages send ``Cross-Origin-Opener-Policy: same-origin`` (a window the file opens is severed
  from it) and ``frame-ancestors 'none'`` (it cannot frame one);
- a strict Content-Security-Policy with no inline script;
- state-changing requests need the token and an Origin (when sent) equal to the host's.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

CSRF_HEADER = "x-console-csrf"
CSRF_FIELD = "csrf"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

FRAME_DESTINATIONS = frozenset({"iframe", "frame", "embed", "object", "fencedframe"})


def same_origin(request: Request) -> bool:
    """The request comes from this origin (or from no browser page at all)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


def is_navigation(request: Request) -> bool:
    """A top-level navigation, or a request from a non-browser client (no Sec-Fetch headers)."""
    mode = request.headers.get("sec-fetch-mode")
    dest = request.headers.get("sec-fetch-dest", "document")
    if dest in FRAME_DESTINATIONS:
        return False
    return mode is None or mode == "navigate"


def token_matches(expected: str, given: str | None) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(expected, given)


def header_token(request: Request) -> str | None:
    return request.headers.get(CSRF_HEADER)
