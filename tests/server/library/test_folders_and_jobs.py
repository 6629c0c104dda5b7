"""Folders and folder bulk jobs against a live server."""

from __future__ import annotations

import pytest

from tests.fixtures.live_server import LiveServer
from tests.server.library.calls import call, details, new_image, ok
from tests.server.library.jobs_polling import wait_for_job
from tests.server.uploads import assert_error


def _folder_paths(server: LiveServer, parent: str) -> list[str]:
    listed = ok(call(server, "GET", "/v1/files", type="folder", path=parent))
    return sorted(item["folderPath"] for item in listed)


def _file_paths(server: LiveServer, search_under: str) -> list[str]:
    listed = ok(call(server, "GET", "/v1/files", sort="ASC_NAME"))
    return sorted(item["filePath"] for item in listed if item["filePath"].startswith(search_under))


def test_create_folder_with_parents_is_idempotent(live_server: LiveServer) -> None:
    body = {"folderName": "new folder", "parentFolderPath": "/made/here"}
    assert ok(call(live_server, "POST", "/v1/folder", body), 201) == {}
    assert ok(call(live_server, "POST", "/v1/folder", body), 201) == {}
    assert _folder_paths(live_server, "/made") == ["/made/here"]
    assert _folder_paths(live_server, "/made/here") == ["/made/here/new_folder"]
    top = {"folderName": "top", "parentFolderPath": "/"}
    assert ok(call(live_server, "POST", "/v1/folder", top), 201) == {}
    assert "/top" in _folder_paths(live_server, "/")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"folderName": "a/b", "parentFolderPath": "/"}, "INVALID_PARAMETER"),
        ({"folderName": "..", "parentFolderPath": "/"}, "INVALID_FOLDER_PATH"),
        ({"parentFolderPath": "/"}, "MISSING_PARAMETER"),
        ({"folderName": "ok"}, "MISSING_PARAMETER"),
        ({"folderName": "ok", "parentFolderPath": None}, "MISSING_PARAMETER"),
        ({"folderName": "ok", "parentFolderPath": 7}, "INVALID_PARAMETER"),
        ({"folderName": 5}, "INVALID_PARAMETER"),
        ({"folderName": "ok", "parentFolderPath": "/a/../b"}, "INVALID_FOLDER_PATH"),
    ],
)
def test_create_folder_errors(
    live_server: LiveServer, body: dict[str, object], reason: str
) -> None:
    assert assert_error(call(live_server, "POST", "/v1/folder", body), 400)["reason"] == reason


def test_delete_folder_removes_everything_below(live_server: LiveServer) -> None:
    kept = new_image(live_server, "keep.png", folder="/del-sibling")
    gone = [
        new_image(live_server, "a.png", folder="/del"),
        new_image(live_server, "b.png", folder="/del/sub/deeper"),
    ]
    ok(
        call(
            live_server, "POST", "/v1/folder", {"folderName": "empty", "parentFolderPath": "/del"}
        ),
        201,
    )
    assert call(live_server, "DELETE", "/v1/folder", {"folderPath": "/del/"}).status_code == 204
    for item in gone:
        assert_error(call(live_server, "GET", f"/v1/files/{item['fileId']}/details"), 404)
    assert details(live_server, kept["fileId"])["filePath"] == "/del-sibling/keep.png"
    assert "/del" not in _folder_paths(live_server, "/")
    missing = assert_error(call(live_server, "DELETE", "/v1/folder", {"folderPath": "/del"}), 404)
    assert missing["reason"] == "FOLDER_NOT_FOUND"
    assert_error(call(live_server, "DELETE", "/v1/folder", {"folderPath": "/"}), 400)
    assert_error(call(live_server, "DELETE", "/v1/folder", raw=b""), 400)


def test_copy_folder_job(live_server: LiveServer) -> None:
    new_image(live_server, "one.png", folder="/cf/src", tags="x")
    new_image(live_server, "two.png", folder="/cf/src/inner")
    ok(
        call(
            live_server,
            "POST",
            "/v1/folder",
            {"folderName": "hollow", "parentFolderPath": "/cf/src"},
        ),
        201,
    )
    body = {
        "sourceFolderPath": "/cf/src",
        "destinationPath": "/cf/dst",
        "includeFileVersions": True,
    }
    job = ok(call(live_server, "POST", "/v1/bulkJobs/copyFolder", body))
    status = wait_for_job(live_server, job["jobId"])
    assert status == {"jobId": job["jobId"], "type": "COPY_FOLDER", "status": "Completed"}
    assert _file_paths(live_server, "/cf/") == [
        "/cf/dst/src/inner/two.png",
        "/cf/dst/src/one.png",
        "/cf/src/inner/two.png",
        "/cf/src/one.png",
    ]
    assert _folder_paths(live_server, "/cf/dst/src") == ["/cf/dst/src/hollow", "/cf/dst/src/inner"]


def test_move_and_rename_folder_jobs(live_server: LiveServer) -> None:
    first = new_image(live_server, "one.png", folder="/mf/src")
    second = new_image(live_server, "two.png", folder="/mf/src/inner")
    body = {"sourceFolderPath": "/mf/src", "destinationPath": "/mf/dst"}
    job = ok(call(live_server, "POST", "/v1/bulkJobs/moveFolder", body))
    assert wait_for_job(live_server, job["jobId"])["status"] == "Completed"
    assert details(live_server, first["fileId"])["filePath"] == "/mf/dst/src/one.png"
    assert details(live_server, second["fileId"])["filePath"] == "/mf/dst/src/inner/two.png"
    assert _folder_paths(live_server, "/mf") == ["/mf/dst"]

    rename = {"folderPath": "/mf/dst/src", "newFolderName": "renamed", "purgeCache": True}
    job = ok(call(live_server, "POST", "/v1/bulkJobs/renameFolder", rename))
    status = wait_for_job(live_server, job["jobId"])
    assert status["type"] == "RENAME_FOLDER" and status["status"] == "Completed"
    assert "purgeRequestId" in status
    assert details(live_server, second["fileId"])["filePath"] == "/mf/dst/renamed/inner/two.png"


@pytest.mark.parametrize(
    ("route", "body", "status", "reason"),
    [
        ("copyFolder", {"sourceFolderPath": "/", "destinationPath": "/x"}, 400, "SOURCE_IS_ROOT"),
        ("copyFolder", {"destinationPath": "/x"}, 400, "MISSING_PARAMETER"),
        (
            "moveFolder",
            {"sourceFolderPath": "/jobs-e", "destinationPath": "/"},
            400,
            "SAME_SOURCE_AND_DESTINATION",
        ),
        (
            "moveFolder",
            {"sourceFolderPath": "/jobs-e", "destinationPath": "/jobs-e/in"},
            400,
            "INVALID_DESTINATION_PATH",
        ),
        (
            "moveFolder",
            {"sourceFolderPath": "/nothing-here", "destinationPath": "/x"},
            404,
            "NO_FILES_FOLDER",
        ),
        (
            "copyFolder",
            {"sourceFolderPath": "/jobs-e", "destinationPath": "/x", "includeVersions": 1},
            400,
            "INVALID_PARAMETER",
        ),
        (
            "renameFolder",
            {"folderPath": "/jobs-e", "newFolderName": "a/b"},
            400,
            "INVALID_PARAMETER",
        ),
    ],
)
def test_folder_job_errors(
    live_server: LiveServer, route: str, body: dict[str, object], status: int, reason: str
) -> None:
    new_image(live_server, "e.png", folder="/jobs-e")
    error = assert_error(call(live_server, "POST", f"/v1/bulkJobs/{route}", body), status)
    assert error["reason"] == reason


def test_unknown_jobs(live_server: LiveServer) -> None:
    assert_error(call(live_server, "GET", f"/v1/bulkJobs/{'4' * 24}"), 404)
    assert_error(call(live_server, "GET", "/v1/bulkJobs/none"), 404)


def test_folder_copy_onto_same_named_files_appends_versions(live_server: LiveServer) -> None:
    new_image(live_server, "same.png", folder="/append/src", colour=11)
    existing = new_image(live_server, "same.png", folder="/append/dst/src", colour=22)
    body = {"sourceFolderPath": "/append/src", "destinationPath": "/append/dst"}
    job = ok(call(live_server, "POST", "/v1/bulkJobs/copyFolder", body))
    assert wait_for_job(live_server, job["jobId"])["status"] == "Completed"
    versions = ok(call(live_server, "GET", f"/v1/files/{existing['fileId']}/versions"))
    assert [item["versionInfo"]["name"] for item in versions] == ["Version 2", "Version 1"]
    assert _file_paths(live_server, "/append/") == [
        "/append/dst/src/same.png",
        "/append/src/same.png",
    ]
