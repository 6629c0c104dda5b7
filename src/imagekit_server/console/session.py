"""Console sessions: a signed cookie naming the account, bound to its current private key.

The cookie holds no key, only the account id, a fingerprint of its private key (rotating the
key ends every session) and the CSRF token of the session. It is signed with a server secret
kept in the data directory (``console-secret``, created on first use, mode 0600), so several
processes on one data dir accept each other's cookies. See docs/console.md, "Security".
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from imagekit_server.accounts import Account, AccountDirectory

COOKIE_NAME = "ik_console"
COOKIE_PATH = "/console"
SESSION_SECONDS = 12 * 3600
SECRET_FILE = "console-secret"


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str


def key_fingerprint(private_key: str) -> str:
    return hashlib.sha256(b"console-session:" + private_key.encode()).hexdigest()[:32]


def load_secret(data_dir: Path) -> bytes:
    """The signing secret, created atomically on first use (O_EXCL: racing processes agree)."""
    path = data_dir / SECRET_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    candidate = secrets.token_bytes(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(candidate)
    return candidate


class SessionSigner:
    """Makes and reads session cookies and sign-in form tokens."""

    def __init__(self, secret: bytes) -> None:
        self._sessions = URLSafeTimedSerializer(secret, salt="console-session")
        self._signin = URLSafeTimedSerializer(secret, salt="console-signin")

    def issue(self, account: Account) -> tuple[str, str]:
        """A new session for ``account``: the cookie value and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        payload = {"a": account.id, "k": key_fingerprint(account.private_key), "c": csrf}
        return self._sessions.dumps(payload), csrf

    def read(self, cookie: str | None, accounts: AccountDirectory) -> Session | None:
        if not cookie:
            return None
        try:
            payload = self._sessions.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        if not isinstance(payload, dict):
            return None
        account = accounts.by_id(str(payload.get("a", "")))
        if account is None:
            return None
        if not hmac.compare_digest(str(payload.get("k", "")), key_fingerprint(account.private_key)):
            return None  # the key was rotated since
        return Session(account, str(payload.get("c", "")))

    def signin_token(self, nonce: str) -> str:
        """The sign-in form's token: the pre-session cookie's nonce, signed."""
        return self._signin.dumps(nonce)

    def check_signin_token(self, token: str, nonce: str | None) -> bool:
        if not nonce:
            return False
        try:
            signed = self._signin.loads(token, max_age=3600)
        except BadSignature:
            return False
        return isinstance(signed, str) and hmac.compare_digest(signed, nonce)
