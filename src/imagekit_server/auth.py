"""HTTP Basic authentication: the private key is the user name, the password is ignored."""

from __future__ import annotations

import base64
import binascii

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
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username = decoded.partition(":")[0]
    return username or None


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
