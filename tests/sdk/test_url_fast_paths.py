"""The shortcuts inside ``imagekitio.url`` agree with the ``urllib``/``hmac`` code they replace."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode, urlparse

from hypothesis import given, settings
from hypothesis import strategies as st

from imagekitio import url as url_module

URL_CHARACTERS = "aZ09-._~:/?#[]@!$&'()*+,;=% \t\né中\x00\x01"
url_texts = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "//", "", "https:"]),
        st.text("abc09.-_:[]@é", max_size=12),
        st.text(URL_CHARACTERS, max_size=30),
    ),
)
query_values = st.one_of(
    st.text(URL_CHARACTERS, max_size=12),
    st.text(max_size=8),
    st.integers(),
    st.booleans(),
    st.none(),
    st.binary(max_size=6),
    st.floats(allow_nan=False),
)


@settings(max_examples=1000, deadline=None)
@given(url=url_texts)
def test_split_url_agrees_with_urlparse(url: str) -> None:
    try:
        parts = urlparse(url)
    except ValueError:
        return  # e.g. an unbalanced IPv6 bracket; 4.x raises the same error
    prefix, query, fragment = url_module._split_url(url)
    assert (query, fragment) == (parts.query, parts.fragment)
    assert prefix == parts._replace(query="", fragment="").geturl()


@settings(max_examples=1000, deadline=None)
@given(query=st.text(URL_CHARACTERS, max_size=40))
def test_parse_query_agrees_with_parse_qsl(query: str) -> None:
    assert url_module._parse_query(query) == dict(parse_qsl(query))
    assert list(url_module._parse_query(query)) == list(dict(parse_qsl(query)))


@settings(max_examples=1000, deadline=None)
@given(params=st.dictionaries(st.text(URL_CHARACTERS, max_size=6), query_values))
def test_urlencode_agrees_with_urllib(params: dict[str, object]) -> None:
    assert url_module._urlencode(params) == urlencode(params)


@settings(max_examples=300, deadline=None)
@given(key=st.text(min_size=1, max_size=100), message=st.text(max_size=200))
def test_hmac_agrees_with_hmac_module(key: str, message: str) -> None:
    expected = hmac.new(key.encode(), message.encode(), hashlib.sha1).hexdigest()
    assert url_module._hmac_sha1_hex(key, message) == expected
    assert url_module._hmac_sha1_hex(key, message) == expected  # cached key states


def test_snake_key_matches_4x_camel_to_snake() -> None:
    cases = {
        "urlEndpoint": "url_endpoint",
        "expireSeconds": "expire_seconds",
        "AITags": "ai_tags",
        "GPSVersionID": "gps_version_id",
        "myName_": "my_name_",
        "_abc": "_abc",
        "path": "path",
    }
    for camel, snake in cases.items():
        assert url_module._snake_key(camel) == snake
