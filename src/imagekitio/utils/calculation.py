"""pHash distance and client-side upload authentication parameters."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime
from typing import Any

from ..constants.errors import ERRORS

DEFAULT_TIME_DIFF = 60 * 30
_PHASH_BITS = 64


def hamming_distance(first: str, second: str) -> int:
    """Number of differing bits between two hexadecimal pHash strings."""
    try:
        first_bits = bin(int(first, 16))[2:].zfill(_PHASH_BITS)
        second_bits = bin(int(second, 16))[2:].zfill(_PHASH_BITS)
    except TypeError:
        raise TypeError(ERRORS.INVALID_PHASH_VALUE.value) from None
    return sum(1 for a, b in zip(first_bits, second_bits, strict=False) if a != b)


def get_authenticated_params(
    token: str | None, expire: Any, private_key: str | None
) -> dict[str, Any] | None:
    """``{"token", "expire", "signature"}`` for client-side uploads (HMAC-SHA1 of token+expire).

    A falsy token becomes a UUID4, a falsy expiry becomes now + 30 minutes; given values are
    returned unchanged (a string expiry stays a string).
    """
    if not private_key:
        return None
    token = token or str(uuid.uuid4())
    expire = expire or int(datetime.now().timestamp()) + DEFAULT_TIME_DIFF
    signature = hmac.new(
        key=private_key.encode(), msg=(token + str(expire)).encode(), digestmod=hashlib.sha1
    ).hexdigest()
    return {"token": token, "expire": expire, "signature": signature}
