"""File-name and folder-path rules of the upload API (docs/reference/api.md §4.1.5)."""

from __future__ import annotations

import unicodedata

from imagekit_server.errors import BadRequest
from imagekit_server.ids import new_unique_suffix

MAX_FOLDER_DEPTH = 50
MAX_NAME_LENGTH = 255
"""Characters in a file name and in one folder name (docs/security-limits.md)."""
MAX_PATH_LENGTH = 1024
"""Characters in a folder path or a file path (the database's path columns)."""
_NAME_EXTRA_CHARS = frozenset("._-")
_FOLDER_EXTRA_CHARS = frozenset("_-")


def _is_word_char(char: str) -> bool:
    """Unicode letters, marks and numbers."""
    return unicodedata.category(char)[0] in "LMN"


def sanitise_file_name(raw: str) -> str:
    """Replace every character other than letters, digits, ``.``, ``-`` and ``_`` by ``_``."""
    name = "".join(c if _is_word_char(c) or c in _NAME_EXTRA_CHARS else "_" for c in raw.strip())
    if not name or set(name) == {"."}:
        raise BadRequest("Invalid fileName parameter.")
    if len(name) > MAX_NAME_LENGTH:
        raise BadRequest(f"fileName must be at most {MAX_NAME_LENGTH} characters long.")
    return name


def with_unique_suffix(name: str) -> str:
    """``photo.jpg`` → ``photo_<9 random chars>.jpg`` (suffix before the last extension)."""
    base, dot, extension = name.rpartition(".")
    if not dot or not base:
        return f"{name}_{new_unique_suffix()}"
    return f"{base}_{new_unique_suffix()}.{extension}"


def normalise_folder(raw: str | None, *, parameter: str = "folder") -> str:
    """``"a//b/"`` → ``"/a/b"``; ``""``/``"/"`` → ``"/"``.

    Characters other than letters, digits, ``_`` and ``-`` become ``_``; ``.`` and ``..``
    segments (path traversal) and nesting deeper than 50 levels are refused.
    """
    text = (raw or "").strip()
    if len(text) > MAX_PATH_LENGTH:  # before any per-character work on a huge value
        raise BadRequest(f"Invalid {parameter} parameter: {_PATH_TOO_LONG}")
    segments = [segment for segment in text.split("/") if segment]
    for segment in segments:
        if len(segment) > MAX_NAME_LENGTH:
            raise BadRequest(
                f"Invalid {parameter} parameter: a folder name may have at most "
                f"{MAX_NAME_LENGTH} characters."
            )
        if segment in (".", ".."):
            raise BadRequest(f"Invalid {parameter} parameter: '.' and '..' are not allowed.")
        if any(unicodedata.category(char)[0] == "C" for char in segment):
            raise BadRequest(f"Invalid {parameter} parameter: control characters.")
    if len(segments) > MAX_FOLDER_DEPTH:
        raise BadRequest(f"Folder nesting is limited to {MAX_FOLDER_DEPTH} levels.")
    cleaned = [
        "".join(c if _is_word_char(c) or c in _FOLDER_EXTRA_CHARS else "_" for c in segment)
        for segment in segments
    ]
    return "/" + "/".join(cleaned)


_PATH_TOO_LONG = f"a path may have at most {MAX_PATH_LENGTH} characters."


def join_path(folder: str, name: str) -> str:
    """The path of ``name`` in ``folder``; a 400 when it would not fit ``MAX_PATH_LENGTH``."""
    path = f"/{name}" if folder == "/" else f"{folder}/{name}"
    if len(path) > MAX_PATH_LENGTH:
        raise BadRequest(f"The resulting file or folder path is too long: {_PATH_TOO_LONG}")
    return path


def parent_of(folder: str) -> str:
    parent = folder.rsplit("/", 1)[0]
    return parent or "/"


def ancestors(folder: str) -> list[str]:
    """``"/a/b/c"`` → ``["/a", "/a/b", "/a/b/c"]``; the root has none."""
    if folder == "/":
        return []
    parts = folder.strip("/").split("/")
    return ["/" + "/".join(parts[: index + 1]) for index in range(len(parts))]
