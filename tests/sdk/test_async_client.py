"""``AsyncImageKit`` sends the same requests and raises the same errors as ``ImageKit``."""

from __future__ import annotations

import asyncio
import pathlib
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from imagekitio.async_client import AsyncImageKit
from imagekitio.errors import APIConnectionError, APITimeoutError
from imagekitio.exceptions.InternalServerException import InternalServerException
from imagekitio.exceptions.NotFoundException import NotFoundException
from imagekitio.exceptions.PartialSuccessException import PartialSuccessException
from imagekitio.retry import RetryPolicy
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.sdk.conftest import PRIVATE_KEY, PUBLIC_KEY, URL_ENDPOINT
from tests.sdk.method_cases import CASES, MethodCase
from tests.sdk.multipart_parsing import parse_form
from tests.sdk.test_requests import assert_request_matches


def run_with_client(
    server: RecordingServer,
    action: Callable[[AsyncImageKit], Awaitable[Any]],
    retry: RetryPolicy | None = None,
    **settings: Any,
) -> Any:
    async def main() -> Any:
        settings.setdefault("max_retries", 0)
        async with AsyncImageKit(
            PUBLIC_KEY,
            PRIVATE_KEY,
            URL_ENDPOINT,
            api_base_url=server.base_url,
            upload_base_url=server.base_url,
            **settings,
        ) as ik:
            if retry is not None:
                ik.transport.retry = retry
            return await action(ik)

    return asyncio.run(main())


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_async_method_sends_the_documented_request(
    case: MethodCase, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(case.success, case.reply))

    result = run_with_client(recording_server, case.call)

    assert len(recording_server.requests) == 1
    assert_request_matches(case, recording_server.last)
    assert result.response_metadata.http_status_code == case.success


@pytest.mark.parametrize(
    ("name", "status", "expected"),
    [
        ("get_file_versions", 404, NotFoundException),
        ("add_tags", 207, PartialSuccessException),
        ("list_files", 503, InternalServerException),
    ],
)
def test_async_errors_match_the_sync_matrix(
    name: str, status: int, expected: type[Exception], recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(status, {"message": "m", "help": "h"}))
    case = next(case for case in CASES if case.name == name)

    with pytest.raises(expected) as caught:
        run_with_client(recording_server, case.call)

    assert caught.value.response_metadata.http_status_code == status  # type: ignore[attr-defined]


def test_async_retry_after_is_honoured(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(429, {"message": "m"}, {"Retry-After": "1"}), Reply(200, []))

    run_with_client(recording_server, lambda ik: ik.list_files(), RetryPolicy(max_retries=1))

    first, second = recording_server.requests
    assert second.received_at - first.received_at >= 0.95


def test_async_upload_is_not_retried(recording_server: RecordingServer) -> None:
    recording_server.default_reply = Reply(503, {"message": "m"}, {"Retry-After": "0"})

    with pytest.raises(InternalServerException):
        run_with_client(
            recording_server, lambda ik: ik.upload_file(b"x", "a.bin"), RetryPolicy(max_retries=2)
        )

    assert len(recording_server.requests) == 1


def test_async_timeout(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(200, [], delay=1.0))

    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        run_with_client(recording_server, lambda ik: ik.list_files(), timeout=0.2)

    assert time.monotonic() - started < 0.9


def test_async_upload_streams_a_path(
    recording_server: RecordingServer, tmp_path: pathlib.Path
) -> None:
    content = bytes(range(256)) * 1000
    path = tmp_path / "a.bin"
    path.write_bytes(content)
    recording_server.reply(Reply(200, {"fileId": "f1", "AITags": [], "versionInfo": {}}))

    result = run_with_client(recording_server, lambda ik: ik.upload_file(path, "a.bin"))

    request = recording_server.last
    assert "Transfer-Encoding" not in request.headers
    assert int(request.headers["Content-Length"]) == len(request.body)
    file_part, name_part = parse_form(request.headers["Content-Type"], request.body)
    assert (file_part.filename, file_part.content) == ("a.bin", content)
    assert name_part.content == b"a.bin"
    assert result.file_id == "f1"


def test_async_client_shares_pure_helpers() -> None:
    ik = AsyncImageKit(PUBLIC_KEY, "private_key_test", URL_ENDPOINT)

    params = ik.get_authentication_parameters("your_token", "1582269249")

    assert params["signature"] == "e71bcd6031016b060d349d212e23e85c791decdd"
    assert ik.phash_distance("ff", "0") == 8
    asyncio.run(ik.aclose())


def test_sdk_works_without_httpx2() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["httpx2"] = None  # as if the optional dependency were not installed
        import imagekitio
        from imagekitio import ImageKit
        ImageKit("public_x", "private_x", "https://ik.imagekit.io/demo").close()
        try:
            imagekitio.AsyncImageKit
        except ImportError as exc:
            print("ImportError:", exc)
        """
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )

    assert "ImportError: AsyncImageKit needs the optional dependency httpx2" in completed.stdout


def test_importing_the_sdk_does_not_import_httpx2() -> None:
    script = "import sys, imagekitio; print('httpx2' in sys.modules)"

    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )

    assert completed.stdout.strip() == "False"


def test_async_connection_refused_is_an_api_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main() -> None:
        async with AsyncImageKit(
            PUBLIC_KEY, PRIVATE_KEY, URL_ENDPOINT, api_base_url=f"http://127.0.0.1:{port}"
        ) as ik:
            ik.transport.retry = RetryPolicy(max_retries=1, backoff_base=0.01)
            await ik.get_file_details("f1")

    with pytest.raises(APIConnectionError) as caught:
        asyncio.run(main())

    assert not isinstance(caught.value, APITimeoutError)
