"""Webhook signature verification (an extension beyond 4.x; docs/sdk-extensions.md).

ImageKit signs each webhook request with the header
``x-ik-signature: t=<Unix time in milliseconds>,v1=<hex HMAC-SHA256>``, the HMAC keyed with the
webhook secret over ``"<t>.<raw request body>"``. Verify the raw bytes as received: a body
parsed and serialised again no longer matches.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "x-ik-signature"
DEFAULT_TOLERANCE_SECONDS = 300.0


class WebhookVerificationError(ValueError):
    """The signature is missing, malformed, wrong, or outside the tolerated age."""


@dataclass(frozen=True)
class VerifiedWebhook:
    timestamp_ms: int  # when ImageKit signed the request
    event: dict[str, Any]  # the parsed body: ``type``, ``id``, ``createdAt``, ``data``


def signature_header(body: bytes | str, secret: str, timestamp_ms: int) -> str:
    """The ``x-ik-signature`` value for ``body`` (to test a webhook receiver)."""
    return f"t={timestamp_ms},v1={_digest(_as_bytes(body), secret, timestamp_ms)}"


def verify_webhook(
    body: bytes | str,
    signature: str | Mapping[str, str] | None,
    secret: str,
    *,
    tolerance_seconds: float | None = DEFAULT_TOLERANCE_SECONDS,
    clock: Callable[[], float] = time.time,
) -> VerifiedWebhook:
    """Check ``signature`` (the header value, or the request's headers) against the raw
    ``body``; returns the timestamp and the parsed event or raises
    ``WebhookVerificationError``. A signature older (or further in the future) than
    ``tolerance_seconds`` is refused against replays; ``None`` turns that check off."""
    if not secret:
        raise WebhookVerificationError("the webhook secret is empty")
    header = _header_value(signature)
    timestamp_ms, candidates = _parse(header)
    raw = _as_bytes(body)
    expected = _digest(raw, secret, timestamp_ms)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise WebhookVerificationError("the signature does not match the body")
    if tolerance_seconds is not None:
        age = abs(clock() - timestamp_ms / 1000)
        if age > tolerance_seconds:
            raise WebhookVerificationError(
                f"the signature is {age:.0f} s from now (tolerance {tolerance_seconds:.0f} s)"
            )
    try:
        event = json.loads(raw)
    except ValueError as exc:
        raise WebhookVerificationError("the body is not JSON") from exc
    if not isinstance(event, dict):
        raise WebhookVerificationError("the body is not a JSON object")
    return VerifiedWebhook(timestamp_ms, event)


def _header_value(signature: str | Mapping[str, str] | None) -> str:
    # Any headers object with items() (dict, requests' or http.server's headers), looked up
    # without regard to case.
    if signature is not None and not isinstance(signature, str):
        signature = next(
            (value for key, value in signature.items() if key.lower() == SIGNATURE_HEADER), None
        )
    if not signature:
        raise WebhookVerificationError(f"no {SIGNATURE_HEADER} header")
    return signature


def _parse(header: str) -> tuple[int, list[str]]:
    """``t=<ms>,v1=<hex>`` (several ``v1`` items are accepted, as during a secret rotation)."""
    timestamp: int | None = None
    candidates: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            if not value.isdigit() or len(value) > 16:
                raise WebhookVerificationError("the signature's timestamp is not a number")
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value.lower())
    if timestamp is None:
        raise WebhookVerificationError("the signature has no timestamp (t=)")
    if not candidates:
        raise WebhookVerificationError("the signature has no v1 hash")
    return timestamp, candidates


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _digest(body: bytes, secret: str, timestamp_ms: int) -> str:
    message = str(timestamp_ms).encode() + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
