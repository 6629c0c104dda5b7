"""How a delivery is signed (docs/webhooks.md, "Signing").

Two header sets, computed at each attempt so the timestamp is fresh:

- Standard Webhooks (what ImageKit's 5.x SDKs verify in ``webhooks.unwrap``): ``webhook-id``,
  ``webhook-timestamp`` (Unix seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256>`` over
  ``"<id>.<timestamp>.<body>"``. The HMAC key is the secret's UTF-8 bytes, exactly as the 5.x
  SDK derives it from the secret it is given.
- ``x-ik-signature: t=<Unix ms>,v1=<hex HMAC-SHA256 over "<t>.<body>">``, the header ImageKit's
  older SDKs (``verifyWebhookEvent``) check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def _hmac(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()


def signature_headers(
    secret: str, message_id: str, body: str, *, now: float | None = None
) -> dict[str, str]:
    """The headers that sign ``body`` (the exact text sent) for ``message_id``."""
    moment = time.time() if now is None else now
    seconds = str(int(moment))
    millis = str(int(moment * 1000))
    standard = _hmac(secret, f"{message_id}.{seconds}.{body}")
    legacy = _hmac(secret, f"{millis}.{body}").hex()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": seconds,
        "webhook-signature": "v1," + base64.b64encode(standard).decode("ascii"),
        "x-ik-signature": f"t={millis},v1={legacy}",
    }
