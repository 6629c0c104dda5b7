"""The outbox of webhook deliveries: the public entry point for every event.

``enqueue`` writes one ``webhook_deliveries`` row per destination (each enabled account
endpoint that wants the event type, plus the request's own ``webhookUrl``) and returns at once.
Given a connection, the rows commit or roll back with the change that caused the event, so an
event is recorded exactly when its change is; given the server context it commits on its own.
Nothing is sent here: each process's dispatcher (webhooks/dispatcher.py) leases due rows the
way bulk jobs are leased (jobs/queue.py), so a crash or restart loses nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.db import leases
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import webhook_deliveries
from imagekit_server.db.times import to_utc
from imagekit_server.files.objects import iso_time
from imagekit_server.ids import new_id
from imagekit_server.webhooks.endpoints import endpoints_of

#: Set on a connection that queued deliveries; the dispatcher wakes when it goes back to the
#: pool (after the commit) instead of at its next poll.
QUEUED_FLAG = "imagekit_webhooks_queued"
#: Delivered and failed deliveries are kept this long for operators, then deleted.
RETENTION = timedelta(days=30)
PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
STATUSES = (PENDING, DELIVERED, FAILED)


@dataclass(frozen=True)
class Delivery:
    id: str
    account_id: str
    event_id: str
    event_type: str
    endpoint_id: str | None
    url: str
    payload: str
    attempts: int


def _now() -> datetime:
    return datetime.now(timezone.utc)


def new_event(event_type: str, data: Any, **extra: Any) -> dict[str, Any]:
    """ImageKit's envelope: ``id``, ``type``, ``created_at`` (ISO 8601), ``data`` and any
    event-specific fields such as ``request``."""
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "created_at": iso_time(_now()),
        **extra,
        "data": data,
    }


def enqueue(
    target: sa.Connection | ServerContext,
    account_id: str,
    event_type: str,
    data: Any,
    *,
    webhook_url: str | None = None,
    request: dict[str, Any] | None = None,
    endpoints: bool = True,
) -> str:
    """Record the event ``event_type`` with payload ``data`` for delivery to the account's
    endpoints (unless ``endpoints`` is false) and to ``webhook_url``; returns the event id."""
    extra = {} if request is None else {"request": request}
    event = new_event(event_type, data, **extra)
    enqueue_event(target, account_id, event, webhook_url=webhook_url, endpoints=endpoints)
    return str(event["id"])


def enqueue_event(
    target: sa.Connection | ServerContext,
    account_id: str,
    event: dict[str, Any],
    *,
    webhook_url: str | None = None,
    endpoints: bool = True,
) -> int:
    """Record an already built event (it needs ``id`` and ``type``); returns how many
    deliveries were queued."""
    if isinstance(target, ServerContext):
        with write_transaction(target.engine) as conn:
            queued = _insert(conn, account_id, event, webhook_url, endpoints)
        if queued:
            wake(target)
        return queued
    return _insert(target, account_id, event, webhook_url, endpoints)


def send_extension_event(
    context: ServerContext, account_id: str, webhook_url: str | None, event: dict[str, Any]
) -> None:
    """The extensions' way out: an extension result event (its ``type`` set by the caller;
    ``id`` and ``created_at`` added when missing) to the account's endpoints and to the
    request's ``webhookUrl``. Returns at once."""
    full = {**new_event(str(event["type"]), event.get("data")), **event}
    enqueue_event(context, account_id, full, webhook_url=webhook_url)


def _insert(
    conn: sa.Connection,
    account_id: str,
    event: dict[str, Any],
    webhook_url: str | None,
    endpoints: bool,
) -> int:
    event_type = str(event["type"])
    destinations: list[tuple[str | None, str]] = []
    if endpoints:
        destinations = [
            (endpoint.id, endpoint.url)
            for endpoint in endpoints_of(conn, account_id)
            if endpoint.wants(event_type)
        ]
    if webhook_url:
        destinations.append((None, webhook_url))
    if not destinations:
        return 0
    conn.info[QUEUED_FLAG] = True
    payload = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    now = _now()
    conn.execute(
        webhook_deliveries.insert(),
        [
            {
                "id": new_id(),
                "account_id": account_id,
                "event_id": str(event["id"]),
                "event_type": event_type,
                "endpoint_id": endpoint_id,
                "url": url,
                "payload": payload,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for endpoint_id, url in destinations
        ],
    )
    return len(destinations)


class Doorbell:
    """Wakes this process's dispatcher; ``start_dispatcher`` registers one on the context
    (webhooks/dispatcher.py builds on this module, so it is found by this type)."""

    def __init__(self, ring: Callable[[], None]) -> None:
        self.ring = ring


def wake(context: ServerContext) -> None:
    """Start this process's dispatcher on a just-committed delivery (else it finds it at its
    next poll)."""
    doorbell = context.components.get(Doorbell)
    if isinstance(doorbell, Doorbell):
        doorbell.ring()


def _delivery(row: Any) -> Delivery:
    return Delivery(
        row.id,
        row.account_id,
        row.event_id,
        row.event_type,
        row.endpoint_id,
        row.url,
        row.payload,
        row.attempts,
    )


def claim_due(engine: sa.Engine, owner: str, limit: int, lease_seconds: float) -> list[Delivery]:
    """Lease up to ``limit`` due deliveries for ``owner`` (one conditional UPDATE each, so of
    several processes exactly one wins a row)."""
    now = _now()
    claimed = leases.claim(
        engine,
        webhook_deliveries,
        owner,
        claimable=sa.and_(
            webhook_deliveries.c.status == PENDING,
            webhook_deliveries.c.next_attempt_at <= now,
            leases.unleased(webhook_deliveries, now),
        ),
        order_by=webhook_deliveries.c.next_attempt_at,
        candidates=limit,
        wanted=limit,
        expires_at=leases.extended(now, lease_seconds),
    )
    return [_delivery(row) for row in claimed]


def seconds_until_due(engine: sa.Engine) -> float | None:
    """How long until the earliest pending delivery is due (None: nothing pending)."""
    with read_transaction(engine) as conn:
        earliest = conn.execute(
            sa.select(sa.func.min(webhook_deliveries.c.next_attempt_at)).where(
                webhook_deliveries.c.status == PENDING
            )
        ).scalar()
    if earliest is None:
        return None
    return (to_utc(earliest) - _now()).total_seconds()


def record_attempt(
    engine: sa.Engine,
    delivery: Delivery,
    owner: str,
    *,
    status_code: int | None,
    error: str | None,
    retry_in: float | None,
) -> None:
    """Save one attempt's outcome: delivered (2xx), retried after ``retry_in`` seconds, or
    failed for good (``retry_in`` None and not delivered)."""
    now = _now()
    values: dict[str, Any] = {
        "attempts": delivery.attempts + 1,
        "last_status_code": status_code,
        "last_error": error,
        "lease_owner": None,
        "lease_expires_at": None,
        "updated_at": now,
    }
    if error is None:
        values.update(status=DELIVERED, delivered_at=now)
    elif retry_in is None:
        values.update(status=FAILED)
    else:
        values.update(next_attempt_at=now + timedelta(seconds=retry_in))
    with write_transaction(engine) as conn:
        leases.update_held(conn, webhook_deliveries, delivery.id, owner, values)


def retry_failed(engine: sa.Engine, account_id: str, delivery_id: str) -> dict[str, Any] | None:
    """Send a failed delivery again, with a fresh set of attempts (an operator fixed the
    receiver); None when the account has no such failed delivery."""
    now = _now()
    with write_transaction(engine) as conn:
        updated = conn.execute(
            webhook_deliveries.update()
            .where(
                webhook_deliveries.c.account_id == account_id,
                webhook_deliveries.c.id == delivery_id,
                webhook_deliveries.c.status == FAILED,
            )
            .values(status=PENDING, attempts=0, next_attempt_at=now, updated_at=now)
        ).rowcount
        if updated != 1:
            return None
        conn.info[QUEUED_FLAG] = True
        row = conn.execute(
            sa.select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
        ).one()
    return delivery_json(row)


def release(engine: sa.Engine, owner: str) -> None:
    """Give back every lease of ``owner`` (on shutdown) so another process sends at once."""
    with write_transaction(engine) as conn:
        conn.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None)
        )


def delivery_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "eventId": row.event_id,
        "eventType": row.event_type,
        "endpointId": row.endpoint_id,
        "url": row.url,
        "status": row.status,
        "attempts": row.attempts,
        "lastStatusCode": row.last_status_code,
        "lastError": row.last_error,
        "nextAttemptAt": iso_time(row.next_attempt_at) if row.status == PENDING else None,
        "deliveredAt": iso_time(row.delivered_at) if row.delivered_at else None,
        "createdAt": iso_time(row.created_at),
        "payload": json.loads(row.payload),
    }


def list_deliveries(
    engine: sa.Engine,
    account_id: str,
    *,
    status: str | None = None,
    event_id: str | None = None,
    limit: int = 100,
    skip: int = 0,
) -> list[dict[str, Any]]:
    """Newest first, for operators: what was delivered, what is pending and what failed."""
    query = sa.select(webhook_deliveries).where(webhook_deliveries.c.account_id == account_id)
    if status is not None:
        query = query.where(webhook_deliveries.c.status == status)
    if event_id is not None:
        query = query.where(webhook_deliveries.c.event_id == event_id)
    query = query.order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.id.desc())
    with read_transaction(engine) as conn:
        rows = conn.execute(query.limit(limit).offset(skip)).all()
    return [delivery_json(row) for row in rows]


def prune_deliveries(context: ServerContext) -> int:
    """Delete finished deliveries older than ``RETENTION``; returns how many."""
    cutoff = _now() - RETENTION
    with write_transaction(context.engine) as conn:
        deleted = conn.execute(
            webhook_deliveries.delete().where(
                webhook_deliveries.c.status != PENDING, webhook_deliveries.c.updated_at < cutoff
            )
        ).rowcount
    return int(deleted)
