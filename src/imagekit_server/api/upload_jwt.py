"""Client-side authentication of upload V2: an HS256 JWT over the upload parameters
(docs/reference/api.md §4.1.4).

The header's ``kid`` names the public key; the token is signed with that account's private key;
its payload holds every form field except ``file`` and ``token`` (as strings) plus integer
``iat`` and ``exp``, and the form must match it exactly, so a token authorises one upload.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from imagekit_server.accounts import Account, AccountDirectory
from imagekit_server.api.client_upload_auth import consume_upload_token
from imagekit_server.bounded_json import JsonLimitError, loads_bounded
from imagekit_server.errors import BadRequest, Forbidden

MAX_LIFETIME_SECONDS = 3600
_TIME_CLAIMS = frozenset({"iat", "exp"})
_UNSIGNED_FIELDS = frozenset({"file", "token"})


def authenticate_upload_jwt(
    directory: AccountDirectory,
    engine: sa.Engine,
    token: str,
    fields: Mapping[str, str],
    *,
    now: float | None = None,
) -> Account:
    """The account whose private key signed ``token``; the token is then used up."""
    header_part, payload_part, signature_part = _split(token)
    header = _json_object(header_part, "header")
    if header.get("alg") != "HS256":
        raise BadRequest("The upload token must be signed with HS256.")
    account = directory.by_public_key(str(header.get("kid", "")))
    if account is None:
        raise Forbidden("Your account cannot be authenticated.")
    signed = f"{header_part}.{payload_part}".encode()
    expected = hmac.new(account.private_key.encode(), signed, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _decode_segment(signature_part, "signature")):
        raise BadRequest("Invalid upload token signature.")
    payload = _json_object(payload_part, "payload")
    expire = _check_lifetime(payload, time.time() if now is None else now)
    _check_fields_match(payload, fields)
    # The whole JWT is too long for the token column; its digest identifies it as well.
    consume_upload_token(engine, account.id, hashlib.sha256(token.encode()).hexdigest(), expire)
    return account


def _split(token: str) -> tuple[str, str, str]:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise BadRequest("The upload token is not a JWT.")
    return parts[0], parts[1], parts[2]


def _decode_segment(segment: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadRequest(f"The upload token's {what} is not base64url.") from exc


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = loads_bounded(_decode_segment(segment, what), f"The upload token's {what}")
    except JsonLimitError as exc:
        raise BadRequest(f"The upload token's {what} is not JSON.") from exc
    if not isinstance(value, dict):
        raise BadRequest(f"The upload token's {what} is not a JSON object.")
    return value


def _check_lifetime(payload: Mapping[str, Any], now: float) -> int:
    issued, expire = payload.get("iat"), payload.get("exp")
    if (
        not isinstance(issued, int)
        or not isinstance(expire, int)
        or bool
        in {
            type(issued),
            type(expire),
        }
    ):
        raise BadRequest("The upload token needs integer iat and exp claims.")
    if expire - issued > MAX_LIFETIME_SECONDS:
        raise BadRequest("The upload token may live at most 1 hour (exp - iat <= 3600).")
    if expire <= now:
        raise BadRequest("The upload token has expired.")
    if expire > now + MAX_LIFETIME_SECONDS:
        raise BadRequest("The upload token must expire less than 1 hour into the future.")
    return expire


def _check_fields_match(payload: Mapping[str, Any], fields: Mapping[str, str]) -> None:
    signed = {name: value for name, value in payload.items() if name not in _TIME_CLAIMS}
    sent = {name: value for name, value in fields.items() if name not in _UNSIGNED_FIELDS}
    differing = sorted(
        name for name in signed.keys() | sent.keys() if signed.get(name) != sent.get(name)
    )
    if differing:
        raise BadRequest(
            f"The upload parameters do not match the upload token: {', '.join(differing)}."
        )
