"""``check_signature``/``sign_target`` against the SDK's golden vectors and
docs/reference/delivery.md 8.3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from requests.utils import requote_uri

from imagekit_server.delivery.signing import SignatureStatus, check_signature, sign_target

# A copy of tests/data/url_vectors.json (made by the official 4.2.0 package), kept in the repo
# so that the vectors always run.
VECTORS_FILE = Path(__file__).parents[2] / "data" / "url_vectors.json"
SIGNED_VECTORS: list[dict[str, Any]] = [
    vector for vector in json.loads(VECTORS_FILE.read_text("utf-8")) if "string_to_sign" in vector
]

# docs/reference/delivery.md 8.3: key `dummy-key`, messages signed with expiry 9999999999.
DUMMY_KEY = "dummy-key"
HINDI_FILE = "sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png"
HINDI_TEXT_LAYER = (
    "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,fs-32,"
    "ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end"
)
DELIVERY_VECTORS = [
    ("sdk-testing-files/future-search.png", "32dbbbfc5f945c0403c71b54c38e76896ef2d6b0"),
    (
        "sdk-testing-files/future-search.png?version=2.0&tr=w-300,h-200",
        "601d97a7834b7554f4dabf0d3fc3a219ceeb6b31",
    ),
    (
        "tr:w-300,h-200/sdk-testing-files/future-search.png?version=2.0",
        "dd1ee8f83d019bc59fd57a5fc4674a11eb8a3496",
    ),
    (HINDI_FILE, "3fff2f31da1f45e007adcdbe95f88c8c330e743c"),
    (f"{HINDI_FILE}?tr={HINDI_TEXT_LAYER}", "ac9f24a03080102555e492185533c1ae6bd93fa7"),
    (f"tr:{HINDI_TEXT_LAYER}/{HINDI_FILE}", "69f2ecbb7364bbbad24616e1f7f1bac5a560fc71"),
]


def target_of(url: str, endpoint: str) -> str:
    """What the server sees after its endpoint prefix (the whole URL for a foreign host)."""
    prefix = endpoint.rstrip("/") + "/"
    return url[len(prefix) :] if url.startswith(prefix) else url


def endpoint_of(vector: dict[str, Any]) -> str:
    endpoint: str = vector["options"].get("url_endpoint") or vector["init"]["url_endpoint"]
    return endpoint


@pytest.mark.parametrize("vector", SIGNED_VECTORS, ids=[v["name"] for v in SIGNED_VECTORS])
@pytest.mark.parametrize("on_the_wire", [False, True], ids=["as-built", "requoted"])
def test_sdk_signed_vectors_verify(vector: dict[str, Any], on_the_wire: bool) -> None:
    url = requote_uri(vector["expected_url"]) if on_the_wire else vector["expected_url"]
    target = target_of(url, endpoint_of(vector))
    key = vector["init"]["private_key"]
    now = vector["now_unix"]
    assert check_signature(key, target, now=now) is SignatureStatus.VALID
    assert check_signature("another-key", target, now=now) is SignatureStatus.INVALID


@pytest.mark.parametrize("vector", SIGNED_VECTORS, ids=[v["name"] for v in SIGNED_VECTORS])
def test_sdk_signed_vectors_expire_only_with_ik_t(vector: dict[str, Any]) -> None:
    target = target_of(vector["expected_url"], endpoint_of(vector))
    key = vector["init"]["private_key"]
    much_later = 9_000_000_000
    expected = SignatureStatus.EXPIRED if "ik-t=" in target else SignatureStatus.VALID
    assert check_signature(key, target, now=much_later) is expected


@pytest.mark.parametrize(("message", "signature"), DELIVERY_VECTORS)
def test_delivery_vectors_verify(message: str, signature: str) -> None:
    separator = "&" if "?" in message else "?"
    target = f"{message}{separator}ik-s={signature}"
    assert check_signature(DUMMY_KEY, target, now=0) is SignatureStatus.VALID
    assert check_signature(DUMMY_KEY, target.replace("png", "jpg"), now=0) is (
        SignatureStatus.INVALID
    )


@pytest.mark.parametrize(("message", "signature"), DELIVERY_VECTORS)
def test_sign_target_reproduces_delivery_vectors(message: str, signature: str) -> None:
    separator = "&" if "?" in message else "?"
    assert sign_target(DUMMY_KEY, message, None) == f"{message}{separator}ik-s={signature}"


def test_signature_parameters_may_sit_anywhere_in_the_query() -> None:
    message, signature = DELIVERY_VECTORS[1]
    path, query = message.split("?")
    first, second = query.split("&")
    target = f"{path}?ik-s={signature}&{first}&{second}"
    assert check_signature(DUMMY_KEY, target, now=0) is SignatureStatus.VALID


def test_unsigned_target() -> None:
    assert check_signature(DUMMY_KEY, "a.jpg", now=0) is SignatureStatus.UNSIGNED
    assert check_signature(DUMMY_KEY, "a.jpg?v=1&ik-t=5", now=0) is SignatureStatus.UNSIGNED


def test_expiry_boundary() -> None:
    target = sign_target("key", "tr:w-10/a.jpg?v=1", 1700000300)
    assert target.startswith("tr:w-10/a.jpg?v=1&ik-t=1700000300&ik-s=")
    assert check_signature("key", target, now=1700000300) is SignatureStatus.VALID
    assert check_signature("key", target, now=1700000300.5) is SignatureStatus.EXPIRED


def test_sign_target_replaces_an_old_signature() -> None:
    once = sign_target("key", "a.jpg", 1700000300)
    twice = sign_target("key", once, None)
    assert twice.count("ik-s=") == 1 and "ik-t=" not in twice
    assert check_signature("key", twice, now=9_000_000_000) is SignatureStatus.VALID


@pytest.mark.parametrize(
    "bad_expiry", ["", "soon", "-5", "1e10", "17000003OO", "1" * 13, "%31%37", "\uff11\uff17"]
)
def test_malformed_ik_t_is_invalid(bad_expiry: str) -> None:
    signed = sign_target("key", "a.jpg", 1700000300)
    target = signed.replace("ik-t=1700000300", f"ik-t={bad_expiry}")
    assert check_signature("key", target, now=0) is SignatureStatus.INVALID


@pytest.mark.parametrize("bad_signature", ["", "xyz", "0" * 40, "0" * 39, "é" * 40])
def test_malformed_or_wrong_ik_s_is_invalid(bad_signature: str) -> None:
    target = f"a.jpg?ik-s={bad_signature}"
    assert check_signature("key", target, now=0) is SignatureStatus.INVALID


def test_upper_case_signature_is_accepted() -> None:
    path, signature = sign_target("key", "a.jpg", None).split("?ik-s=")
    target = f"{path}?ik-s={signature.upper()}"
    assert check_signature("key", target, now=0) is SignatureStatus.VALID


def test_repeated_signature_parameters_are_invalid() -> None:
    signed = sign_target("key", "a.jpg", 1700000300)
    signature = signed.rsplit("ik-s=", 1)[1]
    assert check_signature("key", f"{signed}&ik-s={signature}", now=0) is SignatureStatus.INVALID
    doubled_expiry = signed.replace("ik-t=1700000300", "ik-t=1700000300&ik-t=1700000300")
    assert check_signature("key", doubled_expiry, now=0) is SignatureStatus.INVALID


def test_4x_space_in_path_signed_raw_verifies_encoded() -> None:
    # 4.x signs `my folder/a.jpg` with a raw space; HTTP clients send `%20`.
    raw = sign_target("key", "my folder/a.jpg", None)
    assert check_signature("key", raw.replace(" ", "%20"), now=0) is SignatureStatus.VALID
    assert check_signature("key", raw.replace(" ", "%21"), now=0) is SignatureStatus.INVALID


def test_query_is_never_decoded() -> None:
    signed = sign_target("key", "a.jpg?p=a+b%26c", None)
    assert check_signature("key", signed, now=0) is SignatureStatus.VALID
    decoded = signed.replace("a+b%26c", "a b&c")
    assert check_signature("key", decoded, now=0) is SignatureStatus.INVALID


def test_dangling_question_mark_is_dropped_from_the_message() -> None:
    plain = sign_target("key", "a.jpg", None)
    signature = plain.split("ik-s=")[1]
    assert check_signature("key", f"a.jpg?&ik-s={signature}", now=0) is SignatureStatus.VALID
