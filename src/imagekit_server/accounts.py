"""Accounts: an ``imagekit_id`` with its key pair. Every other row belongs to one account."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import accounts
from imagekit_server.ids import new_api_key

logger = logging.getLogger(__name__)


class AccountExists(ValueError):
    """An account with this id (or key) exists already."""


class InvalidAccountId(ValueError):
    """The id cannot be an URL path segment of its own (bad characters or a reserved name)."""


_ACCOUNT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# First path segments the API, the docs and the health check already use.
RESERVED_ACCOUNT_IDS = frozenset(
    {"v1", "api", "docs", "redoc", "healthz", "readyz", "metrics", "console"}
)


def is_valid_account_id(account_id: str) -> bool:
    """Could name an account: an API path's first segment never can."""
    return (
        bool(_ACCOUNT_ID.fullmatch(account_id)) and account_id.lower() not in RESERVED_ACCOUNT_IDS
    )


def check_account_id(account_id: str) -> str:
    if not is_valid_account_id(account_id):
        raise InvalidAccountId(
            f"invalid account id {account_id!r}: use letters, digits, '_' and '-', "
            f"not one of {', '.join(sorted(RESERVED_ACCOUNT_IDS))}"
        )
    return account_id


@dataclass(frozen=True)
class Account:
    id: str
    public_key: str
    private_key: str
    settings: dict[str, Any] = field(default_factory=dict)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _from_row(row: sa.Row[Any]) -> Account:
    return Account(row.id, row.public_key, row.private_key, dict(row.settings or {}))


def get_account(conn: sa.Connection, account_id: str) -> Account | None:
    row = conn.execute(sa.select(accounts).where(accounts.c.id == account_id)).first()
    return _from_row(row) if row else None


def list_accounts(conn: sa.Connection) -> list[Account]:
    rows = conn.execute(sa.select(accounts).order_by(accounts.c.id)).all()
    return [_from_row(row) for row in rows]


def create_account(
    conn: sa.Connection,
    account_id: str,
    *,
    public_key: str | None = None,
    private_key: str | None = None,
) -> Account:
    """Insert an account; keys are generated when not given."""
    check_account_id(account_id)
    if get_account(conn, account_id) is not None:
        raise AccountExists(f"account {account_id!r} exists already")
    account = Account(
        account_id, public_key or new_api_key("public"), private_key or new_api_key("private")
    )
    now = utc_now()
    try:
        with conn.begin_nested():
            conn.execute(
                accounts.insert().values(
                    id=account.id,
                    public_key=account.public_key,
                    private_key=account.private_key,
                    settings={},
                    created_at=now,
                    updated_at=now,
                )
            )
    except sa.exc.IntegrityError as exc:
        raise AccountExists(f"account {account_id!r} or one of its keys exists already") from exc
    return account


def ensure_account(
    engine: sa.Engine,
    account_id: str,
    *,
    public_key: str | None = None,
    private_key: str | None = None,
) -> tuple[Account, bool]:
    """Make sure the account exists; keys given explicitly replace stored ones.

    Returns the account and whether it was created now. Safe when several processes start at
    once: a lost insert race re-reads the winner's row.
    """
    with write_transaction(engine) as conn:
        existing = get_account(conn, account_id)
        if existing is None:
            try:
                created = create_account(
                    conn, account_id, public_key=public_key, private_key=private_key
                )
                return created, True
            except AccountExists:
                existing = get_account(conn, account_id)
                assert existing is not None
        changes: dict[str, Any] = {
            name: value
            for name, value in (("public_key", public_key), ("private_key", private_key))
            if value and getattr(existing, name) != value
        }
        if not changes:
            return existing, False
        conn.execute(
            accounts.update()
            .where(accounts.c.id == account_id)
            .values(**changes, updated_at=utc_now())
        )
        return replace(existing, **changes), False


class AccountDirectory:
    """Looks accounts up by id or key, caching briefly: several processes share one database,
    so a key change through the CLI must become visible within ``ttl_seconds`` (plus one
    query: the reload that notices it runs in the background)."""

    def __init__(self, engine: sa.Engine, ttl_seconds: float = 5.0) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._reloading = threading.Lock()  # held while a background reload runs
        self._loaded_at = float("-inf")
        self._by_id: dict[str, Account] = {}
        self._deliverable: dict[str, Account] = {}  # by id, those delivery may answer for
        self._by_private: dict[str, Account] = {}
        self._by_public: dict[str, Account] = {}

    def by_id(self, account_id: str) -> Account | None:
        return self._lookup("_by_id", account_id)

    def known(self, account_id: str) -> Account | None:
        """The account with this id if the directory holds it and is fresh, else None (ask
        ``by_id``): one dict lookup, no refresh, for the delivery fast path."""
        if time.monotonic() - self._loaded_at < self._ttl:
            return self._deliverable.get(account_id)
        return None

    def by_private_key(self, key: str) -> Account | None:
        return self._lookup("_by_private", key)

    def by_public_key(self, key: str) -> Account | None:
        return self._lookup("_by_public", key)

    def _lookup(self, index_name: str, key: str) -> Account | None:
        self._refresh(force=False)
        found: Account | None = getattr(self, index_name).get(key)
        if found is None:
            # An account created a moment ago by another process: look again, once.
            self._refresh(force=True)
            found = getattr(self, index_name).get(key)
        return found

    def _refresh(self, *, force: bool) -> None:
        """Reload when stale. Only the first load and a forced one (an id nobody knew) wait
        for the query; a stale directory keeps answering while one thread reloads it, so
        the event loop that asks never blocks on the database."""
        now = time.monotonic()
        if force:
            if now - self._loaded_at >= 0.5:
                self._reload()
            return
        if now - self._loaded_at < self._ttl:
            return
        if self._loaded_at == float("-inf"):
            self._reload()
        elif self._reloading.acquire(blocking=False):
            threading.Thread(target=self._reload_in_background, daemon=True).start()

    def _reload_in_background(self) -> None:
        try:
            self._reload()
        except Exception:  # the next lookup tries again
            logger.warning("could not reload accounts", exc_info=True)
        finally:
            self._reloading.release()

    def _reload(self) -> None:
        with self._lock:
            started = time.monotonic()
            with read_transaction(self._engine) as conn:
                loaded = list_accounts(conn)
            self._by_id = {account.id: account for account in loaded}
            # ids an API path cannot shadow (one created before its name was reserved is not)
            self._deliverable = {a.id: a for a in loaded if is_valid_account_id(a.id)}
            self._by_private = {account.private_key: account for account in loaded}
            self._by_public = {account.public_key: account for account in loaded}
            self._loaded_at = started
