"""Update details, bulk tags and versions against a live server."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.library.calls import call, details, new_image, ok
from tests.server.media import pixel
from tests.server.uploads import assert_error


def test_update_details_fields(live_server: LiveServer) -> None:
    file_id = new_image(live_server, "details.png", tags="a,b")["fileId"]
    route = f"/v1/files/{file_id}/details/"
    body = {"tags": ["x", "y", "x"], "customCoordinates": "1,2,3,4", "description": "d"}
    updated = ok(call(live_server, "PATCH", route, body))
    assert updated["tags"] == ["x", "y"] and updated["customCoordinates"] == "1,2,3,4"
    assert updated["description"] == "d" and updated["fileId"] == file_id
    cleared = ok(call(live_server, "PATCH", route, {"tags": None, "customCoordinates": None}))
    assert cleared["tags"] is None and cleared["customCoordinates"] is None
    assert details(live_server, file_id)["description"] == "d"
    listed = ok(call(live_server, "GET", "/v1/files", tags="x"))
    assert file_id not in [item["fileId"] for item in listed]


def test_publish_must_come_alone(live_server: LiveServer) -> None:
    file_id = new_image(live_server, "publish.png")["fileId"]
    route = f"/v1/files/{file_id}/details"
    both = {"publish": {"isPublished": False}, "tags": ["t"]}
    assert "publish" in assert_error(call(live_server, "PATCH", route, both), 400)["message"]
    unpublished = ok(call(live_server, "PATCH", route, {"publish": {"isPublished": False}}))
    assert unpublished["isPublished"] is False
    delivered = requests.get(f"{live_server.url_endpoint}/publish.png", timeout=10)
    assert delivered.status_code == 404
    ok(call(live_server, "PATCH", route, {"publish": {"isPublished": True}}))
    assert requests.get(f"{live_server.url_endpoint}/publish.png", timeout=10).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"tags": "a,b"},
        {"tags": [1]},
        {"customCoordinates": "1,2"},
        {"customMetadata": [1]},
        {"removeAITags": "some"},
        {"publish": {"isPublished": "yes"}},
        {"publish": True},
        {"unknownField": 1},
        {"tags": ["50%"]},
        {"tags": ["t" * 501]},
        [],
    ],
)
def test_bad_update_bodies_are_400(live_server: LiveServer, body: object) -> None:
    file_id = new_image(live_server, "bad-body.png")["fileId"]
    assert_error(call(live_server, "PATCH", f"/v1/files/{file_id}/details", body), 400)


def test_update_ids(live_server: LiveServer) -> None:
    assert_error(call(live_server, "PATCH", "/v1/files/xyz/details", {"tags": ["a"]}), 400)
    missing = call(live_server, "PATCH", f"/v1/files/{'0' * 24}/details", {"tags": ["a"]})
    assert_error(missing, 404)


def test_add_and_remove_tags_in_bulk(live_server: LiveServer) -> None:
    first = new_image(live_server, "tags1.png", tags="old")["fileId"]
    second = new_image(live_server, "tags2.png")["fileId"]
    ids = [first, second]
    added = ok(
        call(live_server, "POST", "/v1/files/addTags", {"fileIds": ids, "tags": ["n", "old"]})
    )
    assert added == {"successfullyUpdatedFileIds": ids}
    assert details(live_server, first)["tags"] == ["old", "n"]
    assert details(live_server, second)["tags"] == ["n", "old"]
    ok(call(live_server, "POST", "/v1/files/removeTags", {"fileIds": ids, "tags": ["old"]}))
    assert details(live_server, first)["tags"] == ["n"]
    ok(call(live_server, "POST", "/v1/files/removeTags", {"fileIds": [second], "tags": ["n"]}))
    assert details(live_server, second)["tags"] is None
    ok(call(live_server, "POST", "/v1/files/removeAITags", {"fileIds": ids, "AITags": ["car"]}))


def test_unknown_ids_change_nothing(live_server: LiveServer) -> None:
    file_id = new_image(live_server, "atomic-tags.png", tags="keep")["fileId"]
    ghost = "f" * 24
    body = {"fileIds": [file_id, ghost], "tags": ["new"]}
    error = assert_error(call(live_server, "POST", "/v1/files/addTags", body), 404)
    assert error["missingFileIds"] == [ghost]
    assert details(live_server, file_id)["tags"] == ["keep"]


@pytest.mark.parametrize(
    "body",
    [
        {"fileIds": [], "tags": ["a"]},
        {"fileIds": ["bad"], "tags": ["a"]},
        {"fileIds": ["a" * 24], "tags": []},
        {"fileIds": ["a" * 24], "tags": "a"},
        {"fileIds": [f"{index:024x}" for index in range(51)], "tags": ["a"]},
        {"fileIds": "a"},
    ],
)
def test_bad_tag_bodies_are_400(live_server: LiveServer, body: object) -> None:
    assert_error(call(live_server, "POST", "/v1/files/addTags", body), 400)


def _overwrite(server: LiveServer, name: str, colour: int, **fields: str) -> dict[str, Any]:
    return new_image(server, name, colour=colour, overwriteFile="true", **fields)


def test_versions_list_details_restore_delete(live_server: LiveServer) -> None:
    v1 = new_image(live_server, "versioned.png", colour=10, tags="first")
    file_id = v1["fileId"]
    v2 = _overwrite(live_server, "versioned.png", 200, tags="second")
    assert v2["fileId"] == file_id
    listed = ok(call(live_server, "GET", f"/v1/files/{file_id}/versions"))
    # The current version first, then the older ones newest first.
    assert [(item["type"], item["versionInfo"]["name"]) for item in listed] == [
        ("file", "Version 2"),
        ("file-version", "Version 1"),
    ]
    assert listed[1]["tags"] == ["first"] and listed[0]["tags"] == ["second"]
    v1_id = listed[1]["versionInfo"]["id"]
    v2_id = listed[0]["versionInfo"]["id"]
    old = ok(call(live_server, "GET", f"/v1/files/{file_id}/versions/{v1_id}"))
    assert old["type"] == "file-version" and "ik-obj-version" in old["url"]
    assert_error(call(live_server, "DELETE", f"/v1/files/{file_id}/versions/{v2_id}"), 400)

    restored = ok(call(live_server, "PUT", f"/v1/files/{file_id}/versions/{v1_id}/restore"))
    assert restored["versionInfo"] == {"id": v1_id, "name": "Version 1"}
    assert restored["tags"] == ["second"]  # attributes stay; content is version 1's
    image = requests.get(f"{live_server.url_endpoint}/versioned.png", timeout=10).content
    assert pixel(image, 1, 1)[0] == 10

    assert call(live_server, "DELETE", f"/v1/files/{file_id}/versions/{v2_id}").status_code == 204
    remaining = ok(call(live_server, "GET", f"/v1/files/{file_id}/versions"))
    assert [item["versionInfo"]["id"] for item in remaining] == [v1_id]
    assert_error(call(live_server, "GET", f"/v1/files/{file_id}/versions/{v2_id}"), 404)
    v3 = _overwrite(live_server, "versioned.png", 90)
    assert v3["versionInfo"]["id"] not in (v1_id, v2_id)
    assert v3["versionInfo"]["name"] == "Version 2"  # numbers follow the versions that exist
    v4 = _overwrite(live_server, "versioned.png", 120)
    newest_first = ok(call(live_server, "GET", f"/v1/files/{file_id}/versions"))
    assert [item["versionInfo"]["id"] for item in newest_first] == [
        v4["versionInfo"]["id"],
        v3["versionInfo"]["id"],
        v1_id,
    ]
    assert [item["type"] for item in newest_first] == ["file", "file-version", "file-version"]


def test_version_ids_are_checked(live_server: LiveServer) -> None:
    file_id = new_image(live_server, "vcheck.png")["fileId"]
    assert_error(call(live_server, "GET", f"/v1/files/{file_id}/versions/zz"), 400)
    assert_error(call(live_server, "GET", "/v1/files/zz/versions"), 400)
    assert_error(call(live_server, "GET", f"/v1/files/{'1' * 24}/versions"), 404)
    assert_error(call(live_server, "PUT", f"/v1/files/{file_id}/versions/{'1' * 24}/restore"), 404)
    assert_error(call(live_server, "DELETE", f"/v1/files/{file_id}/versions/{'1' * 24}"), 404)
