"""Session cookies: signed, bound to the account's current key, secret kept private."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from imagekit_server.accounts import AccountDirectory, create_account
from imagekit_server.console.session import SessionSigner, load_secret
from imagekit_server.db.engine import create_engine, write_transaction
from imagekit_server.db.migrate import upgrade_to_head
from imagekit_server.db.tables import accounts


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'accounts.sqlite3'}")
    upgrade_to_head(engine)
    with write_transaction(engine) as conn:
        create_account(conn, "acme", public_key="public_a", private_key="private_a")
    yield engine
    engine.dispose()


def test_the_secret_is_created_once_and_private(tmp_path: Path) -> None:
    first = load_secret(tmp_path)
    assert len(first) == 32 and load_secret(tmp_path) == first
    mode = stat.S_IMODE((tmp_path / "console-secret").stat().st_mode)
    assert mode == 0o600


def test_sessions_are_signed_and_end_when_the_key_changes(
    tmp_path: Path, engine: sa.Engine
) -> None:
    signer = SessionSigner(load_secret(tmp_path))
    directory = AccountDirectory(engine, ttl_seconds=0)
    account = directory.by_id("acme")
    assert account is not None
    cookie, csrf = signer.issue(account)
    session = signer.read(cookie, directory)
    assert session is not None and session.account == account and session.csrf_token == csrf
    assert "private_a" not in cookie
    tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert signer.read(tampered, directory) is None
    other = SessionSigner(b"another secret of thirty-two bytes")
    assert other.read(cookie, directory) is None
    with write_transaction(engine) as conn:
        conn.execute(accounts.update().values(private_key="private_b"))
    assert signer.read(cookie, AccountDirectory(engine)) is None


def test_signin_tokens_match_their_nonce_only(tmp_path: Path) -> None:
    signer = SessionSigner(load_secret(tmp_path))
    token = signer.signin_token("nonce-1")
    assert signer.check_signin_token(token, "nonce-1")
    assert not signer.check_signin_token(token, "nonce-2")
    assert not signer.check_signin_token(token, None)
    assert not signer.check_signin_token("garbage", "nonce-1")
