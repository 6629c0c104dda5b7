"""Key and prefix validation shared by every backend."""

from __future__ import annotations

import pytest

from imagekit_server.storage import InvalidBlobKey, validate_key, validate_prefix
from imagekit_server.storage.base import MAX_KEY_LENGTH, check_range

VALID_KEYS = [
    "a",
    "a.jpg",
    "originals/2024/photo-1_v2.JPG",
    ".hidden",
    "a/.b/c",
    "x" * MAX_KEY_LENGTH,
]

INVALID_KEYS = [
    "",
    "/abs/path.jpg",
    "../escape",
    "a/../../etc/passwd",
    "a/..",
    "a..b",
    "a//b",
    "a/b/",
    "./a",
    "a/./b",
    "nul\x00byte",
    "back\\slash",
    "space here",
    "unicodé",
    "new\nline",
    "query?x=1",
    "x" * (MAX_KEY_LENGTH + 1),
]


@pytest.mark.parametrize("key", VALID_KEYS)
def test_valid_keys_are_returned_unchanged(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize("key", INVALID_KEYS)
def test_invalid_keys_are_refused(key: str) -> None:
    with pytest.raises(InvalidBlobKey):
        validate_key(key)


def test_invalid_key_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"'\.\.'"):
        validate_key("a/../b")


@pytest.mark.parametrize("prefix", ["", "a", "a/", "a/b", "a/b/", "a/.", "a/b.c"])
def test_valid_prefixes(prefix: str) -> None:
    assert validate_prefix(prefix) == prefix


@pytest.mark.parametrize("prefix", ["/", "/a", "..", "a/../", "a//", "./", "a\x00", "a b"])
def test_invalid_prefixes(prefix: str) -> None:
    with pytest.raises(InvalidBlobKey):
        validate_prefix(prefix)


@pytest.mark.parametrize(("start", "end"), [(-1, None), (5, 4), (0, -1)])
def test_bad_ranges_are_refused(start: int, end: int | None) -> None:
    with pytest.raises(ValueError):
        check_range(start, end)


@pytest.mark.parametrize(("start", "end"), [(0, None), (0, 0), (3, 3), (3, 10)])
def test_good_ranges_pass(start: int, end: int | None) -> None:
    check_range(start, end)
