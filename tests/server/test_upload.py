"""Upload over HTTP against the real server: every way to send the file, the fields, the
refusals."""

from __future__ import annotations

import base64
import secrets

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import pixel, solid_image, two_colour_png
from tests.server.uploads import api_get, assert_error, upload, uploaded

UPLOAD_KEYS = {"fileId", "name", "filePath", "url", "size", "fileType", "versionInfo", "AITags"}


def _unique(name: str) -> str:
    return f"{secrets.token_hex(4)}-{name}"


def _delivered(server: LiveServer, body: dict[str, object]) -> bytes:
    response = requests.get(str(body["url"]), timeout=10)
    assert response.status_code == 200, response.text
    return response.content


def test_binary_part_is_stored_and_described_from_its_pixels(live_server: LiveServer) -> None:
    data = two_colour_png(64, 32)
    body = uploaded(live_server, data, "pair.png", folder="/uploads/one")
    assert body.keys() >= UPLOAD_KEYS
    assert body["fileType"] == "image"
    assert (body["width"], body["height"], body["size"]) == (64, 32, len(data))
    assert body["versionInfo"] == {"id": body["fileId"], "name": "Version 1"}
    assert body["AITags"] is None
    assert body["filePath"].startswith("/uploads/one/pair_") and body["name"].endswith(".png")
    assert body["thumbnailUrl"].startswith(f"{live_server.url_endpoint}/tr:n-ik_ml_thumbnail/")
    stored = _delivered(live_server, body)
    assert pixel(stored, 2, 16)[:3] == [255, 0, 0]
    assert pixel(stored, 60, 16)[:3] == [0, 0, 255]
    # Fields not asked for in responseFields are absent.
    assert not {"tags", "customMetadata", "isPrivateFile", "metadata"} & body.keys()


def test_base64_data_uri_and_raw_text_part(live_server: LiveServer) -> None:
    data = solid_image(10, 12, (0, 255, 0))
    encoded = base64.b64encode(data).decode()
    plain = uploaded_text(live_server, encoded, "b64.png")
    uri = uploaded_text(live_server, f"data:image/png;base64,{encoded}", "uri.png")
    for body in (plain, uri):
        assert (body["width"], body["height"], body["size"]) == (10, 12, len(data))
        assert pixel(_delivered(live_server, body), 5, 5)[:3] == [0, 255, 0]
    raw = upload(live_server, data, "raw.png", as_file_part=False)  # bytes as a plain part
    assert raw.status_code == 200, raw.text
    assert raw.json()["width"] == 10


@pytest.mark.parametrize("text", ["photo.jpg", " /home/me/cat image.png\n", "C:\\pics\\a.jpg"])
def test_a_file_name_or_path_as_file_is_refused(live_server: LiveServer, text: str) -> None:
    error = assert_error(upload(live_server, text, "photo.jpg", as_file_part=False), 400)
    assert "file name or path" in error["message"]
    listed = requests.get(
        f"{live_server.base_url}/v1/files",
        params={"searchQuery": 'name = "photo.jpg"'},
        auth=live_server.auth,
        timeout=10,
    ).json()
    assert listed == []


@pytest.mark.parametrize("text", ["a,b\n1,2\n", "plain text", "v1.2 notes\nsee photo.jpg"])
def test_other_text_as_a_plain_part_is_content(live_server: LiveServer, text: str) -> None:
    # What 4.x sends for ``bytes`` of a text file: stored as the content.
    body = upload(live_server, text, _unique("table.csv"), as_file_part=False)
    assert body.status_code == 200, body.text
    assert requests.get(body.json()["url"], timeout=10).content == text.encode()


def uploaded_text(server: LiveServer, text: str, name: str) -> dict[str, object]:
    response = upload(server, text, name, as_file_part=False)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_non_image_file(live_server: LiveServer) -> None:
    body = uploaded(live_server, b"hello, world\n", "notes.txt", useUniqueFileName="false")
    assert body["fileType"] == "non-image"
    assert "width" not in body and "thumbnailUrl" not in body
    response = requests.get(body["url"], timeout=10)
    assert response.content == b"hello, world\n"
    assert response.headers["content-type"].startswith("text/plain")


def test_response_fields_tags_and_coordinates(live_server: LiveServer) -> None:
    body = uploaded(
        live_server,
        solid_image(8, 8, (1, 2, 3)),
        "tagged.png",
        tags="a, b ,a",
        customCoordinates="1,2,3,4",
        isPrivateFile="false",
        responseFields="tags,customCoordinates,isPrivateFile,isPublished,customMetadata,metadata",
    )
    assert body["tags"] == ["a", "b"]
    assert body["customCoordinates"] == "1,2,3,4"
    assert body["isPrivateFile"] is False and body["isPublished"] is True
    assert body["customMetadata"] == {}
    assert (body["metadata"]["width"], body["metadata"]["height"]) == (8, 8)


def test_file_name_is_sanitised_and_unique_suffix_optional(live_server: LiveServer) -> None:
    name = _unique("my photo (1).png")
    body = uploaded(live_server, solid_image(4, 4, (9, 9, 9)), name, useUniqueFileName="false")
    assert body["name"] == name.replace(" ", "_").replace("(", "_").replace(")", "_")
    assert body["filePath"] == "/" + body["name"]
    traversal = uploaded(
        live_server, solid_image(4, 4, (9, 9, 9)), "../../etc/passwd", useUniqueFileName="false"
    )
    assert "/" not in traversal["name"] and traversal["filePath"] == "/" + traversal["name"]


@pytest.mark.parametrize("folder", ["../up", "a/../../b", "/a/./b"])
def test_folder_traversal_is_refused(live_server: LiveServer, folder: str) -> None:
    response = upload(live_server, solid_image(4, 4, (0, 0, 0)), "x.png", folder=folder)
    assert_error(response, 400)


def test_overwrite_makes_a_new_version_and_flags_decide_what_stays(
    live_server: LiveServer,
) -> None:
    name = _unique("versioned.png")
    first = uploaded(
        live_server,
        solid_image(5, 5, (255, 0, 0)),
        name,
        useUniqueFileName="false",
        tags="keep-me",
        customCoordinates="0,0,1,1",
    )
    second = uploaded(
        live_server,
        solid_image(7, 3, (0, 0, 255)),
        name,
        useUniqueFileName="false",
        overwriteTags="false",
        responseFields="tags,customCoordinates",
    )
    assert second["fileId"] == first["fileId"]
    assert second["versionInfo"]["name"] == "Version 2"
    assert second["versionInfo"]["id"] != first["fileId"]
    assert second["tags"] == ["keep-me"]  # overwriteTags=false keeps them
    assert second["customCoordinates"] is None  # not sent → removed
    assert (second["width"], second["height"]) == (7, 3)
    assert pixel(_delivered(live_server, second), 1, 1)[:3] == [0, 0, 255]
    old = requests.get(f"{second['url']}?ik-obj-version={first['fileId']}", timeout=10)
    assert pixel(old.content, 1, 1)[:3] == [255, 0, 0]


def test_overwrite_refused_when_both_flags_are_false(live_server: LiveServer) -> None:
    name = _unique("fixed.png")
    uploaded(live_server, solid_image(5, 5, (1, 1, 1)), name, useUniqueFileName="false")
    response = upload(
        live_server,
        solid_image(5, 5, (2, 2, 2)),
        name,
        useUniqueFileName="false",
        overwriteFile="false",
    )
    body = assert_error(response, 400)
    assert "overwriteFile" in body["message"] and "useUniqueFileName" in body["message"]


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"tags": "a%b"}, "%"),
        ({"customMetadata": "{not json"}, "customMetadata"),
        ({"customMetadata": "[1, 2]"}, "customMetadata"),
        ({"extensions": '[{"name": "google-auto-tagging"}]'}, "google-auto-tagging"),
        ({"transformation": '{"pre": "w-abc"}'}, "w-abc"),
        ({"transformation": '{"post": [{"type": "abs"}]}'}, "abs"),
        ({"useUniqueFileName": "maybe"}, "useUniqueFileName"),
        ({"responseFields": "tags,bogus"}, "bogus"),
        ({"customCoordinates": "1,2,3"}, "customCoordinates"),
        ({"customMetadata": '{"unknownField": 1}'}, "custom metadata"),
    ],
)
def test_bad_fields_are_400(live_server: LiveServer, fields: dict[str, str], fragment: str) -> None:
    response = upload(live_server, solid_image(4, 4, (0, 0, 0)), "bad.png", **fields)
    body = assert_error(response, 400)
    assert fragment.lower() in (body["message"] + str(body.get("errors"))).lower()


def test_missing_file_and_file_name(live_server: LiveServer) -> None:
    no_file = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        files={"fileName": (None, "x.png")},
        auth=live_server.auth,
        timeout=10,
    )
    assert "file" in assert_error(no_file, 400)["message"]
    no_name = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        files={"file": ("x.png", b"abc")},
        auth=live_server.auth,
        timeout=10,
    )
    assert "fileName" in assert_error(no_name, 400)["message"]
    not_multipart = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        json={"file": "x"},
        auth=live_server.auth,
        timeout=10,
    )
    assert_error(not_multipart, 400)


def test_corrupt_image_is_400_and_nothing_is_stored(live_server: LiveServer) -> None:
    good = solid_image(50, 50, (10, 20, 30))
    name = _unique("broken.png")
    response = upload(live_server, good[: len(good) // 2], name, useUniqueFileName="false")
    assert_error(response, 400)
    listed = api_get(live_server, "/v1/files", name=name).json()
    assert listed == []


def test_private_and_unpublished_flags(live_server: LiveServer) -> None:
    private = uploaded(
        live_server,
        solid_image(4, 4, (0, 0, 0)),
        "secret.png",
        isPrivateFile="true",
        responseFields="isPrivateFile",
    )
    assert private["isPrivateFile"] is True
    assert requests.get(private["url"], timeout=10).status_code == 401
    draft = uploaded(live_server, solid_image(4, 4, (0, 0, 0)), "draft.png", isPublished="false")
    assert requests.get(draft["url"], timeout=10).status_code == 404


def test_upload_checks_run_on_the_probed_file(live_server: LiveServer) -> None:
    image = solid_image(20, 10, (0, 0, 0))
    passing = upload(
        live_server,
        image,
        "checked.png",
        checks='"file.size" < "1mb" AND "mediaMetadata.width" = 20',
    )
    assert passing.status_code == 200, passing.text
    name = _unique("refused.png")
    failing = upload(
        live_server, image, name, useUniqueFileName="false", checks='"mediaMetadata.width" > 100'
    )
    assert "checks" in assert_error(failing, 400)["message"]
    assert api_get(live_server, "/v1/files", name=name).json() == []
    syntax = upload(live_server, image, "syntax.png", checks='"file.size" <')
    assert "syntax" in assert_error(syntax, 400)["message"].lower()


def test_pre_transformation_stores_the_transformed_image(live_server: LiveServer) -> None:
    body = uploaded(
        live_server, two_colour_png(400, 200), "pre.png", transformation='{"pre": "w-100"}'
    )
    assert (body["width"], body["height"]) == (100, 50)
    stored = _delivered(live_server, body)
    assert pixel(stored, 5, 25)[0] > 200 and pixel(stored, 5, 25)[2] < 60
    assert pixel(stored, 95, 25)[2] > 200 and pixel(stored, 95, 25)[0] < 60
    not_an_image = upload(live_server, b"plain", "p.txt", transformation='{"pre": "w-10"}')
    assert_error(not_an_image, 400)


def test_the_4x_sdk_wire_format(live_server: LiveServer) -> None:
    """The official 4.x SDK's constant boundary (itself starting with two dashes), the file as
    a plain part without a filename, booleans as text."""
    boundary = "--randomBoundary---------------------"
    image = solid_image(9, 4, (0, 0, 255))
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n'.encode(),
            image,
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\n'
            "wire.png\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="useUniqueFileName"\r\n\r\n'
            "false\r\n".encode(),
            f"--{boundary}--\r\n".encode(),
        ]
    )
    response = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        auth=live_server.auth,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "wire.png"
    assert pixel(_delivered(live_server, response.json()), 4, 2)[:3] == [0, 0, 255]
