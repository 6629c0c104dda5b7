"""Fuzz ``tr`` over HTTP against the real server: no input may produce a 5xx."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.live_server import LiveServer
from tests.server.media import two_colour_png
from tests.server.uploads import uploaded

KEYS = [
    "w", "h", "ar", "c", "cm", "fo", "x", "y", "xc", "yc", "z", "q", "f", "bg", "b", "r", "rt",
    "fl", "bl", "o", "dpr", "t", "e-grayscale", "e-contrast", "e-sharpen", "e-usm", "e-shadow",
    "e-gradient", "e-distort", "pr", "lo", "md", "cp", "n", "di", "orig", "pg", "l", "lx", "ly",
    "lfo", "i", "ie", "tg", "fs", "co", "ff", "if", "raw", "e-bgremove", "oi", "zz",
]  # fmt: skip
WORDS = [
    "auto", "true", "false", "maintain_ratio", "pad_resize", "extract", "force", "at_max",
    "center", "top_left", "face", "FF0000", "00FF0080", "red", "jpg", "png", "webp", "avif",
    "image", "text", "end", "ik_canvas", "iw_div_2", "ih_mul_0.5", "bh_sub_10", "0.5", "1.5",
    "-1", "N30", "max", "10_20", "1:1", "16-9", "@@x.png",
]  # fmt: skip
VALUES = st.one_of(
    st.integers(min_value=-5, max_value=70_000).map(str),
    st.sampled_from(WORDS),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
)
PARAM = st.builds(lambda key, value: f"{key}-{value}", st.sampled_from(KEYS), VALUES)
STEP = st.lists(PARAM, min_size=1, max_size=4).map(",".join)
CHAIN = st.one_of(
    st.lists(STEP, min_size=1, max_size=3).map(":".join),
    st.text(max_size=40),
)


@pytest.fixture(scope="module")
def source_path(live_server: LiveServer) -> str:
    body: dict[str, Any] = uploaded(
        live_server, two_colour_png(64, 48), f"{secrets.token_hex(4)}-fuzz.png", folder="/fuzz"
    )
    return str(body["filePath"])


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chain=CHAIN, query_form=st.booleans())
def test_no_chain_gives_a_server_error(
    live_server: LiveServer, source_path: str, chain: str, query_form: bool
) -> None:
    encoded = quote(chain, safe=",:-_.@")
    if query_form:
        url = f"{live_server.url_endpoint}{source_path}?tr={encoded}"
    else:
        url = f"{live_server.url_endpoint}/tr:{encoded}{source_path}"
    response = requests.get(url, timeout=30)
    assert response.status_code < 500, (chain, response.status_code, response.headers)
    if response.status_code >= 400:
        assert "ik-error" in response.headers
