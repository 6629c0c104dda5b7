"""Client-side upload authentication: publicKey + token + expire + signature (docs/reference/api.md
§4.1.4)."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, timezone

import sqlalchemy as sa

from imagekit_server.accounts import Account, AccountDirectory
from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import upload_tokens
from imagekit_server.errors import BadRequest, Forbidden
from imagekit_server.files.upload_form import ClientAuth

MAX_EXPIRE_AHEAD_SECONDS = 3600
MAX_TOKEN_LENGTH = 255  # the upload_tokens.token column


def upload_signature(private_key: str, token: str, expire: str) -> str:
    return hmac.new(private_key.encode(), (token + expire).encode(), hashlib.sha1).hexdigest()


def authenticate_client_upload(
    directory: AccountDirectory, engine: sa.Engine, auth: ClientAuth, *, now: float | None = None
) -> Account:
    """Check the signature and expiry, then consume the token (usable once, even when the
    upload fails later)."""
    account = directory.by_public_key(auth.public_key)
    if account is None:
        raise Forbidden("Your account cannot be authenticated.")
    current = time.time() if now is None else now
    try:
        expire = int(auth.expire)
    except ValueError as exc:
        raise BadRequest("The expire parameter must be a Unix timestamp in seconds.") from exc
    if expire <= current:
        raise BadRequest("The expire parameter has already passed.")
    if expire > current + MAX_EXPIRE_AHEAD_SECONDS:
        raise BadRequest("The expire parameter must be less than 1 hour into the future.")
    if len(auth.token) > MAX_TOKEN_LENGTH:
        raise BadRequest(f"The token parameter may have at most {MAX_TOKEN_LENGTH} characters.")
    expected = upload_signature(account.private_key, auth.token, auth.expire)
    # Bytes on both sides: compare_digest refuses str holding non-ASCII characters.
    if not hmac.compare_digest(expected.encode(), auth.signature.lower().encode()):
        raise BadRequest("Invalid signature.")
    consume_upload_token(engine, account.id, auth.token, expire)
    return account


def consume_upload_token(engine: sa.Engine, account_id: str, token: str, expire: int) -> None:
    """Record ``token`` as used until ``expire``; a second use is a 400."""
    expires_at = datetime.fromtimestamp(expire, timezone.utc)
    try:
        with write_transaction(engine) as conn:
            conn.execute(
                upload_tokens.delete().where(
                    upload_tokens.c.expires_at < datetime.now(timezone.utc)
                )
            )
            conn.execute(
                upload_tokens.insert().values(
                    account_id=account_id, token=token, expires_at=expires_at
                )
            )
    except sa.exc.IntegrityError as exc:
        raise BadRequest("The token has already been used; generate a new one.") from exc
