"""Metadata endpoints and ``searchQuery`` listing against a live server."""

from __future__ import annotations

from pathlib import Path

import pyvips

from tests.fixtures.live_server import LiveServer
from tests.server.inspection.exif_blocks import camera_exif, with_blob, write_jpeg
from tests.server.library.calls import call, new_image, ok
from tests.server.media import solid_image
from tests.server.uploads import assert_error, uploaded


def test_file_metadata(live_server: LiveServer) -> None:
    jpeg = solid_image(30, 20, (200, 10, 10), fmt=".jpg[Q=80]")
    file_id = uploaded(live_server, jpeg, "meta.jpg", folder="/meta", useUniqueFileName="false")[
        "fileId"
    ]
    found = ok(call(live_server, "GET", f"/v1/files/{file_id}/metadata"))
    assert (found["width"], found["height"], found["format"]) == (30, 20, "jpg")
    assert found["size"] == len(jpeg) and found["hasTransparency"] is False
    assert isinstance(found["exif"], dict) and len(found["pHash"]) == 16
    assert 70 <= found["quality"] <= 90

    url = f"{live_server.url_endpoint}/meta/meta.jpg"
    for route in ("/v1/metadata", "/v1/files/metadata"):
        assert ok(call(live_server, "GET", route, url=url))["pHash"] == found["pHash"]


def test_metadata_errors(live_server: LiveServer) -> None:
    text_id = uploaded(live_server, b"plain text", "notes.txt")["fileId"]
    assert_error(call(live_server, "GET", f"/v1/files/{text_id}/metadata"), 400)
    assert_error(call(live_server, "GET", "/v1/files/bad/metadata"), 400)
    assert_error(call(live_server, "GET", f"/v1/files/{'2' * 24}/metadata"), 404)
    assert_error(call(live_server, "GET", "/v1/metadata"), 400)
    assert_error(call(live_server, "GET", "/v1/metadata", url="ftp://x/y.jpg"), 400)
    missing = f"{live_server.url_endpoint}/meta/none.jpg"
    assert_error(call(live_server, "GET", "/v1/metadata", url=missing), 400)
    # a private address is refused by the fetch guard
    private = "http://10.0.0.1/image.jpg"
    assert_error(call(live_server, "GET", "/v1/metadata", url=private), 400)


def test_search_query_lists_matches(live_server: LiveServer) -> None:
    wanted = new_image(live_server, "findme.png", folder="/search", tags="needle")
    new_image(live_server, "other.png", folder="/search", tags="hay")
    found = ok(call(live_server, "GET", "/v1/files", searchQuery='tags IN ["needle"]'))
    assert [item["fileId"] for item in found] == [wanted["fileId"]]
    by_name = ok(call(live_server, "GET", "/v1/files", searchQuery='name = "findme.png"'))
    assert [item["fileId"] for item in by_name] == [wanted["fileId"]]
    error = assert_error(call(live_server, "GET", "/v1/files", searchQuery="name = "), 400)
    assert "searchQuery" in error["message"]
    added = ok(
        call(
            live_server,
            "POST",
            "/v1/files/addTags",
            {"fileIds": [wanted["fileId"]], "tags": ["x1"]},
        )
    )
    assert added["successfullyUpdatedFileIds"] == [wanted["fileId"]]
    tagged = ok(call(live_server, "GET", "/v1/files", searchQuery='tags IN ["x1"]'))
    assert [item["fileId"] for item in tagged] == [wanted["fileId"]]


def test_embedded_metadata_and_exif_of_a_camera_jpeg(
    live_server: LiveServer, tmp_path: Path
) -> None:
    image = pyvips.Image.black(16, 12).new_from_image([90, 90, 90]).cast("uchar")
    thumbnail = solid_image(4, 3, (1, 2, 3), fmt=".jpg")
    path = write_jpeg(with_blob(image, "exif-data", camera_exif(thumbnail)), tmp_path / "c.jpg")
    body = uploaded(
        live_server,
        path.read_bytes(),
        "camera.jpg",
        folder="/camera",
        useUniqueFileName="false",
        responseFields="embeddedMetadata,metadata",
    )
    assert body["embeddedMetadata"]["Make"] == "Canon"
    assert body["metadata"]["exif"]["image"]["Model"] == "Canon EOS 40D"
    found = ok(call(live_server, "GET", f"/v1/files/{body['fileId']}/metadata"))
    assert found["exif"]["image"]["Make"] == "Canon"
    assert found["exif"]["exif"]["ISO"] == 100
    details = ok(call(live_server, "GET", f"/v1/files/{body['fileId']}/details"))
    assert details["embeddedMetadata"]["Model"] == "Canon EOS 40D"
