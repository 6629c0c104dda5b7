"""Delivery of originals by the real server: headers, conditional and range requests, signed
URLs for private files, versions, attachments and errors."""

from __future__ import annotations

import secrets
import time

import pytest
import requests

from imagekitio import ImageKit
from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, pixel, two_colour_png
from tests.server.uploads import uploaded

DATA = two_colour_png(40, 20)


@pytest.fixture(scope="module")
def stored(live_server: LiveServer) -> dict[str, str]:
    name = f"{secrets.token_hex(4)}-photo.png"
    body = uploaded(live_server, DATA, name, folder="/deliver", useUniqueFileName="false")
    return body


def _client(server: LiveServer) -> ImageKit:
    return ImageKit(
        public_key=server.public_key,
        private_key=server.private_key,
        url_endpoint=server.url_endpoint,
    )


def test_get_and_head_send_the_bytes_and_caching_headers(
    live_server: LiveServer, stored: dict[str, str]
) -> None:
    response = requests.get(stored["url"], timeout=10)
    assert response.status_code == 200
    assert response.content == DATA
    assert pixel(response.content, 1, 1)[:3] == [255, 0, 0]
    headers = response.headers
    assert headers["content-type"] == "image/png"
    assert headers["content-length"] == str(len(DATA))
    assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT")
    assert "max-age=15552000" in headers["cache-control"]
    assert headers["accept-ranges"] == "bytes"
    head = requests.head(stored["url"], timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(DATA))
    assert head.headers["etag"] == headers["etag"]


def test_conditional_requests(stored: dict[str, str]) -> None:
    first = requests.get(stored["url"], timeout=10)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    not_modified = requests.get(stored["url"], headers={"If-None-Match": etag}, timeout=10)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    changed = requests.get(stored["url"], headers={"If-None-Match": '"other"'}, timeout=10)
    assert changed.status_code == 200
    since = requests.get(stored["url"], headers={"If-Modified-Since": modified}, timeout=10)
    assert since.status_code == 304


def test_single_byte_ranges(stored: dict[str, str]) -> None:
    part = requests.get(stored["url"], headers={"Range": "bytes=0-9"}, timeout=10)
    assert part.status_code == 206
    assert part.content == DATA[:10]
    assert part.headers["content-range"] == f"bytes 0-9/{len(DATA)}"
    suffix = requests.get(stored["url"], headers={"Range": "bytes=-5"}, timeout=10)
    assert suffix.status_code == 206 and suffix.content == DATA[-5:]
    open_end = requests.get(stored["url"], headers={"Range": "bytes=10-"}, timeout=10)
    assert open_end.content == DATA[10:]
    beyond = requests.get(stored["url"], headers={"Range": f"bytes={len(DATA)}-"}, timeout=10)
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(DATA)}"
    several = requests.get(stored["url"], headers={"Range": "bytes=0-1,4-5"}, timeout=10)
    assert several.status_code == 200 and several.content == DATA


def test_attachment_and_ignored_query_parameters(stored: dict[str, str]) -> None:
    response = requests.get(f"{stored['url']}?ik-attachment=true&v=2", timeout=10)
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and stored["name"] in disposition
    assert "content-disposition" not in requests.get(stored["url"], timeout=10).headers


def test_missing_file_unknown_account_and_transformed_urls(
    live_server: LiveServer, stored: dict[str, str]
) -> None:
    missing = requests.get(f"{live_server.url_endpoint}/deliver/nope.png", timeout=10)
    assert missing.status_code == 404
    assert missing.text == "Not Found"
    assert missing.headers["ik-error"].startswith("ENOENT")
    assert requests.get(f"{live_server.base_url}/nobody/a.png", timeout=10).status_code == 404
    # A transformation never falls back to the original bytes.
    path_form = stored["url"].replace("/deliver/", "/tr:w-10/deliver/")
    for url in (path_form, f"{stored['url']}?tr=w-10"):
        transformed = requests.get(url, timeout=30)
        assert transformed.content != DATA
        if transformed.status_code == 200:
            assert decode(transformed.content).width == 10
        else:
            assert transformed.status_code == 400 and "ik-error" in transformed.headers
    posted = requests.post(stored["url"], timeout=10)
    assert posted.status_code == 405


def test_private_file_needs_a_valid_signature(live_server: LiveServer) -> None:
    name = f"{secrets.token_hex(4)}-private.png"
    body = uploaded(live_server, DATA, name, isPrivateFile="true", useUniqueFileName="false")
    assert requests.get(body["url"], timeout=10).status_code == 401
    client = _client(live_server)
    signed = client.url({"path": body["filePath"], "signed": True, "expire_seconds": 300})
    response = requests.get(signed, timeout=10)
    assert response.status_code == 200, response.headers
    assert response.content == DATA
    tampered = signed.replace("ik-s=", "ik-s=0")
    assert requests.get(tampered, timeout=10).status_code == 401
    expired = client.url({"path": body["filePath"], "signed": True, "expire_seconds": -100})
    assert requests.get(expired, timeout=10).status_code == 401
    other_key = ImageKit(
        public_key="p", private_key="private_wrong", url_endpoint=live_server.url_endpoint
    ).url({"path": body["filePath"], "signed": True})
    assert requests.get(other_key, timeout=10).status_code == 401


def test_signed_url_of_a_public_file_is_still_checked(
    live_server: LiveServer, stored: dict[str, str]
) -> None:
    client = _client(live_server)
    signed = client.url({"path": stored["filePath"], "signed": True})
    assert requests.get(signed, timeout=10).status_code == 200
    assert requests.get(signed + "&extra=1", timeout=10).status_code == 401


def test_old_versions_by_ik_obj_version(live_server: LiveServer) -> None:
    name = f"{secrets.token_hex(4)}-v.png"
    first = uploaded(live_server, two_colour_png(10, 10), name, useUniqueFileName="false")
    time.sleep(0.01)
    second = uploaded(live_server, two_colour_png(12, 6), name, useUniqueFileName="false")
    current = requests.get(second["url"], timeout=10)
    old = requests.get(f"{second['url']}?ik-obj-version={first['versionInfo']['id']}", timeout=10)
    assert current.status_code == old.status_code == 200
    assert current.headers["etag"] != old.headers["etag"]
    unknown = requests.get(f"{second['url']}?ik-obj-version={'0' * 24}", timeout=10)
    assert unknown.status_code == 404
