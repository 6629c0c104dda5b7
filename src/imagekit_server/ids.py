"""Identifiers: 24 lowercase hex characters, like ImageKit's ObjectId-style ids."""

from __future__ import annotations

import re
import secrets
import string

_ID_PATTERN = re.compile(r"[0-9a-f]{24}")
_KEY_ALPHABET = string.ascii_letters + string.digits


def new_id() -> str:
    return secrets.token_hex(12)


def is_valid_id(value: str) -> bool:
    return _ID_PATTERN.fullmatch(value) is not None


def new_api_key(prefix: str) -> str:
    """A random API key such as ``private_<32 chars>``."""
    body = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(32))
    return f"{prefix}_{body}"


def new_unique_suffix() -> str:
    """The random part added by ``useUniqueFileName`` (9 characters of [A-Za-z0-9])."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(9))
