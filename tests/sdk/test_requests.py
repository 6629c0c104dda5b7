"""Each method sends the HTTP request docs/reference/api.md describes (method, path, query,
headers, body)."""

from __future__ import annotations

import pytest
import requests.adapters

from imagekitio import ImageKit
from tests.fixtures.recording_server import RecordedRequest, RecordingServer, Reply
from tests.sdk.conftest import BASIC_AUTH
from tests.sdk.method_cases import CASES, NO_BODY, MethodCase
from tests.sdk.multipart_parsing import form_fields


def assert_request_matches(case: MethodCase, request: RecordedRequest) -> None:
    assert request.method == case.method
    assert request.path == case.path
    assert request.query == case.query
    assert request.headers["Authorization"] == BASIC_AUTH
    assert request.headers["Accept-Encoding"] == "gzip, deflate"
    if case.upload:
        fields = form_fields(request.headers["Content-Type"], request.body)
        assert fields == {"file": "https://example.com/a.jpg", "fileName": "a.jpg"}
    elif case.body is NO_BODY:
        assert request.body == b""
        assert (request.headers.get("Content-Type") == "application/json") is case.json_content_type
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert request.json() == case.body


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_method_sends_the_documented_request(
    case: MethodCase, ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(case.success, case.reply, {"x-ik-requestId": "req-1"}))

    result = case.call(ik)

    assert len(recording_server.requests) == 1
    assert_request_matches(case, recording_server.last)
    metadata = result.response_metadata
    assert metadata.http_status_code == case.success
    assert metadata.headers["X-IK-REQUESTID"] == "req-1"
    assert metadata.raw == (None if case.success == 204 else case.reply)


def test_json_bodies_use_the_4x_json_dumps_format(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(200, {"successfullyUpdatedFileIds": []}))

    ik.add_tags(["f1"], ["é"])

    assert recording_server.last.body == b'{"fileIds": ["f1"], "tags": ["\\u00e9"]}'


def test_options_none_sends_an_empty_json_body(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(204))

    ik.copy_file(None)

    assert recording_server.last.body == b""
    assert recording_server.last.headers["Content-Type"] == "application/json"


def test_list_files_without_options_sends_no_query(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(200, []))

    result = ik.list_files()

    assert recording_server.last.target == "/v1/files"
    assert result.list == []


def test_list_files_sends_include_folder_as_python_bool_text(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    from imagekitio.models.ListAndSearchFileRequestOptions import (
        ListAndSearchFileRequestOptions,
    )

    options = ListAndSearchFileRequestOptions(tags="a,b")
    options.include_folder = True  # type: ignore[attr-defined]
    recording_server.reply(Reply(200, []))

    ik.list_files(options)

    assert recording_server.last.query == [("tags", "a,b"), ("includeFolder", "True")]
    assert options.tags == "a,b"


def test_update_with_publish_sends_only_publish(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    from imagekitio.models.UpdateFileRequestOptions import UpdateFileRequestOptions

    recording_server.reply(Reply(200, {"fileId": "f1"}))

    ik.update_file_details(
        "f1", UpdateFileRequestOptions(publish={"isPublished": False, "includeFileVersions": True})
    )

    assert recording_server.last.json() == {
        "publish": {"isPublished": False, "includeFileVersions": True}
    }


def test_ids_are_escaped_into_one_path_segment(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(200, {"fileId": "a/b"}))

    ik.get_file_details("a/b?c")

    assert recording_server.last.target == "/v1/files/a%2Fb%3Fc/details"


def test_connections_are_reused_by_the_session(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(200, []), Reply(200, []))

    ik.list_files()
    session = ik.ik_request.transport.session
    ik.list_files()

    assert ik.ik_request.transport.session is session
    assert len(recording_server.requests) == 2


def test_list_files_with_an_empty_tag_list_sends_no_tags(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    from imagekitio.models.ListAndSearchFileRequestOptions import (
        ListAndSearchFileRequestOptions,
    )

    recording_server.reply(Reply(200, []))

    ik.list_files(ListAndSearchFileRequestOptions(type="file", tags=[]))

    assert recording_server.last.query == [("type", "file")]


def test_an_unclosed_client_releases_its_connections_when_collected(
    recording_server: RecordingServer,
) -> None:
    import gc

    from tests.sdk.conftest import make_client

    recording_server.reply(Reply(200, []))
    client = make_client(recording_server)
    client.list_files()
    adapter = client.ik_request.transport.session.get_adapter(recording_server.base_url)
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    pools = adapter.poolmanager.pools
    assert len(pools) == 1

    del client
    gc.collect()

    assert len(pools) == 0
