"""Copy, move and rename of files, and purge, against a live server."""

from __future__ import annotations

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.eventually import eventually
from tests.server.library.calls import call, details, new_image, ok
from tests.server.media import pixel
from tests.server.uploads import assert_error


def _fetch(server: LiveServer, path: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}{path}", timeout=10)


def _versions(server: LiveServer, file_id: str) -> list[str]:
    listed = ok(call(server, "GET", f"/v1/files/{file_id}/versions"))
    return [item["versionInfo"]["name"] for item in listed]


def test_copy_file_with_and_without_versions(live_server: LiveServer) -> None:
    source = new_image(live_server, "c.png", folder="/copy-src", colour=20, tags="t")
    new_image(live_server, "c.png", folder="/copy-src", colour=40, overwriteFile="true")
    body: dict[str, object] = {"sourceFilePath": "/copy-src/c.png", "destinationPath": "/copy-dst/"}
    assert call(live_server, "POST", "/v1/files/copy", body).status_code == 204
    plain = ok(call(live_server, "GET", "/v1/files", path="/copy-dst"))
    assert [item["name"] for item in plain] == ["c.png"]
    assert plain[0]["fileId"] != source["fileId"]
    assert _versions(live_server, plain[0]["fileId"]) == ["Version 1"]
    assert pixel(_fetch(live_server, "/copy-dst/c.png").content, 0, 0)[0] == 40

    body = {**body, "destinationPath": "/copy-all", "includeFileVersions": True}
    assert call(live_server, "POST", "/v1/files/copy", body).status_code == 204
    with_history = ok(call(live_server, "GET", "/v1/files", path="/copy-all"))[0]
    assert _versions(live_server, with_history["fileId"]) == ["Version 2", "Version 1"]

    # copying again onto an existing file appends to its history
    assert call(live_server, "POST", "/v1/files/copy", body).status_code == 204
    assert len(_versions(live_server, with_history["fileId"])) == 4
    # deleting the copy leaves the source's bytes alone
    call(live_server, "DELETE", f"/v1/files/{with_history['fileId']}")
    assert pixel(_fetch(live_server, "/copy-src/c.png").content, 0, 0)[0] == 40


def test_move_file_and_conflicting_move_appends(live_server: LiveServer) -> None:
    moved = new_image(live_server, "m.png", folder="/move-a", colour=60)
    body = {"sourceFilePath": "/move-a/m.png", "destinationPath": "/move-b"}
    assert call(live_server, "POST", "/v1/files/move", body).status_code == 204
    row = details(live_server, moved["fileId"])
    assert row["filePath"] == "/move-b/m.png"
    assert _fetch(live_server, "/move-a/m.png").status_code == 404
    assert pixel(_fetch(live_server, "/move-b/m.png").content, 0, 0)[0] == 60

    other = new_image(live_server, "m.png", folder="/move-a", colour=80)
    assert call(live_server, "POST", "/v1/files/move", body).status_code == 204
    assert_error(call(live_server, "GET", f"/v1/files/{other['fileId']}/details"), 404)
    assert _versions(live_server, moved["fileId"]) == ["Version 2", "Version 1"]
    assert pixel(_fetch(live_server, "/move-b/m.png").content, 0, 0)[0] == 80


@pytest.mark.parametrize(
    ("route", "body", "status", "reason"),
    [
        ("copy", {}, 400, "MISSING_PARAMETER"),
        ("copy", {"sourceFilePath": "/x.png"}, 400, "MISSING_PARAMETER"),
        ("copy", {"sourceFilePath": 3, "destinationPath": "/"}, 400, "INVALID_PARAMETER"),
        (
            "copy",
            {"sourceFilePath": "/nope.png", "destinationPath": "/d"},
            404,
            "SOURCE_FILE_MISSING",
        ),
        (
            "move",
            {"sourceFilePath": "/nope.png", "destinationPath": "/d"},
            404,
            "SOURCE_FILE_MISSING",
        ),
        (
            "move",
            {"sourceFilePath": "/x.png", "destinationPath": "/a/../b"},
            400,
            "INVALID_FOLDER_PATH",
        ),
        (
            "copy",
            {"sourceFilePath": "/x.png", "destinationPath": "/", "includeFileVersions": "y"},
            400,
            "INVALID_PARAMETER",
        ),
    ],
)
def test_copy_and_move_errors(
    live_server: LiveServer, route: str, body: dict[str, object], status: int, reason: str
) -> None:
    error = assert_error(call(live_server, "POST", f"/v1/files/{route}", body), status)
    assert error["reason"] == reason


def test_same_folder_is_refused(live_server: LiveServer) -> None:
    new_image(live_server, "same.png", folder="/same")
    body = {"sourceFilePath": "/same/same.png", "destinationPath": "/same/"}
    for route in ("copy", "move"):
        error = assert_error(call(live_server, "POST", f"/v1/files/{route}", body), 400)
        assert error["reason"] == "SAME_SOURCE_AND_DESTINATION"


def test_rename_file(live_server: LiveServer) -> None:
    renamed = new_image(live_server, "old name.png", folder="/ren", colour=90)
    new_image(live_server, "taken.png", folder="/ren")
    body: dict[str, object] = {"filePath": "/ren/old_name.png", "newFileName": "new.png"}
    assert ok(call(live_server, "PUT", "/v1/files/rename", body)) == {}
    assert details(live_server, renamed["fileId"])["filePath"] == "/ren/new.png"
    assert _fetch(live_server, "/ren/old_name.png").status_code == 404
    assert pixel(_fetch(live_server, "/ren/new.png").content, 0, 0)[0] == 90

    body = {"filePath": "/ren/new.png", "newFileName": "newer.png", "purgeCache": True}
    answer = ok(call(live_server, "PUT", "/v1/files/rename", body))
    assert list(answer) == ["purgeRequestId"]
    status = ok(call(live_server, "GET", f"/v1/files/purge/{answer['purgeRequestId']}"))
    assert status == {"status": "Completed"}

    cases = [
        ({"filePath": "/ren/newer.png", "newFileName": "taken.png"}, 409, "FILE_ALREADY_EXISTS"),
        ({"filePath": "/ren/gone.png", "newFileName": "x.png"}, 404, "FILE_MISSING"),
        ({"filePath": "/ren/newer.png", "newFileName": "newer.png"}, 400, "SAME_OLD_AND_NEW_NAME"),
        ({"filePath": "/ren/newer.png"}, 400, "MISSING_PARAMETER"),
        ({"filePath": "/ren/newer.png", "newFileName": "a/b.png"}, 400, "INVALID_PARAMETER"),
    ]
    for bad, status_code, reason in cases:
        error = assert_error(call(live_server, "PUT", "/v1/files/rename", bad), status_code)
        assert error["reason"] == reason


def test_purge_requests(live_server: LiveServer) -> None:
    new_image(live_server, "purged.png", folder="/purge")
    url = f"{live_server.url_endpoint}/tr:w-10/purge/purged.png"
    created = call(live_server, "POST", "/v1/files/purge", {"url": url})
    request_id = ok(created, 201)["requestId"]
    assert ok(call(live_server, "GET", f"/v1/files/purge/{request_id}")) == {"status": "Completed"}
    wildcard = {"url": f"{live_server.url_endpoint}/purge/*"}
    ok(call(live_server, "POST", "/v1/files/purge", wildcard), 201)
    foreign = {"url": "https://ik.imagekit.io/someone-else/purge/purged.png"}
    assert_error(call(live_server, "POST", "/v1/files/purge", foreign), 400)
    assert_error(call(live_server, "POST", "/v1/files/purge", {}), 400)
    assert_error(call(live_server, "GET", f"/v1/files/purge/{'9' * 24}"), 400)
    assert_error(call(live_server, "GET", "/v1/files/purge/not-an-id"), 400)


def _derived_blobs(server: LiveServer, file_id: str) -> list[str]:
    folder = server.data_dir / "blobs" / "derived" / server.imagekit_id / file_id
    return sorted(path.name for path in folder.glob("*")) if folder.exists() else []


def test_purge_deletes_the_files_derived_images(live_server: LiveServer) -> None:
    file_id = new_image(live_server, "derived.png", folder="/purge-derived")["fileId"]
    resized = _fetch(live_server, "/tr:w-2/purge-derived/derived.png")
    assert resized.status_code == 200 and pixel(resized.content, 0, 0)[0] == 10
    assert eventually(lambda: _derived_blobs(live_server, file_id)) != []
    url = f"{live_server.url_endpoint}/purge-derived/derived.png"
    ok(call(live_server, "POST", "/v1/files/purge", {"url": url}), 201)
    assert _derived_blobs(live_server, file_id) == []
    again = _fetch(live_server, "/tr:w-2/purge-derived/derived.png")
    assert again.status_code == 200 and pixel(again.content, 0, 0)[0] == 10


def test_deleting_a_file_deletes_its_derived_images(live_server: LiveServer) -> None:
    file_id = new_image(live_server, "gone.png", folder="/delete-derived")["fileId"]
    assert _fetch(live_server, "/tr:w-2/delete-derived/gone.png").status_code == 200
    assert eventually(lambda: _derived_blobs(live_server, file_id)) != []
    assert call(live_server, "DELETE", f"/v1/files/{file_id}").status_code == 204
    assert _derived_blobs(live_server, file_id) == []


def test_version_limit_is_kept(live_server: LiveServer) -> None:
    full = new_image(live_server, "full.png", folder="/limit-dst")
    for colour in range(99):
        new_image(live_server, "full.png", folder="/limit-dst", colour=colour, overwriteFile="true")
    assert len(_versions(live_server, full["fileId"])) == 100
    new_image(live_server, "full.png", folder="/limit-src")
    body = {"sourceFilePath": "/limit-src/full.png", "destinationPath": "/limit-dst"}
    for route in ("copy", "move"):
        error = assert_error(call(live_server, "POST", f"/v1/files/{route}", body), 400)
        assert error["reason"] == "VERSION_LIMIT_EXCEEDED"
    assert len(_versions(live_server, full["fileId"])) == 100
    assert _fetch(live_server, "/limit-src/full.png").status_code == 200
