"""HTTP Basic authentication: the private key is the user name, the password is ignored."""

from __future__ import annotations

import base64

from starlette.requests import Request

from imagekit_server.accounts import Account, AccountDirectory
from imagekit_server.errors import Forbidden, Unauthorized
from imagekit_server.observability.request_context import note_account

MISSING_KEY_MESSAGE = "Your request does not contain private API key."
UNKNOWN_KEY_MESSAGE = "Your account cannot be authenticated."


def basic_auth_username(authorization: str | None) -> str | None:
    """The user name of a ``Basic`` Authorization header, or None when absent or malformed."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        # Non-ASCII text (the header decoded as latin-1) is a ValueError, not a binascii.Error.
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors too
        return None
    username, colon, _ = decoded.partition(":")
    if not colon or not username or not username.isprintable():
        return None  # not user:password, or control characters: a malformed header
    return username


def authenticate_private_key(directory: AccountDirectory, authorization: str | None) -> Account:
    """The account whose private key is the Basic user name: 401 when missing, 403 unknown."""
    key = basic_auth_username(authorization)
    if key is None:
        raise Unauthorized(MISSING_KEY_MESSAGE)
    account = directory.by_private_key(key)
    if account is None:
        raise Forbidden(UNKNOWN_KEY_MESSAGE)
    note_account(account.id)  # for the access log
    return account


def has_basic_auth(request: Request) -> bool:
    return basic_auth_username(request.headers.get("authorization")) is not None
