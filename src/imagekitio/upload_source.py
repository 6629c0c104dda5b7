"""What ``upload_file`` accepts as ``file``."""

from __future__ import annotations

import os
from typing import BinaryIO, Union

UploadSource = Union[str, bytes, bytearray, memoryview, BinaryIO, "os.PathLike[str]"]
"""A URL or base64 text (``str``), or content to stream: bytes, a binary file, a path."""
