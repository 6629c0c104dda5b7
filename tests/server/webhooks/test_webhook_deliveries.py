"""Webhook deliveries against a real receiver on 127.0.0.1: signed file events from the
library, retries with backoff, giving up, the outgoing-request guard, a request never waiting
for a receiver, and deliveries surviving a crash."""

from __future__ import annotations

import time
from itertools import pairwise
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.live_server import LiveServer, StartServer
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.server.media import solid_image
from tests.server.uploads import TIMEOUT, api_get, assert_error, upload, uploaded
from tests.server.webhooks.hooks import create_endpoint, deliveries, eventually, received, verify

IMAGE = solid_image(8, 6, (10, 200, 30))
ALLOW_LOOPBACK = {"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.1"}


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_file_events_are_signed_and_follow_the_library(
    live_server_factory: StartServer, recording_server: RecordingServer, database: str
) -> None:
    server = live_server_factory(database=database, env=ALLOW_LOOPBACK)
    endpoint = create_endpoint(server, f"{recording_server.base_url}/all")
    body = uploaded(server, IMAGE, "a.png", useUniqueFileName="false")
    file_id = body["fileId"]
    [created] = received(recording_server, 1)
    event = verify(created, endpoint["secret"])
    assert event["type"] == "file.created"
    assert event["data"]["fileId"] == file_id
    assert event["data"]["filePath"] == "/a.png"
    assert event["created_at"].endswith("Z")
    overwritten = uploaded(server, IMAGE, "a.png", useUniqueFileName="false")
    patched = requests.patch(
        f"{server.base_url}/v1/files/{file_id}/details",
        json={"tags": ["t1"]},
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert patched.status_code == 200, patched.text
    first_version = next(v for v in _versions(server, file_id) if not _is_current(v, overwritten))
    deleted_version = requests.delete(
        f"{server.base_url}/v1/files/{file_id}/versions/{first_version['versionInfo']['id']}",
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert deleted_version.status_code == 204, deleted_version.text
    gone = requests.delete(f"{server.base_url}/v1/files/{file_id}", auth=server.auth, timeout=30)
    assert gone.status_code == 204
    events = [verify(request, endpoint["secret"]) for request in received(recording_server, 5)]
    # One sender at a time per event is not promised: compare as a set, then check each.
    by_type = {event["type"]: event for event in events}
    assert sorted(by_type) == [
        "file-version.created",
        "file-version.deleted",
        "file.created",
        "file.deleted",
        "file.updated",
    ]
    assert (
        by_type["file-version.created"]["data"]["versionInfo"]["id"]
        == (overwritten["versionInfo"]["id"])
    )
    assert by_type["file.updated"]["data"]["tags"] == ["t1"]
    assert by_type["file-version.deleted"]["data"] == {
        "fileId": file_id,
        "versionId": first_version["versionInfo"]["id"],
    }
    assert by_type["file.deleted"]["data"] == {"fileId": file_id}
    assert len({event["id"] for event in events}) == 5
    recorded = eventually(lambda: [d for d in deliveries(server) if d["status"] == "delivered"])
    assert {d["eventType"] for d in recorded} <= set(by_type)
    assert all(d["attempts"] == 1 and d["lastStatusCode"] == 200 for d in recorded)


def _versions(server: LiveServer, file_id: str) -> list[dict[str, Any]]:
    response = api_get(server, f"/v1/files/{file_id}/versions")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def _is_current(version: dict[str, Any], current: dict[str, Any]) -> bool:
    return version["versionInfo"] == current["versionInfo"]


def test_event_filters_choose_what_an_endpoint_receives(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    server = live_server_factory(env=ALLOW_LOOPBACK)
    create_endpoint(server, f"{recording_server.base_url}/deleted", events=["file.deleted"])
    create_endpoint(server, f"{recording_server.base_url}/off", enabled=False)
    body = uploaded(server, IMAGE, "b.png")
    requests.delete(f"{server.base_url}/v1/files/{body['fileId']}", auth=server.auth, timeout=30)
    [request] = received(recording_server, 1)
    time.sleep(0.5)  # nothing else may follow
    assert len(recording_server.requests) == 1
    assert request.path == "/deleted"
    assert request.json()["type"] == "file.deleted"


def test_a_failed_delivery_is_retried_with_backoff(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    server = live_server_factory(env={**ALLOW_LOOPBACK, "IMAGEKIT_WEBHOOK_RETRY": "0.4"})
    endpoint = create_endpoint(server, f"{recording_server.base_url}/flaky")
    recording_server.reply(Reply(500, {"error": "busy"}), Reply(503))
    uploaded(server, IMAGE, "c.png")
    attempts = received(recording_server, 3)
    gaps = [later.received_at - earlier.received_at for earlier, later in pairwise(attempts)]
    # 0.4 s then 0.8 s, each with +-10 % jitter (plus the time to answer and record).
    assert 0.36 <= gaps[0] < 2.0, gaps
    assert 0.72 <= gaps[1] < 3.0, gaps
    assert len({request.headers["webhook-id"] for request in attempts}) == 1
    for request in attempts:
        verify(request, endpoint["secret"])
    [delivery] = eventually(lambda: deliveries(server, status="delivered"))
    assert (delivery["attempts"], delivery["lastStatusCode"]) == (3, 200)
    assert delivery["url"] == f"{recording_server.base_url}/flaky"
    # /metrics counts every attempt by its outcome.
    metrics = requests.get(f"{server.base_url}/metrics", timeout=TIMEOUT).text
    counted = {
        sample.labels["result"]: sample.value
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        if sample.name == "imagekit_webhook_deliveries_total"
    }
    assert counted == {"retry": 2.0, "success": 1.0}


def test_a_delivery_gives_up_after_the_last_attempt(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    env = {**ALLOW_LOOPBACK, "IMAGEKIT_WEBHOOK_RETRY": "0.1", "IMAGEKIT_WEBHOOK_MAX_ATTEMPTS": "3"}
    server = live_server_factory(env=env)
    create_endpoint(server, f"{recording_server.base_url}/down")
    recording_server.default_reply = Reply(500)
    uploaded(server, IMAGE, "d.png")
    [failed] = eventually(lambda: deliveries(server, status="failed"))
    assert (failed["attempts"], failed["lastStatusCode"]) == (3, 500)
    assert failed["lastError"] == "HTTP 500"
    assert failed["payload"]["type"] == "file.created"
    time.sleep(0.5)
    assert len(recording_server.requests) == 3
    listing = server.cli("webhooks", "deliveries", "--status", "failed")
    assert listing.returncode == 0, listing.stderr
    assert failed["id"] in listing.stdout and "HTTP 500" in listing.stdout
    # The receiver is fixed: an operator sends the delivery again.
    recording_server.default_reply = Reply(204)
    retried = requests.post(
        f"{server.base_url}/v1/accounts/webhooks/deliveries/{failed['id']}/retry",
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    [delivered] = eventually(lambda: deliveries(server, status="delivered"))
    assert (delivered["id"], delivered["attempts"], delivered["lastStatusCode"]) == (
        failed["id"],
        1,
        204,
    )
    again = server.cli("webhooks", "retry", failed["id"])  # no longer failed
    assert again.returncode == 1 and "no failed delivery" in again.stderr


def test_private_destinations_are_refused_unless_allowlisted(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    server = live_server_factory()
    create_endpoint(server, f"{recording_server.base_url}/private")
    uploaded(server, IMAGE, "e.png", webhookUrl=f"{recording_server.base_url}/per-request")
    failed = eventually(
        lambda: found if len(found := deliveries(server, status="failed")) == 2 else None
    )
    for delivery in failed:
        assert delivery["attempts"] == 1  # refused for good, not retried
        assert "not allowed" in delivery["lastError"]
    time.sleep(0.3)
    assert recording_server.requests == []


def test_the_request_does_not_wait_for_the_receiver(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    server = live_server_factory(env=ALLOW_LOOPBACK)
    create_endpoint(server, f"{recording_server.base_url}/slow")
    recording_server.default_reply = Reply(200, delay=2.0)
    started = time.monotonic()
    uploaded(server, IMAGE, "f.png", webhookUrl=f"{recording_server.base_url}/slow-too")
    assert time.monotonic() - started < 1.5
    received(recording_server, 2)
    eventually(lambda: len(deliveries(server, status="delivered")) == 2 or None, 20)


def test_deliveries_survive_a_crash(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    # Deliveries are leased for twice the timeout plus 5 s: 7 s here.
    env = {**ALLOW_LOOPBACK, "IMAGEKIT_WEBHOOK_TIMEOUT": "1"}
    server = live_server_factory(env=env)
    create_endpoint(server, f"{recording_server.base_url}/durable")
    # The receiver is stuck on the first attempt when the server is killed.
    recording_server.reply(Reply(200, delay=0.8))
    body = uploaded(server, IMAGE, "g.png")
    received(recording_server, 1)
    server.kill()
    server.start()
    # The dead process's lease runs out and the new one delivers the same event again.
    requests_seen = received(recording_server, 2, deadline=30)
    assert [r.json()["data"]["fileId"] for r in requests_seen] == [body["fileId"]] * 2
    assert requests_seen[0].headers["webhook-id"] == requests_seen[1].headers["webhook-id"]
    [delivery] = eventually(lambda: deliveries(server, status="delivered"))
    assert delivery["attempts"] == 1  # the killed attempt was never recorded


def test_upload_events_reach_the_endpoint_and_the_request_url(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    server = live_server_factory(env=ALLOW_LOOPBACK)
    create_endpoint(
        server,
        f"{recording_server.base_url}/endpoint",
        events=["upload.pre-transform.error", "upload.pre-transform.success"],
    )
    hook = f"{recording_server.base_url}/request"
    failed = upload(
        server, IMAGE, "bad.png", folder="/in", webhookUrl=hook, transformation='{"pre": "w-abc"}'
    )
    assert_error(failed, 400)
    response = upload(server, IMAGE, "ok.png", webhookUrl=hook, transformation='{"pre": "w-4"}')
    stored = response.json()
    events = {(r.path, r.json()["type"]): r.json() for r in received(recording_server, 4)}
    assert sorted(events) == [
        ("/endpoint", "upload.pre-transform.error"),
        ("/endpoint", "upload.pre-transform.success"),
        ("/request", "upload.pre-transform.error"),
        ("/request", "upload.pre-transform.success"),
    ]
    error = events[("/request", "upload.pre-transform.error")]
    assert error["data"]["name"] == "bad.png" and error["data"]["path"] == "/in/bad.png"
    assert "w-abc" in error["data"]["transformation"]["error"]["reason"]
    assert error["request"]["transformation"] == "w-abc"
    success = events[("/endpoint", "upload.pre-transform.success")]
    assert success["data"]["fileId"] == stored["fileId"] and success["data"]["width"] == 4
    assert success["request"]["transformation"] == "w-4"
    # both name the upload request that caused them (its X-Request-Id)
    assert error["request"]["x_request_id"] == failed.headers["x-request-id"]
    assert success["request"]["x_request_id"] == response.headers["x-request-id"]


def test_deleting_a_folder_tree_sends_its_file_and_folder_events(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    server = live_server_factory(env=ALLOW_LOOPBACK)
    top = uploaded(server, IMAGE, "a.png", folder="/tree")
    deep = uploaded(server, IMAGE, "b.png", folder="/tree/inner")
    create_endpoint(
        server, f"{recording_server.base_url}/gone", events=["file.deleted", "folder.deleted"]
    )
    deleted = requests.delete(
        f"{server.base_url}/v1/folder",
        json={"folderPath": "/tree"},
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert deleted.status_code == 204, deleted.text
    events = [request.json() for request in received(recording_server, 4)]
    files = sorted(e["data"]["fileId"] for e in events if e["type"] == "file.deleted")
    assert files == sorted([top["fileId"], deep["fileId"]])
    folder_events = [e["data"] for e in events if e["type"] == "folder.deleted"]
    assert len(folder_events) == 2
    assert all(len(data["folderId"]) == 24 for data in folder_events)
