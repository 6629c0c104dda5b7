"""Account-level webhook endpoints and the per-account secret for ``webhookUrl`` deliveries.

An endpoint has a URL, its own signing secret (shown when it is created, and to the operator
through the CLI), an optional list of event types (none: every event) and an enabled flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import webhook_endpoints, webhook_secrets
from imagekit_server.errors import BadRequest
from imagekit_server.files.objects import iso_time
from imagekit_server.ids import new_id
from imagekit_server.webhooks.signing import new_secret

MAX_URL_LENGTH = 2048
MAX_ENDPOINTS = 20
MAX_EVENT_TYPES = 50
_EVENT_TYPE = re.compile(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)+")


@dataclass(frozen=True)
class EndpointRequest:
    url: str
    event_types: list[str] | None
    description: str
    enabled: bool


@dataclass(frozen=True)
class Endpoint:
    id: str
    account_id: str
    url: str
    secret: str
    event_types: list[str] | None
    description: str
    enabled: bool
    created_at: datetime

    def wants(self, event_type: str) -> bool:
        return self.enabled and (self.event_types is None or event_type in self.event_types)

    def public_json(self, *, with_secret: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "events": self.event_types,
            "description": self.description,
            "enabled": self.enabled,
            "createdAt": iso_time(self.created_at),
        }
        if with_secret:
            body["secret"] = self.secret
        return body


def check_url(url: Any) -> str:
    if not isinstance(url, str) or not url.strip():
        raise BadRequest("url is required and must be a string.")
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(text) > MAX_URL_LENGTH:
        raise BadRequest("url must be an http(s) URL of at most 2048 characters.")
    return text


def parse_endpoint_request(body: dict[str, Any]) -> EndpointRequest:
    unknown = sorted(set(body) - {"url", "events", "description", "enabled"})
    if unknown:
        raise BadRequest(f"Unknown field(s): {', '.join(unknown)}.")
    events = body.get("events")
    if events is not None:
        if not isinstance(events, list) or not 0 < len(events) <= MAX_EVENT_TYPES:
            raise BadRequest(
                f"events must be a list of 1 to {MAX_EVENT_TYPES} event types, or null for all."
            )
        for event in events:
            if not isinstance(event, str) or not _EVENT_TYPE.fullmatch(event):
                raise BadRequest(f"events: {event!r} is not an event type (e.g. file.created).")
        events = sorted(set(events))
    description = body.get("description", "")
    if not isinstance(description, str) or len(description) > 1024:
        raise BadRequest("description must be a string of at most 1024 characters.")
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        raise BadRequest("enabled must be a boolean.")
    return EndpointRequest(check_url(body.get("url")), events, description, enabled)


def _endpoint(row: Any) -> Endpoint:
    events = list(row.event_types) if row.event_types is not None else None
    return Endpoint(
        row.id,
        row.account_id,
        row.url,
        row.secret,
        events,
        row.description,
        row.enabled,
        row.created_at,
    )


def create_endpoint(engine: sa.Engine, account_id: str, request: EndpointRequest) -> Endpoint:
    now = datetime.now(timezone.utc)
    with write_transaction(engine) as conn:
        count = conn.execute(
            sa.select(sa.func.count()).where(webhook_endpoints.c.account_id == account_id)
        ).scalar_one()
        if count >= MAX_ENDPOINTS:
            raise BadRequest(f"An account can have at most {MAX_ENDPOINTS} webhook endpoints.")
        endpoint_id = new_id()
        conn.execute(
            webhook_endpoints.insert().values(
                id=endpoint_id,
                account_id=account_id,
                url=request.url,
                secret=new_secret(),
                event_types=request.event_types,
                description=request.description,
                enabled=request.enabled,
                created_at=now,
                updated_at=now,
            )
        )
        row = conn.execute(
            sa.select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        ).one()
    return _endpoint(row)


def endpoints_of(conn: sa.Connection, account_id: str) -> list[Endpoint]:
    rows = conn.execute(
        sa.select(webhook_endpoints)
        .where(webhook_endpoints.c.account_id == account_id)
        .order_by(webhook_endpoints.c.created_at, webhook_endpoints.c.id)
    )
    return [_endpoint(row) for row in rows]


def list_endpoints(engine: sa.Engine, account_id: str) -> list[Endpoint]:
    with read_transaction(engine) as conn:
        return endpoints_of(conn, account_id)


def get_endpoint(engine: sa.Engine, account_id: str, endpoint_id: str) -> Endpoint | None:
    with read_transaction(engine) as conn:
        row = conn.execute(
            sa.select(webhook_endpoints).where(
                webhook_endpoints.c.account_id == account_id,
                webhook_endpoints.c.id == endpoint_id,
            )
        ).first()
    return None if row is None else _endpoint(row)


def delete_endpoint(engine: sa.Engine, account_id: str, endpoint_id: str) -> bool:
    """Deliveries already queued for it are still attempted (they were promised)."""
    with write_transaction(engine) as conn:
        deleted = conn.execute(
            webhook_endpoints.delete().where(
                webhook_endpoints.c.account_id == account_id,
                webhook_endpoints.c.id == endpoint_id,
            )
        ).rowcount
    return deleted == 1


def account_secret(conn: sa.Connection, account_id: str) -> str:
    """The secret signing ``webhookUrl`` deliveries of ``account_id``, made on first use."""
    found = conn.execute(
        sa.select(webhook_secrets.c.secret).where(webhook_secrets.c.account_id == account_id)
    ).scalar()
    if found is not None:
        return str(found)
    secret = new_secret()
    conn.execute(
        webhook_secrets.insert().values(
            account_id=account_id, secret=secret, created_at=datetime.now(timezone.utc)
        )
    )
    return secret


def request_url_secret(engine: sa.Engine, account_id: str) -> str:
    with write_transaction(engine) as conn:
        return account_secret(conn, account_id)
