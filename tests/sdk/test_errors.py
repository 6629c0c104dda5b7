"""Status -> exception class, per method (docs/reference/sdk.md §7.3), and error body handling."""

from __future__ import annotations

import pathlib
import pickle

import pytest

from imagekitio import ImageKit
from imagekitio.errors import APIStatusError, ImageKitError, NotFoundError, RateLimitError
from imagekitio.exceptions.BadRequestException import BadRequestException
from imagekitio.exceptions.ConflictException import ConflictException
from imagekitio.exceptions.ForbiddenException import ForbiddenException
from imagekitio.exceptions.InternalServerException import InternalServerException
from imagekitio.exceptions.NotFoundException import NotFoundException
from imagekitio.exceptions.PartialSuccessException import PartialSuccessException
from imagekitio.exceptions.TooManyRequestsException import TooManyRequestsException
from imagekitio.exceptions.UnauthorizedException import UnauthorizedException
from imagekitio.exceptions.UnknownException import UnknownException
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.sdk.method_cases import CASES_BY_NAME

STATUSES = [400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 207, 418]
CLASSES = {
    "BadReq": BadRequestException,
    "Unauth": UnauthorizedException,
    "Forbid": ForbiddenException,
    "NotFound": NotFoundException,
    "Conflict": ConflictException,
    "TooMany": TooManyRequestsException,
    "Internal": InternalServerException,
    "Partial": PartialSuccessException,
    "Unknown": UnknownException,
}
MATRIX_FILE = pathlib.Path(__file__).with_name("status_matrix.txt")


def _matrix_lines() -> list[str]:
    lines = MATRIX_FILE.read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _matrix_rows() -> list[tuple[str, int, type[Exception]]]:
    rows: list[tuple[str, int, type[Exception]]] = []
    for line in _matrix_lines():
        name, *labels = line.split()
        assert len(labels) == len(STATUSES)
        rows.extend(
            (name, status, CLASSES[label]) for status, label in zip(STATUSES, labels, strict=True)
        )
    return rows


@pytest.mark.parametrize(("method", "status", "expected"), _matrix_rows())
def test_status_maps_to_the_4x_exception(
    method: str,
    status: int,
    expected: type[Exception],
    ik: ImageKit,
    recording_server: RecordingServer,
) -> None:
    recording_server.reply(Reply(status, {"message": "m", "help": "h"}, {"X-RateLimit-Limit": "9"}))

    with pytest.raises(APIStatusError) as caught:
        CASES_BY_NAME[method].call(ik)

    error = caught.value
    assert type(error) is expected
    assert (error.message, error.response_help, str(error)) == ("m", "h", "m")
    assert error.response_metadata is not None
    assert error.response_metadata.http_status_code == status
    assert error.response_metadata.raw == {"message": "m", "help": "h"}
    assert error.response_metadata.headers["x-ratelimit-limit"] == "9"
    assert len(recording_server.requests) == 1


def test_every_api_method_is_in_the_matrix() -> None:
    assert {line.split()[0] for line in _matrix_lines()} == set(CASES_BY_NAME)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_an_unexpected_success_status_is_an_error(
    status: int, ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(status, {"message": "queued"}))  # copy_file expects 204 only

    if status == 204:
        assert ik.copy_file(None).response_metadata.http_status_code == 204
        return
    with pytest.raises(UnknownException, match="queued"):
        ik.copy_file(None)


def test_both_error_trees_catch_the_same_exception(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(404, {"message": "gone", "help": ""}))

    with pytest.raises(NotFoundError) as caught:
        ik.get_file_versions("f1")

    assert isinstance(caught.value, NotFoundException)
    assert isinstance(caught.value, ImageKitError)
    assert caught.value.status_code == 404


def test_rate_limit_headers_reach_the_exception(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    limits = {"X-RateLimit-Limit": "5", "X-RateLimit-Reset": "1000", "X-RateLimit-Interval": "1"}
    recording_server.reply(Reply(429, {"message": "slow down", "help": ""}, limits))

    with pytest.raises(RateLimitError) as caught:
        ik.list_files()

    assert isinstance(caught.value, TooManyRequestsException)
    metadata = caught.value.response_metadata
    assert metadata is not None
    assert metadata.headers["x-ratelimit-reset"] == "1000"


@pytest.mark.parametrize(
    ("raw", "message", "help_text"),
    [
        (b'{"message": "only message"}', "only message", ""),
        (b"{'message': 'single quoted', 'help': 'h'}", "single quoted", "h"),
        (b"plain text failure", "plain text failure", ""),
        (b"", "", ""),
        (b'["a", "b"]', "", ""),
    ],
)
def test_error_bodies_that_crashed_4x_give_clear_exceptions(
    raw: bytes, message: str, help_text: str, ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(400, raw=raw))

    with pytest.raises(BadRequestException) as caught:
        ik.get_file_details("f1")

    assert (caught.value.message, caught.value.response_help) == (message, help_text)


def test_exceptions_keep_4x_args_and_pickle(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(403, {"message": "no", "help": "key"}))

    with pytest.raises(ForbiddenException) as caught:
        ik.get_file_details("f1")

    error = caught.value
    assert error.args[:2] == ("no", "key")
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is ForbiddenException
    assert (clone.message, clone.response_help) == ("no", "key")
    assert clone.response_metadata is not None
    assert clone.response_metadata.http_status_code == 403
