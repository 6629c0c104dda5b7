"""``Url`` reproduces every golden vector of ``tests/data/url_vectors.json`` (made by 4.2.0)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from imagekitio.url import Url

# A copy of tests/data/url_vectors.json (made by the official 4.2.0 package), kept in the repo
# so that the vectors always run.
VECTORS_FILE = Path(__file__).parents[1] / "data" / "url_vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text("utf-8"))
SIGNED = [vector for vector in VECTORS if "string_to_sign" in vector]


@dataclass
class Settings:
    """Stand-in for the client's request object: the five attributes ``Url`` reads."""

    private_key: str = "private_TEST_KEY"
    public_key: str = "public_TEST_KEY"
    url_endpoint: str = "https://ik.example.com/demo"
    transformation_position: str = "path"
    options: dict[str, Any] = field(default_factory=dict)


def url_for(vector: dict[str, Any]) -> Url:
    now = vector["now_unix"]
    return Url(Settings(**vector["init"]), clock=lambda: now)


def test_the_vector_file_is_complete() -> None:
    assert len(VECTORS) == 38
    assert len(SIGNED) == 11


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_generate_url_matches_4_2_0(vector: dict[str, Any]) -> None:
    assert url_for(vector).generate_url(vector["options"]) == vector["expected_url"]


@pytest.mark.parametrize("vector", SIGNED, ids=[vector["name"] for vector in SIGNED])
def test_signature_is_hmac_of_the_documented_string(vector: dict[str, Any]) -> None:
    key = vector["init"]["private_key"].encode()
    expected = hmac.new(key, vector["string_to_sign"].encode(), hashlib.sha1).hexdigest()
    assert vector["expected_url"].endswith(f"ik-s={expected}")


@pytest.mark.parametrize(
    ("endpoint", "timestamp", "signature"),
    [
        ("https://test-domain.com/test-endpoint", 100, "5e5037a31a7121cbe2964e220b4338cc6e1ba66d"),
        ("https://test-domain.com/test-endpoint/", 100, "5e5037a31a7121cbe2964e220b4338cc6e1ba66d"),
        ("https://test-domain.com/test-endpoint", 0, "41b3075c40bc84147eb71b8b49ae7fbf349d0f00"),
        (
            "https://test-domain.com/test-endpoint",
            9999999999,
            "41b3075c40bc84147eb71b8b49ae7fbf349d0f00",
        ),
    ],
)
def test_get_signature_official_vectors(endpoint: str, timestamp: int, signature: str) -> None:
    url = "https://test-domain.com/test-endpoint/tr:w-100/test-signed-url.png"
    assert Url.get_signature("private_key_test", url, endpoint, timestamp) == signature


def test_get_signature_hashes_long_keys_like_hmac() -> None:
    key = "k" * 100
    expected = hmac.new(key.encode(), b"a.jpg9999999999", hashlib.sha1).hexdigest()
    assert Url.get_signature(key, "https://e.test/x/a.jpg", "https://e.test/x", 0) == expected


def test_signature_timestamp_uses_the_clock_only_with_an_expiry() -> None:
    assert Url.get_signature_timestamp(None) == 9999999999
    assert Url.get_signature_timestamp(0) == 9999999999
    assert Url.get_signature_timestamp(300, clock=lambda: 1700000000.9) == 1700000300


def test_expiry_follows_the_clock_between_calls() -> None:
    now = [1700000000.0]
    url = Url(Settings(), clock=lambda: now[0])
    options = {"path": "/a.jpg", "signed": True, "expire_seconds": 60}
    first = url.generate_url(options)
    now[0] += 10
    second = url.generate_url(options)
    assert "ik-t=1700000060&" in first
    assert "ik-t=1700000070&" in second


@pytest.mark.parametrize("position", ["body", "", None])
def test_invalid_transformation_position_per_call(position: str | None) -> None:
    url = Url(Settings())
    with pytest.raises(ValueError) as raised:
        url.generate_url({"path": "/a.jpg", "transformation_position": position})
    assert raised.value.args == (
        {"message": "Invalid transformationPosition parameter", "help": ""},
    )


def test_invalid_transformation_position_from_settings_even_without_path() -> None:
    url = Url(Settings(transformation_position="middle"))
    with pytest.raises(ValueError):
        url.generate_url({})


def test_missing_settings_position_defaults_to_path() -> None:
    settings = Settings()
    settings.transformation_position = None  # type: ignore[assignment]
    url = Url(settings).generate_url({"path": "a.jpg", "transformation": [{"width": 5}]})
    assert url == "https://ik.example.com/demo/tr:w-5/a.jpg"


def test_none_options_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        Url(Settings()).generate_url(None)  # type: ignore[arg-type]


def test_constructor_options_have_lowest_priority() -> None:
    settings = Settings(options={"signed": True, "url_endpoint": "https://ignored.test"})
    url = Url(settings).generate_url({"path": "/a.jpg"})
    assert url.startswith("https://ik.example.com/demo/a.jpg?ik-s=")
    assert Url(settings).generate_url({"path": "/a.jpg", "signed": False}) == (
        "https://ik.example.com/demo/a.jpg"
    )


def test_ik_attachment_is_lowered_without_touching_the_callers_dict() -> None:
    query = {"ik-attachment": True, "x": "1"}
    url = Url(Settings()).generate_url({"path": "/a.jpg", "queryParameters": query})
    assert url == "https://ik.example.com/demo/a.jpg?ik-attachment=true&x=1"
    assert query == {"ik-attachment": True, "x": "1"}


def test_fragment_stays_after_the_query() -> None:
    url = Url(Settings()).generate_url(
        {"path": "/a.jpg#frag", "query_parameters": {"v": "1"}, "signed": True}
    )
    signed_text = "a.jpg?v=1#frag9999999999"
    signature = hmac.new(b"private_TEST_KEY", signed_text.encode(), hashlib.sha1).hexdigest()
    assert url == f"https://ik.example.com/demo/a.jpg?v=1&ik-s={signature}#frag"


def test_src_with_tr_gets_it_replaced_in_place() -> None:
    url = Url(Settings()).generate_url(
        {"src": "https://x.test/a.jpg?tr=w-1&v=2", "transformation": [{"height": 3}]}
    )
    assert url == "https://x.test/a.jpg?tr=h-3&v=2"


def test_resigning_a_signed_src_replaces_the_signature_in_place() -> None:
    url = Url(Settings(), clock=lambda: 1700000000)
    signed = url.generate_url({"path": "/a.jpg", "signed": True, "expire_seconds": 10})
    again = url.generate_url({"src": signed, "query_parameters": {"v": "1"}, "signed": True})
    # 4.x keeps the old ik-t/ik-s keys where they were and signs over the old values.
    assert again.startswith("https://ik.example.com/demo/a.jpg?ik-t=1700000010&ik-s=")
    assert again.split("&")[-1] == "v=1"
    assert again.split("ik-s=")[1].split("&")[0] != signed.split("ik-s=")[1]


@pytest.mark.parametrize(
    ("transformation", "expected"),
    [
        ([{"raw": "a,b", "oi": "/x/y/"}], "a,b,oi-x@@y"),
        ([{"default_image": True}], "di-true"),
        ([{"width": None}, {}], "w-None:"),
        ([{5: "x"}], "5-x"),
        ([{"progressive": "-", "trim": False}], "pr,t-false"),
        ("w-10", ""),
        (None, ""),
    ],
)
def test_transformation_to_str(transformation: Any, expected: str) -> None:
    assert Url.transformation_to_str(transformation) == expected


def test_default_image_must_be_text() -> None:
    with pytest.raises(AttributeError):
        Url.transformation_to_str([{"default_image": 5}])


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("a b/é.jpg", "a%20b/%C3%A9.jpg"),
        ("é?x=%C3&y=é", "%C3%A9?x=%C3&y=é"),
        ("é?a?b", "%C3%A9?a"),
        ("~@#$&()*!+=:;,?/'", "~@#$&()*!+=:;,?/'"),
    ],
)
def test_encode_uri(text: str, encoded: str) -> None:
    assert Url.encodeURI(text) == encoded


def test_encoding_only_when_not_ascii() -> None:
    assert Url.has_more_than_ascii("aé") and not Url.has_more_than_ascii("a b")
    assert Url.encode_string_if_required("a b") == "a b"
    assert Url.encode_string_if_required("a é") == "a%20%C3%A9"
