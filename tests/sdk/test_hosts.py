"""Which host a request goes to: explicit argument > environment variable > ``URL`` class."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from imagekitio import ImageKit
from imagekitio.constants.url import URL
from imagekitio.request_context import API_BASE_URL_ENV, UPLOAD_BASE_URL_ENV
from tests.fixtures.recording_server import RecordingServer, Reply

UPLOADED = {"fileId": "f1", "AITags": [], "versionInfo": {"id": "v1"}}


@pytest.fixture
def other_server() -> Iterator[RecordingServer]:
    server = RecordingServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_host_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(API_BASE_URL_ENV, raising=False)
    monkeypatch.delenv(UPLOAD_BASE_URL_ENV, raising=False)


def client(**settings: Any) -> ImageKit:
    return ImageKit(
        "public_x", "private_x", "https://ik.imagekit.io/demo", max_retries=0, **settings
    )


def test_default_hosts_are_imagekit_io() -> None:
    ctx = client().ik_request.context

    assert ctx.api_url("/v1/files") == "https://api.imagekit.io/v1/files"
    assert ctx.upload_url("/api/v1/files/upload") == (
        "https://upload.imagekit.io/api/v1/files/upload"
    )


def test_url_class_attributes_are_read_at_call_time(
    recording_server: RecordingServer,
    other_server: RecordingServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ik = client()
    monkeypatch.setattr(URL, "API_BASE_URL", recording_server.base_url)
    monkeypatch.setattr(URL, "UPLOAD_BASE_URL", other_server.base_url)
    recording_server.reply(Reply(200, []))
    other_server.reply(Reply(200, UPLOADED))

    with ik:
        ik.list_files()
        ik.upload_file("https://example.com/a.jpg", "a.jpg")

    assert [r.path for r in recording_server.requests] == ["/v1/files"]
    assert [r.path for r in other_server.requests] == ["/api/v1/files/upload"]


def test_environment_beats_url_class(
    recording_server: RecordingServer,
    other_server: RecordingServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(URL, "API_BASE_URL", other_server.base_url)
    monkeypatch.setenv(API_BASE_URL_ENV, recording_server.base_url + "/")
    recording_server.reply(Reply(200, []))

    with client() as ik:
        ik.list_files()

    assert recording_server.last.target == "/v1/files"
    assert other_server.requests == []


def test_explicit_argument_beats_environment(
    recording_server: RecordingServer,
    other_server: RecordingServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(UPLOAD_BASE_URL_ENV, other_server.base_url)
    recording_server.reply(Reply(200, UPLOADED))

    with client(upload_base_url=recording_server.base_url) as ik:
        ik.upload_file("https://example.com/a.jpg", "a.jpg")

    assert recording_server.last.path == "/api/v1/files/upload"
    assert other_server.requests == []


def test_base_url_may_carry_a_path_prefix(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(200, []))

    with client(api_base_url=recording_server.base_url + "/imagekit") as ik:
        ik.list_files()

    assert recording_server.last.path == "/imagekit/v1/files"
