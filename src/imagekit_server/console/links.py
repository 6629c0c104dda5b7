"""Delivery URLs the console shows: thumbnails and previews through the account's own URL
endpoint (so they come from the derived cache after the first render), signed when the file is
private or unpublished."""

from __future__ import annotations

import time
from urllib.parse import quote

from imagekit_server.accounts import Account
from imagekit_server.delivery.signing import sign_target

THUMBNAIL = "tr:w-240,h-240,c-at_max"
SIGNED_FOR_SECONDS = 3600


def delivery_target(file_path: str, transformation: str = "") -> str:
    """The request target after ``/<account>/``: ``tr:w-10/a%20b.jpg``."""
    path = quote(file_path.lstrip("/"), safe="/")
    return f"{transformation}/{path}" if transformation else path


def delivery_url(
    account: Account, file_path: str, transformation: str = "", *, signed: bool = False
) -> str:
    """A same-origin URL; ``signed`` ones expire within the hour (rounded, so that thumbnails
    of one page share a URL and the browser cache)."""
    target = delivery_target(file_path, transformation)
    if signed:
        expires = (int(time.time()) // SIGNED_FOR_SECONDS + 2) * SIGNED_FOR_SECONDS
        target = sign_target(account.private_key, target, expires)
    return f"/{account.id}/{target}"


def thumbnail_url(account: Account, file_path: str, *, private: bool, published: bool) -> str:
    return delivery_url(account, file_path, THUMBNAIL, signed=private or not published)
