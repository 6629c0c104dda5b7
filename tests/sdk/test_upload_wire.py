"""Which uploads go as one ``bytes`` body (4.x's) and which are streamed."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from imagekitio import ImageKit
from imagekitio.multipart import FOUR_X_BOUNDARY, MultipartBody
from imagekitio.operations import upload as upload_operation
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.sdk.multipart_parsing import parse_form

UPLOADED = {"fileId": "f1", "versionInfo": {"id": "v1", "name": "Version 1"}}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The ``ApiRequest`` bodies the client builds."""
    bodies: list[Any] = []
    build = upload_operation.upload_request

    def recording(*args: Any, **kwargs: Any) -> Any:
        request = build(*args, **kwargs)
        bodies.append(request.body)
        return request

    monkeypatch.setattr(upload_operation, "upload_request", recording)
    return bodies


def test_small_files_go_as_one_4x_body(
    ik: ImageKit, recording_server: RecordingServer, sent: list[Any], tmp_path: pathlib.Path
) -> None:
    recording_server.default_reply = Reply(200, UPLOADED)
    path = tmp_path / "small.bin"
    path.write_bytes(b"\x00\x01" * 1000)
    ik.upload_file(path, "small.bin")
    ik.upload_file(b"raw", "raw.bin")
    assert all(isinstance(body, bytes) for body in sent)
    request = recording_server.last
    assert request.headers["Content-Type"] == f"multipart/form-data; boundary={FOUR_X_BOUNDARY}"
    [file_part, name_part] = parse_form(request.headers["Content-Type"], request.body)
    assert (file_part.content, name_part.content) == (b"raw", b"raw.bin")


def test_large_files_are_streamed(
    ik: ImageKit,
    recording_server: RecordingServer,
    sent: list[Any],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(upload_operation, "INLINE_BYTES", 1024)
    recording_server.default_reply = Reply(200, UPLOADED)
    path = tmp_path / "large.bin"
    path.write_bytes(b"\xff" * 5000)
    with path.open("rb") as stream:
        ik.upload_file(stream, "large.bin")
    ik.upload_file(path, "large.bin")
    assert all(isinstance(body, MultipartBody) for body in sent)
    parts = parse_form(recording_server.last.headers["Content-Type"], recording_server.last.body)
    assert parts[0].content == b"\xff" * 5000


def test_content_holding_the_4x_delimiter_gets_another_boundary(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.default_reply = Reply(200, UPLOADED)
    content = f"\r\n--{FOUR_X_BOUNDARY}\r\n".encode()
    ik.upload_file(content, "tricky.bin")
    request = recording_server.last
    assert FOUR_X_BOUNDARY not in request.headers["Content-Type"]
    assert parse_form(request.headers["Content-Type"], request.body)[0].content == content


def test_json_bodies_are_4x_strings(ik: ImageKit, recording_server: RecordingServer) -> None:
    recording_server.default_reply = Reply(200, {"successfullyUpdatedFileIds": ["f1"]})
    ik.add_tags(["f1"], ["a"])
    assert recording_server.last.body == json.dumps({"fileIds": ["f1"], "tags": ["a"]}).encode()
    assert b'"fileIds": ["f1"], "tags"' in recording_server.last.body
