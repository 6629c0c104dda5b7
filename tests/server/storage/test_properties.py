"""Property tests: key validation never lets a path escape, listing order is string order."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit_server.storage as storage
from imagekit_server.storage import InvalidBlobKey, LocalBlobStore, validate_key

SEGMENT = st.text(alphabet="ab.-_/Z9", min_size=1, max_size=4)
KEYISH = st.one_of(
    st.text(max_size=40),
    st.lists(SEGMENT, min_size=1, max_size=5).map("".join),
    st.lists(st.sampled_from(["a", "b.c", "..", ".", "", "x-y", "_"]), max_size=5).map("/".join),
)


@given(KEYISH)
def test_accepted_keys_stay_inside_the_root(key: str) -> None:
    root = Path("/srv/blobs")
    try:
        validate_key(key)
    except InvalidBlobKey:
        return
    path = Path(root, key)
    assert path.is_relative_to(root)
    assert ".." not in path.parts
    assert Path(*path.parts).as_posix() == f"{root}/{key}"  # no segment collapsed away


NAME = st.text(alphabet="ab.-_0", min_size=1, max_size=3).filter(
    lambda name: name not in (".", "..") and ".." not in name
)
KEY = st.lists(NAME, min_size=1, max_size=3).map("/".join)


def _no_file_folder_clash(keys: set[str]) -> bool:
    """On disk a name cannot be a file and a folder at once."""
    return not any(other.startswith(key + "/") for key in keys for other in keys)


@settings(max_examples=60, deadline=None)
@given(st.sets(KEY, max_size=12).filter(_no_file_folder_clash), st.text("ab.-_0/", max_size=3))
def test_local_listing_is_sorted_like_strings(keys: set[str], prefix: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = LocalBlobStore(Path(directory))
        for key in keys:
            store.put_bytes(key, b"")
        try:
            listed = list(store.list_keys(prefix))
        except InvalidBlobKey:
            return
        assert listed == sorted(key for key in keys if key.startswith(prefix))


def test_public_names_are_sorted_and_exported() -> None:
    assert storage.__all__ == sorted(storage.__all__)
    for name in storage.__all__:
        assert hasattr(storage, name)
