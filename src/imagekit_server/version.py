"""The installed package's version (``imagekit-server --version``, the API description)."""

from __future__ import annotations

from importlib import metadata


def package_version() -> str:
    try:
        return metadata.version("imagekit-selfhosted")
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "unknown"
