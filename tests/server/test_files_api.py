"""``/v1/files``: list filters, details, delete, bulk delete — against a fresh server so the
listing is exactly what the test uploaded."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import pixel, solid_image
from tests.server.uploads import api_get, assert_error, uploaded


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    server = LiveServer(tmp_path_factory.mktemp("library"), {})
    server.start()
    files = {
        "small": uploaded(
            server,
            solid_image(10, 10, (1, 1, 1)),
            "small.png",
            folder="/pics",
            tags="red,big",
            useUniqueFileName="false",
        ),
        "wide": uploaded(
            server,
            solid_image(40, 5, (2, 2, 2)),
            "wide.jpg",
            folder="/pics",
            tags="blue",
            useUniqueFileName="false",
        ),
        "notes": uploaded(server, b"text", "notes.txt", folder="/docs", useUniqueFileName="false"),
        "root": uploaded(
            server, solid_image(3, 3, (3, 3, 3)), "root.png", useUniqueFileName="false"
        ),
        "nested": uploaded(
            server,
            solid_image(3, 3, (3, 3, 3)),
            "deep.png",
            folder="/pics/deeper",
            useUniqueFileName="false",
        ),
    }
    yield server, files
    server.stop()


def _names(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item.get("name") for item in response.json()]


def test_default_list_is_every_file_oldest_first(
    library: tuple[LiveServer, dict[str, Any]],
) -> None:
    server, _ = library
    assert _names(api_get(server, "/v1/files")) == [
        "small.png",
        "wide.jpg",
        "notes.txt",
        "root.png",
        "deep.png",
    ]


def test_sort_path_type_and_file_type(library: tuple[LiveServer, dict[str, Any]]) -> None:
    server, _ = library
    sizes = [item["size"] for item in api_get(server, "/v1/files", sort="DESC_SIZE").json()]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) == 5
    by_width = _names(api_get(server, "/v1/files", sort="DESC_WIDTH", fileType="image"))
    assert by_width[:2] == ["wide.jpg", "small.png"]
    assert _names(api_get(server, "/v1/files", sort="ASC_NAME", path="/pics/")) == [
        "small.png",
        "wide.jpg",
    ]
    assert _names(api_get(server, "/v1/files", fileType="non-image")) == ["notes.txt"]
    folders = api_get(server, "/v1/files", type="folder", path="/").json()
    assert sorted(item["folderPath"] for item in folders) == ["/docs", "/pics"]
    assert all(item["type"] == "folder" for item in folders)
    everything = api_get(server, "/v1/files", type="all", path="/pics").json()
    assert [item["type"] for item in everything] == ["folder", "file", "file"]
    assert _names(api_get(server, "/v1/files", path="/pics", includeFolder="True"))[0] == "deeper"


def test_tags_name_limit_and_skip(library: tuple[LiveServer, dict[str, Any]]) -> None:
    server, _ = library
    assert _names(api_get(server, "/v1/files", tags="blue, red")) == ["small.png", "wide.jpg"]
    assert _names(api_get(server, "/v1/files", name="notes.txt")) == ["notes.txt"]
    assert _names(api_get(server, "/v1/files", limit="2", skip="1")) == ["wide.jpg", "notes.txt"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "ten"},
        {"skip": "-1"},
        {"sort": "ASC_COLOUR"},
        {"type": "everything"},
        {"fileType": "video"},
        {"searchQuery": 'name = "x'},
    ],
)
def test_bad_list_parameters_are_400(
    library: tuple[LiveServer, dict[str, Any]], params: dict[str, str]
) -> None:
    server, _ = library
    assert_error(api_get(server, "/v1/files", **params), 400)


def test_details_with_and_without_trailing_slash(
    library: tuple[LiveServer, dict[str, Any]],
) -> None:
    server, files = library
    file_id = files["small"]["fileId"]
    for path in (f"/v1/files/{file_id}/details", f"/v1/files/{file_id}/details/"):
        details = api_get(server, path).json()
        assert details["fileId"] == file_id
        assert details["type"] == "file"
        assert details["tags"] == ["red", "big"]
        assert (details["width"], details["height"], details["mime"]) == (10, 10, "image/png")
        assert details["versionInfo"] == {"id": file_id, "name": "Version 1"}
        assert details["createdAt"].endswith("Z")
    assert_error(api_get(server, "/v1/files/not-an-id/details"), 400)
    assert_error(api_get(server, f"/v1/files/{'a' * 24}/details"), 404)


def test_delete_and_bulk_delete(tmp_path_factory: pytest.TempPathFactory) -> None:
    server = LiveServer(tmp_path_factory.mktemp("deleting"), {})
    server.start()
    try:
        ids = [
            uploaded(server, solid_image(2, 2, (0, 0, 0)), f"f{i}.png")["fileId"] for i in range(4)
        ]
        url = api_get(server, f"/v1/files/{ids[0]}/details").json()["url"]
        deleted = requests.delete(
            f"{server.base_url}/v1/files/{ids[0]}", auth=server.auth, timeout=10
        )
        assert deleted.status_code == 204 and deleted.content == b""
        assert requests.get(url, timeout=10).status_code == 404
        again = requests.delete(
            f"{server.base_url}/v1/files/{ids[0]}", auth=server.auth, timeout=10
        )
        assert_error(again, 404)
        bulk_url = f"{server.base_url}/v1/files/batch/deleteByFileIds"
        missing = requests.post(
            bulk_url, json={"fileIds": [ids[1], ids[0]]}, auth=server.auth, timeout=10
        )
        assert assert_error(missing, 404)["missingFileIds"] == [ids[0]]
        assert len(api_get(server, "/v1/files").json()) == 3  # nothing deleted
        ok = requests.post(bulk_url, json={"fileIds": ids[1:3]}, auth=server.auth, timeout=10)
        assert ok.status_code == 200
        assert ok.json() == {"successfullyDeletedFileIds": ids[1:3]}
        assert [f["fileId"] for f in api_get(server, "/v1/files").json()] == [ids[3]]
        for body in ({}, {"fileIds": []}, {"fileIds": "x"}, {"fileIds": ["a" * 24] * 101}):
            assert_error(requests.post(bulk_url, json=body, auth=server.auth, timeout=10), 400)
        malformed = requests.post(bulk_url, data="{", auth=server.auth, timeout=10)
        assert_error(malformed, 400)
        assert server.cli("fsck").returncode == 0
    finally:
        server.stop()


def test_file_versions_are_listed_with_their_own_urls(live_server: LiveServer) -> None:
    name = f"{uuid.uuid4().hex[:8]}.png"
    first = uploaded(live_server, solid_image(5, 5, (255, 0, 0)), name, useUniqueFileName="false")
    uploaded(live_server, solid_image(6, 6, (0, 255, 0)), name, useUniqueFileName="false")
    versions = [
        item
        for item in api_get(live_server, "/v1/files", type="file-version", name=name).json()
        if item["fileId"] == first["fileId"]
    ]
    assert len(versions) == 1
    old = versions[0]
    assert old["type"] == "file-version"
    assert old["versionInfo"] == {"id": first["fileId"], "name": "Version 1"}
    assert (old["width"], old["height"]) == (5, 5)
    delivered = requests.get(old["url"], timeout=10)
    assert delivered.status_code == 200
    assert pixel(delivered.content, 2, 2)[:3] == [255, 0, 0]
