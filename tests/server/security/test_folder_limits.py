"""Folder names and paths are capped wherever they enter (issue 11, item 4), on SQLite + disk and
PostgreSQL + S3 (whose path columns hold 1024 characters): one folder name at
255 characters like a file name, a folder or file path at 1024, nesting at 50 levels. A 100,000
character folder name used to be created (201) and come back in every listing."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from imagekit_server.files.naming import MAX_NAME_LENGTH, MAX_PATH_LENGTH
from tests.fixtures.live_server import LiveServer
from tests.server.security.answers import api, assert_client_error, assert_healthy
from tests.server.uploads import upload, uploaded

LONG_NAME = "n" * (MAX_NAME_LENGTH + 1)
HUGE_NAME = "h" * 100_000
# 1,025 characters in short segments: each name is fine, the path is not.
LONG_PATH = "/" + "/".join(["p" * 40] * 25)
assert len(LONG_PATH) > MAX_PATH_LENGTH


def _json(server: LiveServer, method: str, route: str, body: dict[str, Any]) -> requests.Response:
    return api(server, method, route, json=body)


@pytest.fixture(scope="module")
def source_file(live_backend_server: LiveServer) -> dict[str, str]:
    return uploaded(live_backend_server, b"some text", "limits.txt", folder="/limits-src")


@pytest.mark.parametrize(
    "body",
    [
        {"folderName": HUGE_NAME, "parentFolderPath": "/"},
        {"folderName": LONG_NAME, "parentFolderPath": "/"},
        {"folderName": "ok", "parentFolderPath": LONG_PATH},
        {"folderName": "ok", "parentFolderPath": f"/a/{LONG_NAME}"},
        {"folderName": "ok", "parentFolderPath": "/x" * 50},  # 51 levels with the new folder
    ],
)
def test_create_folder_refuses_long_names_and_paths(
    live_backend_server: LiveServer, body: dict[str, Any]
) -> None:
    response = _json(live_backend_server, "POST", "/v1/folder", body)
    assert_client_error(response)
    listing = api(live_backend_server, "GET", "/v1/files", params={"type": "folder"})
    assert listing.status_code == 200
    assert all(len(item["folderPath"]) <= MAX_PATH_LENGTH for item in listing.json())


def test_a_folder_name_of_255_characters_is_fine(live_backend_server: LiveServer) -> None:
    name = "f" * MAX_NAME_LENGTH
    response = _json(
        live_backend_server, "POST", "/v1/folder", {"folderName": name, "parentFolderPath": "/"}
    )
    assert response.status_code == 201, response.text
    listing = api(live_backend_server, "GET", "/v1/files", params={"type": "folder", "path": "/"})
    assert f"/{name}" in [item["folderPath"] for item in listing.json()]


@pytest.mark.parametrize("folder", [HUGE_NAME, f"/{LONG_NAME}", LONG_PATH])
def test_upload_folder_is_capped(live_backend_server: LiveServer, folder: str) -> None:
    response = upload(live_backend_server, b"hello", "a.txt", folder=folder)
    assert "folder" in assert_client_error(response)["message"]


def test_an_upload_whose_file_path_would_not_fit_is_400(live_backend_server: LiveServer) -> None:
    folder = "/" + "/".join(["q" * 200] * 4)  # 804 characters: a valid folder
    name = "n" * 230 + ".txt"
    response = upload(live_backend_server, b"hello", name, folder=folder, useUniqueFileName="false")
    assert "too long" in assert_client_error(response)["message"]
    fits = upload(
        live_backend_server, b"hello", "short.txt", folder=folder, useUniqueFileName="false"
    )
    assert fits.status_code == 200, fits.text


@pytest.mark.parametrize("route", ["/v1/files/copy", "/v1/files/move"])
@pytest.mark.parametrize("destination", [HUGE_NAME, LONG_PATH, f"/{LONG_NAME}"])
def test_file_copy_and_move_destinations_are_capped(
    live_backend_server: LiveServer, source_file: dict[str, str], route: str, destination: str
) -> None:
    body = {"sourceFilePath": source_file["filePath"], "destinationPath": destination}
    assert_client_error(_json(live_backend_server, "POST", route, body))


@pytest.mark.parametrize(
    ("route", "body"),
    [
        (
            "/v1/bulkJobs/copyFolder",
            {"sourceFolderPath": "/limits-src", "destinationPath": LONG_PATH},
        ),
        (
            "/v1/bulkJobs/moveFolder",
            {"sourceFolderPath": "/limits-src", "destinationPath": HUGE_NAME},
        ),
        ("/v1/bulkJobs/copyFolder", {"sourceFolderPath": LONG_PATH, "destinationPath": "/"}),
        ("/v1/bulkJobs/renameFolder", {"folderPath": "/limits-src", "newFolderName": LONG_NAME}),
        ("/v1/bulkJobs/renameFolder", {"folderPath": "/limits-src", "newFolderName": HUGE_NAME}),
        ("/v1/folder", {"folderPath": LONG_PATH}),
    ],
)
def test_bulk_jobs_and_folder_delete_are_capped(
    live_backend_server: LiveServer, source_file: dict[str, str], route: str, body: dict[str, Any]
) -> None:
    method = "DELETE" if route == "/v1/folder" else "POST"
    assert_client_error(_json(live_backend_server, method, route, body))


def test_a_folder_move_that_would_make_paths_too_long_is_refused(
    live_backend_server: LiveServer, source_file: dict[str, str]
) -> None:
    deep = "/" + "/".join(["d" * 240] * 4)  # 964 characters
    created = _json(
        live_backend_server, "POST", "/v1/folder", {"folderName": "x", "parentFolderPath": deep}
    )
    assert created.status_code == 201, created.text
    uploaded(
        live_backend_server,
        b"x",
        "m" * 60 + ".txt",
        folder="/limits-move",
        useUniqueFileName="false",
    )
    body = {"sourceFolderPath": "/limits-move", "destinationPath": deep}
    refused = _json(live_backend_server, "POST", "/v1/bulkJobs/moveFolder", body)
    assert "1024" in assert_client_error(refused)["message"]
    # Its files stay where they were.
    listing = api(live_backend_server, "GET", "/v1/files", params={"path": "/limits-move"})
    assert [item["name"] for item in listing.json()] == ["m" * 60 + ".txt"]
    # A subtree that fits is moved as before.
    uploaded(live_backend_server, b"x", "a.txt", folder="/limits-fit", useUniqueFileName="false")
    accepted = _json(
        live_backend_server,
        "POST",
        "/v1/bulkJobs/moveFolder",
        {"sourceFolderPath": "/limits-fit", "destinationPath": deep},
    )
    assert accepted.status_code == 200 and "jobId" in accepted.json(), accepted.text
    assert_healthy(live_backend_server)


def test_a_folder_copy_that_would_nest_too_deep_is_refused(live_backend_server: LiveServer) -> None:
    deep = "/" + "/".join(["l"] * 48)
    created = _json(
        live_backend_server, "POST", "/v1/folder", {"folderName": "l", "parentFolderPath": deep}
    )
    assert created.status_code == 201, created.text
    uploaded(live_backend_server, b"x", "a.txt", folder="/nest/a/b", useUniqueFileName="false")
    body = {"sourceFolderPath": "/nest", "destinationPath": deep}
    refused = _json(live_backend_server, "POST", "/v1/bulkJobs/copyFolder", body)
    assert "nested deeper than 50" in assert_client_error(refused)["message"]
    uploaded(live_backend_server, b"x", "a.txt", folder="/flat", useUniqueFileName="false")
    body = {"sourceFolderPath": "/flat", "destinationPath": deep}
    accepted = _json(live_backend_server, "POST", "/v1/bulkJobs/copyFolder", body)
    assert accepted.status_code == 200 and "jobId" in accepted.json(), accepted.text
