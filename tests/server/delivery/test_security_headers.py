"""Delivery responses cannot act as pages of the API's origin (issue 11: an uploaded SVG with
a script was served as ``image/svg+xml`` from the origin of the API and ``/docs``)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import uploaded

TIMEOUT = 30
SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>fetch('/v1/files').then(r => r.text()).then(alert)</script></svg>"
)
SCRIPTED_HTML = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"


@pytest.fixture(scope="module")
def files(live_server: LiveServer) -> dict[str, dict[str, Any]]:
    tag = secrets.token_hex(3)
    return {
        "svg": uploaded(live_server, SCRIPTED_SVG, f"{tag}.svg", folder="/sec"),
        "html": uploaded(live_server, SCRIPTED_HTML, f"{tag}.html", folder="/sec"),
        "pdf": uploaded(live_server, b"%PDF-1.4\n%%EOF\n", f"{tag}.pdf", folder="/sec"),
        "png": uploaded(live_server, solid_image(8, 8, (0, 128, 0)), f"{tag}.png", folder="/sec"),
    }


def _get(server: LiveServer, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}{path}", headers=headers, timeout=TIMEOUT)


def _assert_common(response: requests.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_a_scripted_svg_is_served_sandboxed(
    live_server: LiveServer, files: dict[str, dict[str, Any]]
) -> None:
    path = files["svg"]["filePath"]
    for response in (
        _get(live_server, path),
        requests.head(f"{live_server.url_endpoint}{path}", timeout=TIMEOUT),
        _get(live_server, path, Range="bytes=0-9"),
    ):
        assert response.status_code in {200, 206}
        assert response.headers["content-type"] == "image/svg+xml"
        assert response.headers["content-security-policy"] == SANDBOX
        _assert_common(response)
    etag = _get(live_server, path).headers["etag"]
    not_modified = _get(live_server, path, **{"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.headers["x-content-type-options"] == "nosniff"


def test_html_is_sandboxed_and_downloaded(
    live_server: LiveServer, files: dict[str, dict[str, Any]]
) -> None:
    path = files["html"]["filePath"]
    response = _get(live_server, path)
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == SANDBOX
    assert response.headers["content-disposition"] == "attachment"
    named = _get(live_server, f"{path}?ik-attachment=true")
    assert named.headers["content-disposition"].startswith('attachment; filename="')
    assert named.headers["content-security-policy"] == SANDBOX


def test_pdf_is_not_sandboxed_so_browsers_still_show_it(
    live_server: LiveServer, files: dict[str, dict[str, Any]]
) -> None:
    response = _get(live_server, files["pdf"]["filePath"])
    assert response.headers["content-type"] == "application/pdf"
    assert "content-security-policy" not in response.headers
    _assert_common(response)


def test_variants_send_the_same_headers_on_a_miss_and_a_hit(
    live_server: LiveServer, files: dict[str, dict[str, Any]]
) -> None:
    url = f"/tr:w-4,h-4,bl-1:rt-90{files['png']['filePath']}"
    miss, hit = _get(live_server, url), _get(live_server, url)
    assert miss.status_code == hit.status_code == 200
    assert "age" in hit.headers  # really a cache hit
    for response in (miss, hit):
        assert response.headers["content-security-policy"] == SANDBOX
        _assert_common(response)
    assert {
        k: v for k, v in miss.headers.items() if k.lower() not in {"age", "date", "x-request-id"}
    } == {k: v for k, v in hit.headers.items() if k.lower() not in {"age", "date", "x-request-id"}}


@pytest.mark.parametrize("path", ["/sec/missing.png", "/tr:w-zz/sec/missing.png"])
def test_errors_are_not_sniffed_either(live_server: LiveServer, path: str) -> None:
    response = _get(live_server, path)
    assert response.status_code in {400, 404}
    assert response.headers["content-security-policy"] == SANDBOX
    _assert_common(response)
