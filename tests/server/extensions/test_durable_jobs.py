"""Slow extensions run as durable jobs: a remote tagger reports ``pending`` and lands later; a
SIGKILL during a pending remove-bg is followed by its completion after the restart, exactly
once, with one webhook; two processes on one library never run a job twice."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.fixtures.recording_server import RecordingServer
from tests.server.extensions.images import product_shot
from tests.server.extensions.peers import API_KEY, Peer
from tests.server.extensions.waiting import extension_events, wait_for_event
from tests.server.media import decode, solid_image
from tests.server.uploads import TIMEOUT, api_get, uploaded

LEASE = 2.0


def _env(peer: Peer, **more: str) -> dict[str, str]:
    return {
        "IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8",
        "IMAGEKIT_EXT_REMOVE_BG": "removebg",
        "IMAGEKIT_REMOVEBG_API_KEY": API_KEY,
        "IMAGEKIT_REMOVEBG_ENDPOINT": peer.url,
        "IMAGEKIT_GOOGLE_VISION_API_KEY": API_KEY,
        "IMAGEKIT_GOOGLE_VISION_ENDPOINT": peer.url,
        "IMAGEKIT_JOB_LEASE_SECONDS": str(LEASE),
        **more,
    }


def _wait(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize("provider", ["google", "aws", "onnx"])
def test_a_slow_tagger_is_pending_then_lands_its_tags(
    provider: str,
    live_server_factory: StartServer,
    recording_server: RecordingServer,
    peer: Peer,
    onnx_models: dict[str, Path],
    request: pytest.FixtureRequest,
) -> None:
    env = _env(peer, IMAGEKIT_EXT_AWS_AUTO_TAGGING=provider)
    expected = {"google": "Red", "aws": "Mobile Phone", "onnx": "Red"}[provider]
    if provider == "aws":  # moto's Rekognition (its DetectLabels answer is fixed)
        env.update(request.getfixturevalue("s3_env"))
        env["IMAGEKIT_REKOGNITION_ENDPOINT_URL"] = request.getfixturevalue("s3_server")
    env["IMAGEKIT_ONNX_CLASSIFIER"] = str(onnx_models["classifier"])
    env["IMAGEKIT_ONNX_CLASSIFIER_LABELS"] = str(onnx_models["labels"])
    server = live_server_factory(env=env)
    body = uploaded(
        server,
        solid_image(300, 200, (220, 20, 20), ".jpg"),
        "tagged.jpg",
        extensions=json.dumps([{"name": "aws-auto-tagging", "minConfidence": 60, "maxTags": 1}]),
        webhookUrl=recording_server.base_url,
    )
    assert body["extensionStatus"] == {"aws-auto-tagging": "pending"}
    assert body["AITags"] is None
    event = wait_for_event(recording_server, "aws-auto-tagging")
    assert event["status"] == "SUCCESS", event
    tags = event["fileObject"]["AITags"]
    assert [(tag["name"], tag["source"]) for tag in tags] == [(expected, "aws-auto-tagging")]
    assert api_get(server, f"/v1/files/{body['fileId']}/details").json()["AITags"] == tags


def test_sigkill_during_remove_bg_completes_once_after_restart(
    live_server_factory: StartServer, recording_server: RecordingServer, peer: Peer
) -> None:
    server = live_server_factory(env=_env(peer))
    peer.delay = 5.0  # the provider call is in flight when the server dies
    body = uploaded(
        server,
        product_shot(),
        "killed.jpg",
        extensions=json.dumps([{"name": "remove-bg"}]),
        webhookUrl=recording_server.base_url,
    )
    assert body["extensionStatus"] == {"remove-bg": "pending"}
    _wait(lambda: len(peer.calls) == 1)
    server.kill()
    peer.delay = 0.0
    server.start()
    event = wait_for_event(recording_server, "remove-bg")
    assert event["status"] == "SUCCESS"
    time.sleep(LEASE * 2 + 1.5)  # time enough for a duplicate run, if one could happen
    assert len(extension_events(recording_server, "remove-bg")) == 1
    versions = api_get(server, f"/v1/files/{body['fileId']}/versions").json()
    assert len(versions) == 2
    assert len(peer.calls) == 2  # the interrupted call, then the resumed one


def test_two_processes_run_each_job_once(
    live_server_factory: StartServer, recording_server: RecordingServer, peer: Peer
) -> None:
    first = live_server_factory(env=_env(peer))
    second = LiveServer(
        first.data_dir,
        first.env,
        public_key=first.public_key,
        private_key=first.private_key,
    )
    second.start()
    try:
        peer.delay = 0.3
        ids = [
            uploaded(
                first if index % 2 else second,
                product_shot(120, 90),
                f"many{index}.jpg",
                extensions=json.dumps([{"name": "remove-bg"}]),
                webhookUrl=recording_server.base_url,
            )["fileId"]
            for index in range(6)
        ]
        _wait(lambda: len(extension_events(recording_server, "remove-bg")) == 6)
        time.sleep(1.0)
        assert len(peer.calls) == 6
        events = extension_events(recording_server, "remove-bg")
        assert sorted(event["fileObject"]["fileId"] for event in events) == sorted(ids)
    finally:
        second.stop()


def test_concurrency_is_bounded_and_a_vanished_file_is_reported(
    live_server_factory: StartServer, recording_server: RecordingServer, peer: Peer
) -> None:
    server = live_server_factory(env=_env(peer, IMAGEKIT_EXTENSION_WORKERS="2"))
    peer.delay = 1.2  # the fifth job starts after two rounds: its file is gone by then
    ids = [
        uploaded(
            server,
            product_shot(80, 60),
            f"bounded{index}.jpg",
            extensions=json.dumps([{"name": "remove-bg"}]),
            webhookUrl=recording_server.base_url,
        )["fileId"]
        for index in range(5)
    ]
    deleted = ids[-1]
    response = requests.delete(
        f"{server.base_url}/v1/files/{deleted}", auth=server.auth, timeout=TIMEOUT
    )
    assert response.status_code == 204
    _wait(lambda: len(extension_events(recording_server, "remove-bg")) == 5)
    assert peer.most_in_flight == 2
    events = {
        event.get("fileId") or event["fileObject"]["fileId"]: event
        for event in extension_events(recording_server, "remove-bg")
    }
    assert events[deleted]["status"] == "FAILURE"
    assert "deleted" in events[deleted]["error"]["message"]
    assert all(events[file_id]["status"] == "SUCCESS" for file_id in ids[:-1])


def test_extensions_on_postgresql_and_s3(
    live_server_factory: StartServer, recording_server: RecordingServer, peer: Peer
) -> None:
    server = live_server_factory(
        database="postgres", storage="s3", env=_env(peer, IMAGEKIT_EXT_REMOVE_BG="builtin")
    )
    extensions = [
        {"name": "remove-bg", "options": {"bg_color": "00ff00"}},
        {"name": "google-auto-tagging", "minConfidence": 50, "maxTags": 3},
    ]
    body = uploaded(
        server,
        product_shot(),
        "pg.jpg",
        extensions=json.dumps(extensions),
        webhookUrl=recording_server.base_url,
    )
    assert body["extensionStatus"] == {"remove-bg": "pending", "google-auto-tagging": "success"}
    event = wait_for_event(recording_server, "remove-bg")
    assert event["status"] == "SUCCESS"
    assert event["fileObject"]["AITags"] == body["AITags"]
    delivered = requests.get(event["fileObject"]["url"], timeout=TIMEOUT)
    assert decode(delivered.content).getpoint(3, 3)[:3] == [0.0, 255.0, 0.0]
    versions = api_get(server, f"/v1/files/{body['fileId']}/versions").json()
    assert len(versions) == 2
