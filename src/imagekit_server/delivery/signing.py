"""Signed delivery URLs: check ``ik-s``/``ik-t`` on a request target, and sign our own targets.

The signed message is the request target after the URL endpoint (``tr:w-10/a.jpg?v=1``) without
the ``ik-s``/``ik-t`` parameters, followed by the expiry in Unix seconds (``9999999999`` when the
URL never expires); the signature is the lower-case hex HMAC-SHA1 of it under the private key
(docs/reference/delivery.md section 8.3, docs/reference/api.md section 6).

SDKs disagree on which form of the path they sign: 5.x signs the percent-encoded form that goes
on the wire, while 4.x signs the path as written (a space stays a space) and, when the path holds
non-ASCII characters, after a JavaScript ``encodeURI``-style encoding. An HTTP client
percent-encodes what 4.x left raw, so a signature that fails on the wire form is checked once
more against the 4.x form rebuilt from the decoded path.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote

__all__ = ["NEVER_EXPIRES", "SignatureStatus", "check_signature", "sign_target"]

NEVER_EXPIRES = 9999999999
"""The expiry signed into URLs that carry no ``ik-t``."""

_SIGNATURE_PARAMETER = "ik-s"
_EXPIRY_PARAMETER = "ik-t"
# Characters JavaScript's encodeURI leaves alone besides letters, digits and `-_.` (4.x set).
_ENCODE_URI_SAFE = "~@#$&()*!+=:;,?/'"
_SIGNATURE = re.compile(r"[0-9a-fA-F]{40}")
# Unix seconds; more digits than any plausible expiry is malformed rather than "far future".
_EXPIRY = re.compile(r"[0-9]{1,12}")


class SignatureStatus(enum.Enum):
    """Outcome of checking a delivery request's signature."""

    VALID = "valid"
    """``ik-s`` matches and the URL has not expired."""
    UNSIGNED = "unsigned"
    """No ``ik-s`` parameter: whether that is acceptable is the caller's policy."""
    INVALID = "invalid"
    """Wrong or malformed signature, malformed ``ik-t``, or repeated signature parameters."""
    EXPIRED = "expired"
    """The signature matches but ``ik-t`` lies in the past."""


@dataclass(frozen=True)
class _SignedTarget:
    """A request target taken apart: the text that was signed and the signature parameters."""

    unsigned: str
    signatures: list[str]
    expiries: list[str]


def check_signature(private_key: str, target: str, *, now: float | None = None) -> SignatureStatus:
    """Check the ``ik-s``/``ik-t`` parameters of ``target``.

    ``target`` is the raw request target after the endpoint prefix and its ``/`` (for example
    ``tr:w-10/a.jpg?v=1&ik-t=1700000300&ik-s=<hex>``), exactly as received: not decoded.
    ``now`` is the current Unix time (defaults to the system clock).
    """
    signed = _split_target(target)
    if not signed.signatures:
        return SignatureStatus.UNSIGNED
    if len(signed.signatures) > 1 or len(signed.expiries) > 1:
        return SignatureStatus.INVALID
    signature = signed.signatures[0]
    expiry = signed.expiries[0] if signed.expiries else str(NEVER_EXPIRES)
    if _SIGNATURE.fullmatch(signature) is None or _EXPIRY.fullmatch(expiry) is None:
        return SignatureStatus.INVALID
    given = signature.lower().encode("ascii")
    if not any(
        hmac.compare_digest(_sign(private_key, message).encode("ascii"), given)
        for message in _candidate_messages(signed.unsigned, expiry)
    ):
        return SignatureStatus.INVALID
    current = time.time() if now is None else now
    if current > int(expiry):
        return SignatureStatus.EXPIRED
    return SignatureStatus.VALID


def sign_target(private_key: str, target: str, expires_at: int | None) -> str:
    """``target`` with ``ik-t`` (when ``expires_at`` is given) and ``ik-s`` appended.

    Any ``ik-s``/``ik-t`` already in ``target`` are replaced. The result verifies with
    ``check_signature`` until ``expires_at`` (Unix seconds) has passed; ``None`` never expires.
    """
    unsigned = _split_target(target).unsigned
    expiry = str(NEVER_EXPIRES if expires_at is None else expires_at)
    signature = _sign(private_key, unsigned + expiry)
    parameters = f"{_SIGNATURE_PARAMETER}={signature}"
    if expires_at is not None:
        parameters = f"{_EXPIRY_PARAMETER}={expiry}&{parameters}"
    separator = "&" if "?" in unsigned else "?"
    return f"{unsigned}{separator}{parameters}"


def _split_target(target: str) -> _SignedTarget:
    """Remove ``ik-s``/``ik-t``, keeping every other parameter in order and raw encoding."""
    path, question_mark, query = target.partition("?")
    if not question_mark:
        return _SignedTarget(path, [], [])
    kept: list[str] = []
    signatures: list[str] = []
    expiries: list[str] = []
    for parameter in query.split("&"):
        name, _, value = parameter.partition("=")
        if name == _SIGNATURE_PARAMETER:
            signatures.append(value)
        elif name == _EXPIRY_PARAMETER:
            expiries.append(value)
        else:
            kept.append(parameter)
    remaining_query = "&".join(kept)
    unsigned = f"{path}?{remaining_query}" if remaining_query else path
    return _SignedTarget(unsigned, signatures, expiries)


def _candidate_messages(unsigned: str, expiry: str) -> list[str]:
    """Signed text in the wire form, then in the 4.x form (path decoded; re-encoded if needed)."""
    as_sent = unsigned + expiry
    path, question_mark, query = unsigned.partition("?")
    as_4x = unquote(path) + question_mark + query + expiry
    if not as_4x.isascii():
        as_4x = _encode_uri(as_4x)
    return [as_sent] if as_4x == as_sent else [as_sent, as_4x]


def _encode_uri(text: str) -> str:
    """4.x ``Url.encodeURI``: quote the part before the first ``?``, keep the query as it is."""
    if "?" in text:
        parts = text.split("?")
        return quote(parts[0], safe=_ENCODE_URI_SAFE) + "?" + parts[1]
    return quote(text, safe=_ENCODE_URI_SAFE)


def _sign(private_key: str, message: str) -> str:
    return hmac.new(private_key.encode(), message.encode(), hashlib.sha1).hexdigest()
