"""Request text never reaches a response header raw (issue 11, item 9): a delivery path with
``%00``, CR/LF, LF or DEL used to be copied into ``ik-error``, uvicorn refused the header and
closed the connection without an answer. Now every such request gets its 4xx, with the text
percent-escaped, and the server stays healthy."""

from __future__ import annotations

import socket

import pytest
import requests

from imagekit_server.header_values import MAX_ECHOED_CHARACTERS, header_text
from tests.fixtures.live_server import LiveServer
from tests.server.media import two_colour_png
from tests.server.security.answers import TIMEOUT, assert_healthy
from tests.server.uploads import uploaded

CONTROL_ESCAPES = ["%00", "%0d%0a", "%0a", "%0d", "%7f", "%1b", "%c2%85"]


@pytest.fixture(scope="module")
def stored(live_server: LiveServer) -> dict[str, str]:
    return uploaded(
        live_server, two_colour_png(40, 20), "headers.png", folder="/hdr", useUniqueFileName="false"
    )


def _paths(escape: str) -> list[str]:
    return [
        f"/demo/missing{escape}.jpg",
        f"/demo/tr:w-10/missing{escape}.jpg",
        f"/demo/hdr{escape}/headers.png?tr=w-10",
        f"/demo/tr:w-10{escape}/hdr/headers.png",
        f"/demo/hdr/headers.png?tr=w-{escape}",
        f"/demo/tr:l-image,i-no{escape}.png,l-end/hdr/headers.png",
    ]


@pytest.mark.parametrize("escape", CONTROL_ESCAPES)
def test_control_characters_in_delivery_paths_get_an_answer(
    live_server: LiveServer, stored: dict[str, str], escape: str
) -> None:
    for path in _paths(escape):
        try:
            response = requests.get(f"{live_server.base_url}{path}", timeout=TIMEOUT)
        except requests.ConnectionError:
            pytest.fail(f"no answer for {path}: the connection was closed")
        assert 400 <= response.status_code < 500, (path, response.status_code)
        ik_error = response.headers.get("ik-error", "")
        assert ik_error.isascii() and ik_error.isprintable(), ik_error
    assert_healthy(live_server)


def test_the_escaped_path_reads_back_in_ik_error(live_server: LiveServer) -> None:
    response = requests.get(f"{live_server.base_url}/demo/a%0d%0aSet-Cookie:x=1.jpg", timeout=30)
    assert response.status_code == 404
    assert "set-cookie" not in response.headers
    assert "a%0D%0ASet-Cookie:x=1.jpg" in response.headers["ik-error"]


def test_a_raw_request_line_gets_a_full_response(live_server: LiveServer) -> None:
    """The bytes on the wire, without a client library in between."""
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /demo/x%00%0a%7f.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(4096)
            assert chunk, f"connection closed after {reply!r}"
            reply += chunk
    head = reply.split(b"\r\n\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 404")
    assert all(32 <= byte < 127 or byte in b"\r\n" for byte in head)


def test_attachment_names_with_control_characters(
    live_server: LiveServer, stored: dict[str, str]
) -> None:
    url = f"{stored['url']}?ik-attachment=true&ik-attachment-filename=a%0d%0ab%00.png"
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.isascii() and disposition.isprintable()


def test_header_text_escapes_everything_outside_printable_ascii() -> None:
    assert header_text("a\r\nb\x00\x7f é") == "a%0D%0Ab%00%7F %C3%A9"
    assert header_text("\ud800") == "%ED%A0%80"  # a lone surrogate from a decoded path
    assert header_text("x" * 10_000) == "x" * MAX_ECHOED_CHARACTERS
    assert header_text("naïve\n", replacement="?") == "na?ve?"
