"""Uploading a 1 GB file streams it: the client's peak RSS barely grows.

The client runs in a fresh subprocess so that its peak RSS (``ru_maxrss``) is its own; the
server (in the test process) reads and discards the body, counting bytes.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import textwrap

import pytest

from tests.fixtures.recording_server import RecordingServer, Reply

GIGABYTE = 1024**3
ALLOWED_GROWTH_BYTES = 64 * 1024**2

CLIENT_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    from imagekitio import ImageKit

    base_url, path, mode = sys.argv[1:4]
    ik = ImageKit("public_x", "private_x", "https://ik.imagekit.io/demo",
                  upload_base_url=base_url, max_retries=0, timeout=60)
    ik.upload_file(b"warm-up", "warm.bin")  # imports, connection pool, first allocations
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if mode == "path":
        ik.upload_file(__import__("pathlib").Path(path), "big.bin")
    elif mode == "async path":
        import asyncio, pathlib
        from imagekitio import AsyncImageKit

        async def send():
            async with AsyncImageKit("public_x", "private_x", "https://ik.imagekit.io/demo",
                                     upload_base_url=base_url, max_retries=0) as aik:
                await aik.upload_file(b"warm-up", "warm.bin")
                start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
                await aik.upload_file(pathlib.Path(path), "big.bin")
                return start

        before = asyncio.run(send())
    else:
        with open(path, "rb") as stream:
            ik.upload_file(stream, "big.bin")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    ik.close()
    print(json.dumps({"before": before, "after": after}))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["path", "file object", "async path"])
def test_one_gigabyte_upload_keeps_memory_flat(
    mode: str, discarding_server: RecordingServer, tmp_path: pathlib.Path
) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as sparse:
        sparse.truncate(GIGABYTE)
    discarding_server.default_reply = Reply(200, {"fileId": "f", "versionInfo": {"id": "v"}})

    completed = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT, discarding_server.base_url, str(big), mode],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )

    usage = json.loads(completed.stdout)
    assert usage["after"] - usage["before"] < ALLOWED_GROWTH_BYTES
    upload = discarding_server.requests[-1]
    assert upload.body == b""  # discarded, only counted
    assert upload.body_size == int(upload.headers["Content-Length"])
    assert GIGABYTE < upload.body_size < GIGABYTE + 4096
