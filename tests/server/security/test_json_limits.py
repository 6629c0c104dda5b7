"""Hostile JSON (issue 11, item 5): 100,000 nested brackets, deep but balanced nesting, huge
bodies, integers beyond 64 bits and infinities, on every JSON endpoint and in every JSON upload
field, are a 400 in ImageKit's shape, never a 500 with a plain-text body."""

from __future__ import annotations

import time

import pytest
import requests

from imagekit_server.bounded_json import MAX_JSON_BYTES, MAX_JSON_DEPTH
from tests.fixtures.live_server import LiveServer
from tests.server.security.answers import api, assert_client_error, assert_healthy

SOME_ID = "a" * 24
JSON_ROUTES = [
    ("POST", "/v1/files/addTags"),
    ("POST", "/v1/files/removeTags"),
    ("POST", "/v1/files/removeAITags"),
    ("POST", "/v1/files/copy"),
    ("POST", "/v1/files/move"),
    ("PUT", "/v1/files/rename"),
    ("POST", "/v1/files/batch/deleteByFileIds"),
    ("PATCH", f"/v1/files/{SOME_ID}/details"),
    ("POST", "/v1/folder"),
    ("DELETE", "/v1/folder"),
    ("POST", "/v1/bulkJobs/copyFolder"),
    ("POST", "/v1/bulkJobs/moveFolder"),
    ("POST", "/v1/bulkJobs/renameFolder"),
    ("POST", "/v1/files/purge"),
    ("POST", "/v1/customMetadataFields"),
    ("PATCH", f"/v1/customMetadataFields/{SOME_ID}"),
    ("POST", "/v1/x/named-transformations"),
    ("PUT", "/v1/x/named-transformations/thumb"),
    ("POST", "/v1/named-transformations"),
    ("PATCH", f"/v1/named-transformations/{SOME_ID}"),
    ("POST", "/v1/saved-extensions"),
    ("PATCH", f"/v1/saved-extensions/{SOME_ID}"),
    ("POST", "/v1/accounts/origins"),
    ("PUT", f"/v1/accounts/origins/{SOME_ID}"),
    ("POST", "/v1/accounts/url-endpoints"),
    ("PUT", f"/v1/accounts/url-endpoints/{SOME_ID}"),
]
HOSTILE_BODIES = {
    "unbalanced": b"[" * 100_000,
    "balanced": b"[" * 5_000 + b"]" * 5_000,
    "objects": b'{"a":' * 1_000 + b"1" + b"}" * 1_000,
    "just too deep": b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),
    "huge integer": b'{"fileIds": [' + b"9" * 30 + b"]}",
    "infinity": b'{"limit": 1e999}',
    "NaN": b'{"limit": NaN}',
    "too large": b'{"x": "' + b"a" * MAX_JSON_BYTES + b'"}',
}


@pytest.mark.parametrize(("method", "route"), JSON_ROUTES)
def test_nested_brackets_are_400_on_every_json_endpoint(
    live_server: LiveServer, method: str, route: str
) -> None:
    started = time.monotonic()
    response = api(
        live_server,
        method,
        route,
        data=HOSTILE_BODIES["unbalanced"],
        headers={"content-type": "application/json"},
    )
    body = assert_client_error(response)
    assert "nested too deeply" in body["message"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_hostile_bodies_are_400(live_server: LiveServer, kind: str) -> None:
    response = api(
        live_server,
        "POST",
        "/v1/files/addTags",
        data=HOSTILE_BODIES[kind],
        headers={"content-type": "application/json"},
    )
    assert_client_error(response)
    assert_healthy(live_server)


def test_nesting_within_the_limit_still_works(live_server: LiveServer) -> None:
    # A real body of ordinary depth goes through to the endpoint's own checks (a 404 here).
    response = api(
        live_server, "POST", "/v1/files/addTags", json={"fileIds": [SOME_ID], "tags": ["a"]}
    )
    assert_client_error(response, 404)


def test_a_50_mb_folder_name_is_refused_without_reading_it_all(live_server: LiveServer) -> None:
    body = b'{"folderName": "' + b"a" * (50 * 1024 * 1024) + b'", "parentFolderPath": "/"}'
    started = time.monotonic()
    try:
        response = api(
            live_server,
            "POST",
            "/v1/folder",
            data=body,
            headers={"content-type": "application/json"},
        )
    except requests.ConnectionError:
        pytest.fail("the server closed the connection instead of answering")
    assert "too large" in assert_client_error(response)["message"]
    assert time.monotonic() - started < 20
    assert_healthy(live_server)


@pytest.mark.parametrize("field", ["customMetadata", "extensions", "transformation", "tags"])
@pytest.mark.parametrize("value", ["[" * 100_000, "[" * 2_000 + "]" * 2_000])
def test_deeply_nested_upload_fields_are_400(
    live_server: LiveServer, field: str, value: str
) -> None:
    response = api(
        live_server,
        "POST",
        "/api/v1/files/upload",
        files={"file": ("a.txt", b"hello"), "fileName": (None, "a.txt"), field: (None, value)},
    )
    body = assert_client_error(response)
    assert field in body["message"] and "nested too deeply" in body["message"]
    assert_healthy(live_server)


@pytest.mark.parametrize(
    "value", ['{"n": 99999999999999999999999}', '{"n": 1e999}', '{"n": -Infinity}']
)
def test_custom_metadata_numbers_beyond_the_database_are_400(
    live_server: LiveServer, value: str
) -> None:
    response = api(
        live_server,
        "POST",
        "/api/v1/files/upload",
        files={
            "file": ("a.txt", b"hello"),
            "fileName": (None, "a.txt"),
            "customMetadata": (None, value),
        },
    )
    assert "customMetadata" in assert_client_error(response)["message"]
