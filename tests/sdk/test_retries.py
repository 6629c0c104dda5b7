"""Bounded retries of safe requests, Retry-After, timeouts and connection errors."""

from __future__ import annotations

import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests

from imagekitio import ImageKit
from imagekitio.errors import APIConnectionError, APITimeoutError
from imagekitio.exceptions.BadRequestException import BadRequestException
from imagekitio.exceptions.InternalServerException import InternalServerException
from imagekitio.exceptions.TooManyRequestsException import TooManyRequestsException
from imagekitio.retry import Attempts, RetryPolicy, server_requested_wait
from imagekitio.wire import ApiRequest, ApiResponse
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.sdk.conftest import make_client

ERROR = {"message": "busy", "help": ""}


def fast_retrying_client(server: RecordingServer, retries: int = 2, **settings: object) -> ImageKit:
    ik = make_client(server, **settings)
    ik.ik_request.retry = RetryPolicy(max_retries=retries, backoff_base=0.01, backoff_max=0.05)
    return ik


def test_retry_after_is_honoured(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(503, ERROR, {"Retry-After": "1"}), Reply(200, []))

    with fast_retrying_client(recording_server) as ik:
        result = ik.list_files()

    first, second = recording_server.requests
    assert result.response_metadata.http_status_code == 200
    assert second.received_at - first.received_at >= 0.95


def test_rate_limit_reset_header_sets_the_wait(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(429, ERROR, {"X-RateLimit-Reset": "300"}), Reply(200, []))

    with fast_retrying_client(recording_server) as ik:
        ik.list_files()

    first, second = recording_server.requests
    assert second.received_at - first.received_at >= 0.28


def test_attempts_are_bounded(recording_server: RecordingServer) -> None:
    recording_server.default_reply = Reply(500, ERROR)

    with (
        fast_retrying_client(recording_server, retries=3) as ik,
        pytest.raises(InternalServerException),
    ):
        ik.get_file_details("f1")

    assert len(recording_server.requests) == 4


def test_a_too_long_retry_after_is_not_waited_for(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(429, ERROR, {"Retry-After": "3600"}))

    started = time.monotonic()
    with fast_retrying_client(recording_server) as ik, pytest.raises(TooManyRequestsException):
        ik.list_files()

    assert time.monotonic() - started < 2
    assert len(recording_server.requests) == 1


def test_upload_is_never_retried(recording_server: RecordingServer) -> None:
    recording_server.default_reply = Reply(503, ERROR, {"Retry-After": "0"})

    with fast_retrying_client(recording_server) as ik, pytest.raises(InternalServerException):
        ik.upload_file(b"data", "a.bin")

    assert [request.path for request in recording_server.requests] == ["/api/v1/files/upload"]


@pytest.mark.parametrize(
    ("call", "retried"),
    [
        (lambda ik: ik.copy_file(None), False),
        (lambda ik: ik.bulk_delete(["f1"]), False),
        (lambda ik: ik.add_tags(["f1"], ["t"]), True),
        (lambda ik: ik.delete_file("f1"), True),
        (lambda ik: ik.restore_file_version("f1", "v1"), True),
        (lambda ik: ik.rename_file(None), False),
    ],
    ids=["copy", "bulk_delete", "add_tags", "delete", "restore", "rename"],
)
def test_only_safe_requests_are_retried(
    call: object, retried: bool, recording_server: RecordingServer
) -> None:
    recording_server.default_reply = Reply(502, ERROR)

    with (
        fast_retrying_client(recording_server, retries=1) as ik,
        pytest.raises(InternalServerException),
    ):
        call(ik)  # type: ignore[operator]

    assert len(recording_server.requests) == (2 if retried else 1)


def test_client_errors_are_not_retried(recording_server: RecordingServer) -> None:
    recording_server.default_reply = Reply(400, ERROR)

    with fast_retrying_client(recording_server) as ik, pytest.raises(BadRequestException):
        ik.list_files()

    assert len(recording_server.requests) == 1


def test_timeout_raises_api_timeout_error(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(200, [], delay=1.0), Reply(200, [], delay=1.0))

    started = time.monotonic()
    with (
        fast_retrying_client(recording_server, retries=1, timeout=0.2) as ik,
        pytest.raises(APITimeoutError) as caught,
    ):
        ik.list_files()

    assert time.monotonic() - started < 1.5  # two 0.2 s timeouts, not two 1 s replies
    assert isinstance(caught.value, requests.Timeout)
    assert len(recording_server.requests) == 2  # one retry after the first timeout


def test_timeout_of_an_upload_is_not_retried(recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(200, {}, delay=1.0))

    with fast_retrying_client(recording_server, timeout=0.2) as ik, pytest.raises(APITimeoutError):
        ik.upload_file(b"x", "a.bin")

    assert len(recording_server.requests) == 1


def test_connection_refused_raises_after_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ik = ImageKit(
        "public_x",
        "private_x",
        "https://ik.imagekit.io/demo",
        api_base_url=f"http://127.0.0.1:{port}",
        timeout=2,
    )
    sleeps: list[float] = []
    ik.ik_request.retry = RetryPolicy(max_retries=2, backoff_base=0.01)
    ik.ik_request.transport._sleep = sleeps.append

    with ik, pytest.raises(APIConnectionError) as caught:
        ik.list_files()

    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value, requests.ConnectionError)  # what 4.x callers catch
    assert isinstance(caught.value.__cause__, requests.ConnectionError)  # the library's error
    assert len(sleeps) == 2


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=10, backoff_base=1.0, backoff_max=4.0)

    delays = [policy.delay(attempt, True, 503) for attempt in range(5)]

    assert all(delay is not None for delay in delays)
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0  # type: ignore[operator]
    assert all(delay <= 4.0 for delay in delays)  # type: ignore[operator]
    assert policy.delay(10, True, 503) is None
    assert policy.delay(0, False, 503) is None
    assert policy.delay(0, True, 404) is None


def test_retry_after_accepts_an_http_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)

    assert server_requested_wait({"Retry-After": later}, now=now.timestamp()) == 30
    assert server_requested_wait({"retry-after": "garbage"}) is None
    assert server_requested_wait({}) is None


def test_attempts_decide_without_sending() -> None:
    policy = RetryPolicy(max_retries=2, backoff_base=0.01)
    get = ApiRequest("GET", "http://127.0.0.1/v1/files", {}, retry_safe=True)
    busy, done = ApiResponse(503), ApiResponse(200)
    refused = APIConnectionError("refused")

    attempts = Attempts(policy, get)
    steps = [attempts.after(busy), attempts.after(refused), attempts.after(busy)]

    assert all(isinstance(step, float) for step in steps[:2])
    assert steps[2] is busy  # no attempt left: the last answer is handed back
    assert Attempts(policy, get).after(done) is done
    with pytest.raises(APIConnectionError) as caught:
        Attempts(RetryPolicy(max_retries=0), get).after(refused)
    assert caught.value is refused
    upload = ApiRequest("POST", "http://127.0.0.1/api/v1/files/upload", {})
    assert Attempts(policy, upload).after(busy) is busy
