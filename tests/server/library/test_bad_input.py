"""Every media library endpoint answers arbitrary JSON bodies and ids with a 2xx or a 4xx in
ImageKit's error shape, never a 5xx (hypothesis against a live server)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.live_server import LiveServer
from tests.server.library.calls import call

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
FIELD_NAMES = [
    "fileIds",
    "tags",
    "AITags",
    "sourceFilePath",
    "destinationPath",
    "includeFileVersions",
    "filePath",
    "newFileName",
    "purgeCache",
    "folderName",
    "parentFolderPath",
    "folderPath",
    "sourceFolderPath",
    "newFolderName",
    "url",
    "name",
    "label",
    "schema",
    "customMetadata",
    "customCoordinates",
    "removeAITags",
    "publish",
    "description",
]
bodies = json_values | st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=4)
ids = st.sampled_from(["a" * 24, "zz", "None", "0" * 25, "%20", "ABCDEF0123456789abcdef01"])

ROUTES = [
    ("POST", "/v1/files/addTags"),
    ("POST", "/v1/files/removeTags"),
    ("POST", "/v1/files/removeAITags"),
    ("POST", "/v1/files/copy"),
    ("POST", "/v1/files/move"),
    ("PUT", "/v1/files/rename"),
    ("POST", "/v1/folder"),
    ("DELETE", "/v1/folder"),
    ("POST", "/v1/bulkJobs/copyFolder"),
    ("POST", "/v1/bulkJobs/moveFolder"),
    ("POST", "/v1/bulkJobs/renameFolder"),
    ("POST", "/v1/files/purge"),
    ("POST", "/v1/customMetadataFields"),
    ("PATCH", "/v1/customMetadataFields/{id}"),
    ("PATCH", "/v1/files/{id}/details"),
]
ID_ROUTES = [
    ("GET", "/v1/files/{id}/versions"),
    ("GET", "/v1/files/{id}/versions/{id}"),
    ("DELETE", "/v1/files/{id}/versions/{id}"),
    ("PUT", "/v1/files/{id}/versions/{id}/restore"),
    ("GET", "/v1/files/{id}/metadata"),
    ("GET", "/v1/bulkJobs/{id}"),
    ("GET", "/v1/files/purge/{id}"),
    ("DELETE", "/v1/customMetadataFields/{id}"),
]


def _assert_handled(status: int, body: Any) -> None:
    assert status < 500, body
    if status >= 400:
        assert isinstance(body["message"], str) and isinstance(body["help"], str)


@pytest.mark.parametrize(("method", "route"), ROUTES)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, some_id=ids)
def test_json_bodies_never_cause_a_server_error(
    live_server: LiveServer, method: str, route: str, body: Any, some_id: str
) -> None:
    response = call(live_server, method, route.replace("{id}", some_id), body)
    _assert_handled(response.status_code, response.json() if response.content else None)


@pytest.mark.parametrize(("method", "route"), ID_ROUTES)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(some_id=ids)
def test_ids_never_cause_a_server_error(
    live_server: LiveServer, method: str, route: str, some_id: str
) -> None:
    response = call(live_server, method, route.replace("{id}", some_id))
    _assert_handled(response.status_code, response.json() if response.content else None)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=40))
def test_non_json_bodies_are_400(live_server: LiveServer, raw: bytes) -> None:
    response = call(live_server, "POST", "/v1/files/addTags", raw=raw)
    _assert_handled(response.status_code, response.json())
    assert response.status_code in (400, 404)
