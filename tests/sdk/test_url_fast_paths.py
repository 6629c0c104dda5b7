"""The shortcuts inside ``imagekitio.url`` agree with the ``urllib``/``hmac`` code they replace."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

from hypothesis import given, settings
from hypothesis import strategies as st

from imagekitio import url as url_module
from imagekitio.url import Url

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


def reference_build_url(options: dict[str, Any]) -> str:
    """docs/reference/urls.md section 2 step by step with ``urllib``, as 4.2.0 does it (signing
    left out)."""
    path = options.get("path", "").strip("/")
    src = options.get("src", "").strip("/")
    endpoint = options["url_endpoint"].strip("/")
    transformation = Url.transformation_to_str(options.get("transformation"))
    position = options.get("transformation_position", "path")
    if not path and not src:
        return ""
    if path:
        if position == "path" and transformation:
            base = f"{endpoint}/tr:{transformation.strip('/')}/{path}"
        else:
            base = f"{endpoint}/{path}"
    else:
        base, position = src, "query"
    parts = urlparse(base)
    query = dict(parse_qsl(parts.query))
    query.update(options.get("query_parameters", {}))
    if position == "query" and transformation:
        query["tr"] = transformation
    return parts._replace(query=urlencode(query)).geturl()


endpoints = st.sampled_from(
    [
        "https://ik.example.com/demo",
        "https://ik.example.com/demo/",
        "http://127.0.0.1:8080",
        "HTTPS://Ik.Example.com/x",
        "https://user@host/x",
        "https://é.test/a",
        "https://h/a;b",
        "ik.example.com/demo",
        "https://h/a b",
    ]
)
texts = st.text(URL_CHARACTERS.replace("\x00", ""), max_size=20)


@settings(max_examples=1000, deadline=None)
@given(
    endpoint=endpoints,
    path=texts,
    src=st.one_of(st.just(""), url_texts),
    raw=texts,
    position=st.sampled_from(["path", "query"]),
    query=st.dictionaries(texts, query_values, max_size=3),
)
def test_build_url_agrees_with_the_urllib_reference(
    endpoint: str, path: str, src: str, raw: str, position: str, query: dict[str, object]
) -> None:
    options: dict[str, Any] = {
        "url_endpoint": endpoint,
        "path": path,
        "src": src,
        "transformation": [{"width": 10, "raw": raw}] if raw else [],
        "transformation_position": position,
        "query_parameters": query,
    }
    try:
        expected = reference_build_url(options)
    except ValueError:
        return  # urlparse rejects the URL (e.g. unbalanced IPv6 brackets); so does 4.x
    assert Url(Settings()).build_url(options) == expected


@dataclass
class Settings:
    private_key: str = "private_TEST_KEY"
    public_key: str = "public_TEST_KEY"
    url_endpoint: str = "https://ik.example.com/demo"
    transformation_position: str = "path"
    options: dict[str, Any] = field(default_factory=dict)
