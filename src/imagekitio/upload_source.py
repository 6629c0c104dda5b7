"""What ``upload_file`` accepts as ``file``."""

from __future__ import annotations

import os
from typing import BinaryIO, Union

UploadSource = Union[str, bytes, bytearray, memoryview, BinaryIO, "os.PathLike[str]"]
"""``str``/``bytes``: a URL, base64 text or raw content, sent as a plain field (4.x meaning);
a binary file object or a path: file content, streamed as a file part."""
