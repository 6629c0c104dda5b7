"""The outbox on both databases: deliveries are queued with the change's transaction (or not
at all), leased to exactly one owner, their outcome recorded, finished ones pruned."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from imagekit_server.context import ServerContext, open_context
from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import webhook_deliveries
from imagekit_server.settings import Settings
from imagekit_server.webhooks import endpoints, outbox

ACCOUNT = "outbox-test"


@pytest.fixture
def context(database_url: str, tmp_path: Path) -> Iterator[ServerContext]:
    opened = open_context(
        Settings(data_dir=tmp_path, database_url=database_url, imagekit_id=ACCOUNT)
    )
    yield opened
    opened.close()


def _endpoint(context: ServerContext, url: str, events: list[str] | None = None) -> str:
    body = {"url": url, "events": events}
    return endpoints.create_endpoint(
        context.engine, ACCOUNT, endpoints.parse_endpoint_request(body)
    ).id


def _rows(context: ServerContext) -> list[sa.Row[object]]:
    with context.engine.connect() as conn:
        return list(conn.execute(sa.select(webhook_deliveries).order_by(webhook_deliveries.c.url)))


def test_deliveries_commit_or_roll_back_with_the_change(context: ServerContext) -> None:
    everything = _endpoint(context, "https://a.example/all")
    _endpoint(context, "https://b.example/deleted", ["file.deleted"])
    with pytest.raises(RuntimeError), write_transaction(context.engine) as conn:
        outbox.enqueue(conn, ACCOUNT, "file.created", {"fileId": "1"})
        raise RuntimeError("the change failed")
    assert _rows(context) == []
    with write_transaction(context.engine) as conn:
        event_id = outbox.enqueue(
            conn, ACCOUNT, "file.created", {"fileId": "1"}, webhook_url="https://c.example/req"
        )
    rows = _rows(context)
    assert [(row.url, row.endpoint_id) for row in rows] == [
        ("https://a.example/all", everything),
        ("https://c.example/req", None),
    ]
    assert {row.event_id for row in rows} == {event_id}
    assert all(row.status == "pending" and row.attempts == 0 for row in rows)
    assert '"type":"file.created"' in rows[0].payload


def test_a_delivery_is_leased_to_one_owner_at_a_time(context: ServerContext) -> None:
    outbox.enqueue(
        context, ACCOUNT, "file.deleted", {"fileId": "1"}, webhook_url="https://x.example"
    )
    [mine] = outbox.claim_due(context.engine, "owner-a", 10, lease_seconds=60)
    assert outbox.claim_due(context.engine, "owner-b", 10, lease_seconds=60) == []
    outbox.record_attempt(
        context.engine, mine, "owner-b", status_code=200, error=None, retry_in=None
    )
    assert _rows(context)[0].status == "pending"  # not the owner: nothing recorded
    outbox.record_attempt(
        context.engine, mine, "owner-a", status_code=500, error="HTTP 500", retry_in=0
    )
    [again] = outbox.claim_due(context.engine, "owner-b", 10, lease_seconds=60)
    assert again.attempts == 1
    outbox.record_attempt(
        context.engine, again, "owner-b", status_code=200, error=None, retry_in=None
    )
    [row] = _rows(context)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 2, 200)
    assert outbox.claim_due(context.engine, "owner-a", 10, lease_seconds=60) == []


def test_an_expired_lease_is_taken_over(context: ServerContext) -> None:
    outbox.enqueue(
        context, ACCOUNT, "file.deleted", {"fileId": "2"}, webhook_url="https://x.example"
    )
    assert outbox.claim_due(context.engine, "crashed", 10, lease_seconds=-1)
    [taken] = outbox.claim_due(context.engine, "survivor", 10, lease_seconds=60)
    assert taken.event_type == "file.deleted"


def test_finished_deliveries_are_pruned_after_the_retention(context: ServerContext) -> None:
    for status in ("delivered", "failed", "pending"):
        outbox.enqueue(
            context, ACCOUNT, "file.deleted", {}, webhook_url=f"https://{status}.example"
        )
        with write_transaction(context.engine) as conn:
            conn.execute(
                webhook_deliveries.update()
                .where(webhook_deliveries.c.url == f"https://{status}.example")
                .values(status=status, updated_at=datetime.now(timezone.utc) - timedelta(days=31))
            )
    outbox.enqueue(context, ACCOUNT, "file.deleted", {}, webhook_url="https://recent.example")
    with write_transaction(context.engine) as conn:
        conn.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.url == "https://recent.example")
            .values(status="delivered")
        )
    assert outbox.prune_deliveries(context) == 2
    assert [row.url for row in _rows(context)] == [
        "https://pending.example",
        "https://recent.example",
    ]


def test_extension_events_get_an_envelope(context: ServerContext) -> None:
    _endpoint(context, "https://a.example/all")
    event = {"type": "extension.example", "data": {"fileId": "f", "status": "success"}}
    outbox.send_extension_event(context, ACCOUNT, "https://b.example/req", event)
    rows = _rows(context)
    assert [row.url for row in rows] == ["https://a.example/all", "https://b.example/req"]
    sent = json.loads(rows[0].payload)
    assert sent["type"] == "extension.example" and sent["data"]["status"] == "success"
    assert sent["id"] == rows[0].event_id and sent["created_at"].endswith("Z")
