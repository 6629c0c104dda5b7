"""Realistic requests get responses that match the response schemas of ImageKit's description.

One request per operation, made to succeed against things that exist (plus an error answer),
in an order where each can succeed; every response is validated with schemathesis against the
schema documented for its status code (``oneOf`` read as ``anyOf``, see
``openapi_description.load_operations_for_responses``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.compat.api_target import REQUEST_TIMEOUT, Target
from tests.compat.openapi_description import load_operations_for_responses

OPERATIONS = load_operations_for_responses()
ALL_RESPONSE_FIELDS = (
    "tags,customCoordinates,isPrivateFile,embeddedMetadata,isPublished,customMetadata"
)


@dataclass
class Session:
    """Requests against the target, remembering the ids the next requests need."""

    target: Target
    ids: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, path: str, **options: Any) -> requests.Response:
        return requests.request(
            method,
            self.target.server.base_url + path.format(**self.ids),
            headers={"Authorization": self.target.authorization},
            timeout=REQUEST_TIMEOUT,
            **options,
        )

    def upload(self) -> requests.Response:
        with self.target.images.png_path.open("rb") as handle:
            response = self.send(
                "POST",
                "/api/v1/files/upload",
                data={
                    "fileName": "r.png",
                    "folder": "/responses",
                    "useUniqueFileName": "false",
                    "responseFields": ALL_RESPONSE_FIELDS,
                },
                files={"file": ("r.png", handle)},
            )
        self.ids.setdefault("file", response.json()["fileId"])
        self.ids.setdefault("version", response.json()["versionInfo"]["id"])
        self.ids["path"] = response.json()["filePath"]
        self.ids["url"] = response.json()["url"]
        return response

    def remember(self, name: str, key: str, response: requests.Response) -> requests.Response:
        self.ids[name] = response.json()[key]
        return response


Call = Callable[[Session], requests.Response]

CALLS: list[tuple[str, Call]] = [
    ("POST /api/v1/files/upload", Session.upload),
    ("GET /v1/files", lambda s: s.send("GET", "/v1/files", params={"type": "all"})),
    ("GET /v1/files/{fileId}/details", lambda s: s.send("GET", "/v1/files/{file}/details")),
    (
        "PATCH /v1/files/{fileId}/details",
        lambda s: s.send("PATCH", "/v1/files/{file}/details", json={"tags": ["a"]}),
    ),
    ("GET /v1/files/{fileId}/versions", lambda s: s.send("GET", "/v1/files/{file}/versions")),
    (
        "GET /v1/files/{fileId}/versions/{versionId}",
        lambda s: s.send("GET", "/v1/files/{file}/versions/{version}"),
    ),
    ("GET /v1/files/{fileId}/metadata", lambda s: s.send("GET", "/v1/files/{file}/metadata")),
    (
        "GET /v1/files/metadata",
        lambda s: s.send("GET", "/v1/files/metadata", params={"url": s.ids["url"]}),
    ),
    (
        "POST /v1/files/addTags",
        lambda s: s.send(
            "POST", "/v1/files/addTags", json={"fileIds": [s.ids["file"]], "tags": ["x"]}
        ),
    ),
    (
        "POST /v1/files/removeTags",
        lambda s: s.send(
            "POST", "/v1/files/removeTags", json={"fileIds": [s.ids["file"]], "tags": ["x"]}
        ),
    ),
    (
        "POST /v1/files/removeAITags",
        lambda s: s.send(
            "POST", "/v1/files/removeAITags", json={"fileIds": [s.ids["file"]], "AITags": ["x"]}
        ),
    ),
    (
        "POST /v1/customMetadataFields",
        lambda s: s.remember(
            "field",
            "id",
            s.send(
                "POST",
                "/v1/customMetadataFields",
                json={"name": "size", "label": "Size", "schema": {"type": "Number", "maxValue": 9}},
            ),
        ),
    ),
    ("GET /v1/customMetadataFields", lambda s: s.send("GET", "/v1/customMetadataFields")),
    (
        "PATCH /v1/customMetadataFields/{id}",
        lambda s: s.send("PATCH", "/v1/customMetadataFields/{field}", json={"label": "Sizes"}),
    ),
    (
        "DELETE /v1/customMetadataFields/{id}",
        lambda s: s.send("DELETE", "/v1/customMetadataFields/{field}"),
    ),
    (
        "POST /v1/folder",
        lambda s: s.send(
            "POST", "/v1/folder", json={"folderName": "made", "parentFolderPath": "/"}
        ),
    ),
    (
        "POST /v1/bulkJobs/copyFolder",
        lambda s: s.remember(
            "job",
            "jobId",
            s.send(
                "POST",
                "/v1/bulkJobs/copyFolder",
                json={"sourceFolderPath": "/responses", "destinationPath": "/made"},
            ),
        ),
    ),
    ("GET /v1/bulkJobs/{jobId}", lambda s: finished_job(s)),
    (
        "POST /v1/bulkJobs/moveFolder",
        lambda s: s.send(
            "POST",
            "/v1/bulkJobs/moveFolder",
            json={"sourceFolderPath": "/made", "destinationPath": "/moved"},
        ),
    ),
    (
        "POST /v1/files/purge",
        lambda s: s.remember(
            "purge", "requestId", s.send("POST", "/v1/files/purge", json={"url": s.ids["url"]})
        ),
    ),
    ("GET /v1/files/purge/{requestId}", lambda s: s.send("GET", "/v1/files/purge/{purge}")),
    (
        "POST /v1/files/copy",
        lambda s: s.send(
            "POST",
            "/v1/files/copy",
            json={"sourceFilePath": s.ids["path"], "destinationPath": "/c"},
        ),
    ),
    (
        "POST /v1/files/move",
        lambda s: s.send(
            "POST", "/v1/files/move", json={"sourceFilePath": "/c/r.png", "destinationPath": "/m"}
        ),
    ),
    (
        "PUT /v1/files/rename",
        lambda s: s.send(
            "PUT",
            "/v1/files/rename",
            json={"filePath": "/m/r.png", "newFileName": "q.png", "purgeCache": True},
        ),
    ),
    ("PUT /v1/files/{fileId}/versions/{versionId}/restore", lambda s: restored_first_version(s)),
    (
        "DELETE /v1/files/{fileId}/versions/{versionId}",
        lambda s: s.send("DELETE", "/v1/files/{file}/versions/{newer}"),
    ),
    (
        "GET /v1/accounts/usage",
        lambda s: s.send(
            "GET", "/v1/accounts/usage", params={"startDate": "2026-01-01", "endDate": "2026-02-01"}
        ),
    ),
    (
        "POST /v1/files/batch/deleteByFileIds",
        lambda s: s.send(
            "POST",
            "/v1/files/batch/deleteByFileIds",
            json={"fileIds": [s.ids["file"], "0123456789abcdef01234567"]},
        ),
    ),
    ("DELETE /v1/files/{fileId}", lambda s: s.send("DELETE", "/v1/files/{file}")),
    ("DELETE /v1/folder", lambda s: s.send("DELETE", "/v1/folder", json={"folderPath": "/moved"})),
]
# The batch delete names one id that does not exist: its 404 body lists it.
EXPECTED_ERRORS = {"POST /v1/files/batch/deleteByFileIds"}
XFAIL: dict[str, str] = {}  # label -> why the server is known to differ


def restored_first_version(session: Session) -> requests.Response:
    """Uploads a second version (remembered as ``newer``), then restores the first."""
    session.ids["newer"] = session.upload().json()["versionInfo"]["id"]
    return session.send("PUT", "/v1/files/{file}/versions/{version}/restore")


def finished_job(session: Session) -> requests.Response:
    deadline = time.monotonic() + 30
    while True:
        response = session.send("GET", "/v1/bulkJobs/{job}")
        if response.json().get("status") != "Pending" or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


@pytest.fixture(scope="module")
def responses(target: Target) -> dict[str, requests.Response]:
    """Every call made once, in order (later calls rely on what earlier ones made)."""
    session = Session(target)
    return {label: call(session) for label, call in CALLS}


def test_every_described_operation_but_upload_v2_is_called() -> None:
    assert {label for label, _ in CALLS} == set(OPERATIONS) - {"POST /api/v2/files/upload"}


@pytest.mark.parametrize(
    "label",
    [
        pytest.param(
            label,
            marks=[pytest.mark.xfail(strict=True, reason=XFAIL[label])] if label in XFAIL else [],
        )
        for label, _ in CALLS
    ],
)
def test_response_matches_the_documented_schema(
    label: str, responses: dict[str, requests.Response]
) -> None:
    response = responses[label]
    assert response.status_code < 400 or label in EXPECTED_ERRORS, response.text
    if response.status_code == 204:
        # The description gives some 204s a JSON body, which no 204 can carry.
        assert "204" in OPERATIONS[label].definition.raw["responses"]
        assert response.content == b""
        return
    OPERATIONS[label].validate_response(response)
