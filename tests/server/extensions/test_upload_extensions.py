"""Extensions on upload (V1 and V2) and on update-file-details, on the built-in providers:
the file is always stored, ``extensionStatus`` reports each extension, fast results are in
the response, remove-bg lands later as a new version and its final status goes to
``webhookUrl``; malformed entries are a 400 naming them, before anything is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.fixtures.recording_server import RecordingServer
from tests.server.extensions.images import product_shot
from tests.server.extensions.waiting import extension_events, wait_for_event
from tests.server.media import decode
from tests.server.uploads import TIMEOUT, api_get, assert_error, upload, uploaded

REMOVE_BG = {"name": "remove-bg", "options": {"add_shadow": True, "bg_color": "pink"}}
TAGGING = {"name": "google-auto-tagging", "minConfidence": 10, "maxTags": 5}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("imagekit-data"),
        {"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8", "IMAGEKIT_EXT_AWS_AUTO_TAGGING": "none"},
    )
    live.start()
    yield live
    live.stop()


def _patch(server: LiveServer, file_id: str, body: dict[str, object]) -> requests.Response:
    return requests.patch(
        f"{server.base_url}/v1/files/{file_id}/details",
        json=body,
        auth=server.auth,
        timeout=TIMEOUT,
    )


def test_upload_with_both_extensions_stores_the_file_and_lands_remove_bg_as_a_version(
    server: LiveServer, recording_server: RecordingServer
) -> None:
    body = uploaded(
        server,
        product_shot(),
        "shot.jpg",
        extensions=json.dumps([REMOVE_BG, TAGGING, {"name": "ai-auto-description"}]),
        webhookUrl=recording_server.base_url + "/hook",
        useUniqueFileName="false",
    )
    assert body["extensionStatus"] == {
        "remove-bg": "pending",
        "google-auto-tagging": "success",
        "ai-auto-description": "success",
    }
    names = {tag["name"] for tag in body["AITags"]}
    assert "Horizontal" in names and "White" in names
    assert all(tag["source"] == "google-auto-tagging" for tag in body["AITags"])
    assert all(10 <= tag["confidence"] <= 100 for tag in body["AITags"])
    assert body["description"].startswith("A landscape-format image")
    event = wait_for_event(recording_server, "remove-bg")
    assert event["status"] == "SUCCESS"
    assert event["fileObject"]["fileId"] == body["fileId"]
    assert event["fileObject"]["versionInfo"]["id"] != body["versionInfo"]["id"]
    versions = api_get(server, f"/v1/files/{body['fileId']}/versions").json()
    assert len(versions) == 2
    details = api_get(server, f"/v1/files/{body['fileId']}/details").json()
    assert details["AITags"] == body["AITags"]  # carried over to the new version
    assert details["description"] == body["description"]
    delivered = requests.get(details["url"], timeout=TIMEOUT)
    result = decode(delivered.content)
    assert (result.width, result.height) == (400, 300)
    assert [round(v) for v in result.getpoint(5, 5)[:3]] == [255, 192, 203]  # pink background
    red, green, _ = result.getpoint(180, 150)[:3]
    assert red > 150 and green < 80  # the box is kept
    assert {e["service"] for e in extension_events(recording_server)} == {
        "remove-bg",
        "google-auto-tagging",
        "ai-auto-description",
    }


def test_v2_upload_accepts_extensions(server: LiveServer) -> None:
    response = requests.post(
        f"{server.base_url}/api/v2/files/upload",
        files={
            "file": ("a.jpg", product_shot(200, 150)),
            "fileName": (None, "a.jpg"),
            "extensions": (None, json.dumps([TAGGING])),
        },
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    assert response.json()["extensionStatus"] == {"google-auto-tagging": "success"}


@pytest.mark.parametrize(
    ("extensions", "named"),
    [
        ([TAGGING, {"name": "google-auto-tagging", "maxTags": 5}], "extensions[1]"),
        ([{"name": "remove-bg", "options": {"add_shadow": "yes"}}], "extensions[0].options"),
        ([{"name": "unknown-thing"}], "extensions[0].name"),
        ([{"name": "remove-bg", "colour": "red"}], "extensions[0].colour"),
        ([{"name": "saved-extension", "id": "nope"}], "extensions[0]"),
        ([TAGGING, TAGGING], "twice"),
        ({"name": "remove-bg"}, "array"),
    ],
)
def test_a_malformed_entry_is_a_400_naming_it_and_stores_nothing(
    server: LiveServer, extensions: object, named: str
) -> None:
    response = upload(server, product_shot(60, 40), "bad.jpg", extensions=json.dumps(extensions))
    assert named in assert_error(response, 400)["message"]
    listing = api_get(server, "/v1/files", searchQuery='name = "bad.jpg"').json()
    assert listing == []


def test_an_extension_without_provider_fails_with_a_reason_and_the_file_is_stored(
    server: LiveServer, recording_server: RecordingServer
) -> None:
    body = uploaded(
        server,
        product_shot(80, 60),
        "noprovider.jpg",
        extensions=json.dumps([{"name": "aws-auto-tagging", "minConfidence": 50, "maxTags": 3}]),
        webhookUrl=recording_server.base_url,
    )
    assert body["extensionStatus"] == {"aws-auto-tagging": "failed"}
    assert body["AITags"] is None
    event = wait_for_event(recording_server, "aws-auto-tagging")
    assert event["status"] == "FAILURE" and event["fileId"] == body["fileId"]
    assert "IMAGEKIT_EXT_AWS_AUTO_TAGGING" in event["error"]["message"]
    assert "aws-auto-tagging" in server.log()


def test_extensions_on_a_non_image_fail_without_failing_the_upload(server: LiveServer) -> None:
    body = uploaded(
        server, b"just some text", "notes.txt", extensions=json.dumps([TAGGING, REMOVE_BG])
    )
    assert body["extensionStatus"] == {"google-auto-tagging": "failed", "remove-bg": "failed"}


def test_a_saved_extension_runs_by_id(server: LiveServer) -> None:
    saved = requests.post(
        f"{server.base_url}/v1/saved-extensions",
        json={"name": "tags", "description": "", "config": {**TAGGING, "maxTags": 2}},
        auth=server.auth,
        timeout=TIMEOUT,
    ).json()
    body = uploaded(
        server,
        product_shot(90, 60),
        "saved.jpg",
        extensions=json.dumps([{"name": "saved-extension", "id": saved["id"]}]),
    )
    assert body["extensionStatus"] == {"google-auto-tagging": "success"}
    assert 1 <= len(body["AITags"]) <= 2


def test_update_runs_remove_ai_tags_before_extensions(server: LiveServer) -> None:
    body = uploaded(server, product_shot(120, 80), "upd.jpg", extensions=json.dumps([TAGGING]))
    file_id = body["fileId"]
    assert body["AITags"]
    response = _patch(server, file_id, {"removeAITags": "all", "tags": ["kept"]})
    assert response.status_code == 200, response.text
    assert response.json()["AITags"] is None and "extensionStatus" not in response.json()
    response = _patch(
        server,
        file_id,
        {"removeAITags": ["Horizontal"], "extensions": [{**TAGGING, "maxTags": 1}]},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["extensionStatus"] == {"google-auto-tagging": "success"}
    assert [tag["name"] for tag in updated["AITags"]] == ["Horizontal"]
    assert updated["tags"] == ["kept"]
    bad = _patch(server, file_id, {"tags": ["x"], "extensions": [{"name": "remove-bg", "x": 1}]})
    assert "extensions[0].x" in assert_error(bad, 400)["message"]
    assert api_get(server, f"/v1/files/{file_id}/details").json()["tags"] == ["kept"]


def test_update_with_remove_bg_writes_a_new_version(
    server: LiveServer, recording_server: RecordingServer
) -> None:
    body = uploaded(server, product_shot(), "later.jpg", tags="keep")
    response = _patch(
        server,
        body["fileId"],
        {"extensions": [{"name": "remove-bg"}], "webhookUrl": recording_server.base_url},
    )
    assert response.status_code == 200, response.text
    assert response.json()["extensionStatus"] == {"remove-bg": "pending"}
    event = wait_for_event(recording_server, "remove-bg")
    assert event["status"] == "SUCCESS" and event["fileObject"]["tags"] == ["keep"]
    details = api_get(server, f"/v1/files/{body['fileId']}/details").json()
    assert details["versionInfo"]["name"] == "Version 2"
    cutout = decode(requests.get(details["url"], timeout=TIMEOUT).content)
    assert cutout.bands == 4 and cutout.getpoint(2, 2)[3] == 0
