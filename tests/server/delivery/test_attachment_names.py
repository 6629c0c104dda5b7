"""``ik-attachment-filename`` may hold any text: control characters, quotes and non-ASCII
names give a valid ``Content-Disposition`` (ASCII fallback plus RFC 8187 ``filename*``) for
originals and transformed URLs alike."""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote, unquote, urlencode

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, two_colour_png
from tests.server.uploads import uploaded

AWKWARD_NAMES = [
    'line\nbreak\r"quoted"\x01\x7f.png',
    "naïve 写真 \\ back.png",
    '"; filename="evil.exe',
]


@pytest.fixture(scope="module")
def stored(live_server: LiveServer) -> dict[str, str]:
    name = f"{secrets.token_hex(4)}-attach.png"
    return uploaded(
        live_server, two_colour_png(40, 20), name, folder="/attach", useUniqueFileName="false"
    )


def _parsed(disposition: str) -> tuple[str, str]:
    """(ASCII fallback, decoded ``filename*``) of an attachment header."""
    match = re.fullmatch(r'attachment; filename="([ -~]*)"; filename\*=UTF-8\'\'(\S*)', disposition)
    assert match is not None, disposition
    fallback, encoded = match.groups()
    assert '"' not in fallback and "\\" not in fallback
    return fallback, unquote(encoded)


@pytest.mark.parametrize("filename", AWKWARD_NAMES)
@pytest.mark.parametrize("transformation", [None, "w-10"])
def test_awkward_attachment_names(
    stored: dict[str, str], filename: str, transformation: str | None
) -> None:
    params = {"ik-attachment": "true", "ik-attachment-filename": filename}
    if transformation:
        params["tr"] = transformation
    # %20, not "+": the delivery endpoint decodes queries like paths.
    query = urlencode(params, quote_via=quote)
    response = requests.get(f"{stored['url']}?{query}", timeout=30)
    assert response.status_code == 200
    assert decode(response.content).width == (10 if transformation else 40)
    fallback, full_name = _parsed(response.headers["content-disposition"])
    assert full_name == filename
    assert len(fallback) == len(filename)


def test_attachment_defaults_to_the_file_name(stored: dict[str, str]) -> None:
    for suffix in ("", "&tr=w-10"):
        response = requests.get(f"{stored['url']}?ik-attachment=true{suffix}", timeout=30)
        assert _parsed(response.headers["content-disposition"]) == (stored["name"],) * 2
