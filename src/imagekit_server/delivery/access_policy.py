"""Per-account delivery restrictions ImageKit offers in its security settings
(docs/operations.md, "Account security"):

- ``require_signed_urls``: every delivery URL needs a valid signature (401 otherwise);
- ``restrict_unnamed_transformations``: an unsigned URL may only use named transformations
  (``n-...``); explicit ones are "a bad image transformation request" (400). A signed URL is
  made by the account's own backend, so it may use any transformation.

Both live in the account's ``settings`` (a JSON column every account row has), are changed
with ``imagekit-server accounts update`` and are read from the cached account, so a change
reaches every process within the account cache's TTL. They are checked before any cache is
consulted, on media-library and origin URLs alike.
"""

from __future__ import annotations

from imagekit_server.accounts import Account
from imagekit_server.delivery.signing import SignatureStatus
from imagekit_server.delivery.variant_response import BytesResponse, error_response
from imagekit_server.renditions.chain import parsed_chain

REQUIRE_SIGNED_URLS = "require_signed_urls"
RESTRICT_UNNAMED_TRANSFORMATIONS = "restrict_unnamed_transformations"
POLICY_SETTINGS = (REQUIRE_SIGNED_URLS, RESTRICT_UNNAMED_TRANSFORMATIONS)

UNSIGNED_MESSAGE = "this account only delivers signed URLs"
UNNAMED_MESSAGE = (
    "bad image transformation request: this account only allows named transformations "
    "in unsigned URLs"
)


def refusal(
    account: Account, signature: SignatureStatus, transformation: str | None
) -> BytesResponse | None:
    """The response refusing this request under the account's settings, or None."""
    settings = account.settings
    if not settings or signature is SignatureStatus.VALID:
        return None  # the common case: no restriction, or a signed URL
    if settings.get(REQUIRE_SIGNED_URLS):
        return error_response(
            401, f"EUNAUTHORIZED - {UNSIGNED_MESSAGE}", f"Unauthorized: {UNSIGNED_MESSAGE}"
        )
    if settings.get(RESTRICT_UNNAMED_TRANSFORMATIONS) and transformation:
        chain = parsed_chain(transformation)
        if isinstance(chain, Exception) or not chain.named_only:
            return error_response(
                400,
                f"EINVALIDTRANSFORMATION - {UNNAMED_MESSAGE}",
                f"Bad Request: {UNNAMED_MESSAGE}",
            )
    return None
