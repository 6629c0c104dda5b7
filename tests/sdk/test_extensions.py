"""Extensions beyond 4.x: upload progress (sync and async), responsive image attributes and
webhook signature verification. 4.x request bodies stay byte-identical with progress on."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import os
import pathlib
import re
from typing import Any

import pytest

from imagekitio import ImageKit
from imagekitio.async_client import AsyncImageKit
from imagekitio.multipart import CHUNK_SIZE, FOUR_X_BOUNDARY
from imagekitio.webhooks import WebhookVerificationError, signature_header, verify_webhook
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.sdk.conftest import PRIVATE_KEY, PUBLIC_KEY, URL_ENDPOINT
from tests.sdk.multipart_parsing import parse_form

UPLOADED = {"fileId": "f1", "versionInfo": {"id": "v1", "name": "Version 1"}}
PAYLOAD = os.urandom(3 * CHUNK_SIZE + 123)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int | None]] = []

    def __call__(self, sent: int, total: int | None) -> None:
        self.calls.append((sent, total))


def _check_progress(calls: list[tuple[int, int | None]], body_length: int) -> None:
    sent = [s for s, _ in calls]
    assert sent[0] == 0 and sent == sorted(sent) and len(calls) > 4
    assert sent[-1] == body_length
    assert {total for _, total in calls} == {body_length}


@pytest.fixture
def uploading(recording_server: RecordingServer) -> RecordingServer:
    recording_server.default_reply = Reply(200, UPLOADED)
    return recording_server


@pytest.mark.parametrize("kind", ["path", "file object", "bytes"])
def test_progress_reports_every_byte_sent_and_leaves_the_body_unchanged(
    ik: ImageKit, uploading: RecordingServer, tmp_path: pathlib.Path, kind: str
) -> None:
    source = tmp_path / "payload.bin"
    source.write_bytes(PAYLOAD)

    def file_argument() -> Any:
        if kind == "path":
            return source
        return io.BytesIO(PAYLOAD) if kind == "file object" else PAYLOAD

    ik.upload_file(file_argument(), "payload.bin")
    plain = uploading.last
    progress = Recorder()
    result = ik.upload_file(file_argument(), "payload.bin", on_progress=progress)
    assert result.file_id == "f1"
    with_progress = uploading.last
    # Without progress the body goes as one bytes value with 4.x's boundary; with it, streamed
    # with a boundary of ours. Everything else is the same.
    boundary = re.compile(rb"imagekit-[0-9a-f]{32}|" + re.escape(FOUR_X_BOUNDARY.encode()))
    assert boundary.sub(b"B", with_progress.body) == boundary.sub(b"B", plain.body)
    parts = parse_form(with_progress.headers["Content-Type"], with_progress.body)
    assert parts[0].content == PAYLOAD
    _check_progress(progress.calls, int(with_progress.headers["Content-Length"]))


def test_progress_of_a_stream_of_unknown_size(ik: ImageKit, uploading: RecordingServer) -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.inner = io.BytesIO(PAYLOAD)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer: Any) -> int:
            data = self.inner.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)

    progress = Recorder()
    ik.upload_file(io.BufferedReader(Unseekable()), "stream.bin", on_progress=progress)
    assert {total for _, total in progress.calls} == {None}
    assert progress.calls[-1][0] == len(uploading.last.body)


def test_async_upload_reports_progress(uploading: RecordingServer) -> None:
    progress = Recorder()

    async def main() -> str:
        async with AsyncImageKit(
            PUBLIC_KEY, PRIVATE_KEY, URL_ENDPOINT, upload_base_url=uploading.base_url
        ) as client:
            result = await client.upload_file(PAYLOAD, "a.bin", on_progress=progress)
            return str(result.file_id)

    assert asyncio.run(main()) == "f1"
    _check_progress(progress.calls, int(uploading.last.headers["Content-Length"]))
    assert (
        parse_form(uploading.last.headers["Content-Type"], uploading.last.body)[0].content
        == PAYLOAD
    )


# --- responsive images -------------------------------------------------------------------


def _srcset(attributes: dict[str, Any]) -> list[tuple[str, str]]:
    return [tuple(item.rsplit(" ", 1)) for item in attributes["srcset"].split(", ")]  # type: ignore[misc]


def test_without_width_or_sizes_every_device_breakpoint_is_offered(ik: ImageKit) -> None:
    attributes = ik.responsive_image_attributes({"path": "/photo.jpg"})
    pairs = _srcset(attributes)
    assert [d for _, d in pairs] == [
        "640w", "750w", "828w", "1080w", "1200w", "1920w", "2048w", "3840w"
    ]  # fmt: skip
    assert pairs[0][0] == f"{URL_ENDPOINT}/tr:w-640,c-at_max/photo.jpg"
    assert attributes["src"] == f"{URL_ENDPOINT}/tr:w-3840,c-at_max/photo.jpg"
    assert attributes["sizes"] == "100vw" and "width" not in attributes


def test_a_width_gives_density_descriptors_on_the_nearest_breakpoints(ik: ImageKit) -> None:
    attributes = ik.responsive_image_attributes(
        {"path": "/photo.jpg", "transformation": [{"rotation": 90}]}, width=400
    )
    assert _srcset(attributes) == [
        (f"{URL_ENDPOINT}/tr:rt-90:w-640,c-at_max/photo.jpg", "1x"),
        (f"{URL_ENDPOINT}/tr:rt-90:w-828,c-at_max/photo.jpg", "2x"),
    ]
    assert attributes["width"] == 400 and "sizes" not in attributes
    three = ik.responsive_image_attributes({"path": "/p.jpg"}, width=100, dprs=[1, 2, 3])
    assert [d for _, d in _srcset(three)] == ["1x", "2x", "3x"]
    assert (
        "w-128," in three["srcset"] and "w-256," in three["srcset"] and "w-384," in three["srcset"]
    )


def test_sizes_drop_breakpoints_below_the_smallest_viewport_share(ik: ImageKit) -> None:
    attributes = ik.responsive_image_attributes(
        {"path": "/p.jpg"}, sizes="(min-width: 768px) 50vw, 30vw"
    )
    widths = [int(d[:-1]) for _, d in _srcset(attributes)]
    assert widths[0] == 256 and 192 not in widths and widths[-1] == 3840  # 640 * 30 % = 192
    assert attributes["sizes"] == "(min-width: 768px) 50vw, 30vw"


def test_explicit_widths_and_signed_urls(ik: ImageKit) -> None:
    attributes = ik.responsive_image_attributes(
        {"path": "/p.jpg", "signed": True}, widths=[300, 100, 200]
    )
    pairs = _srcset(attributes)
    assert [d for _, d in pairs] == ["100w", "200w", "300w"]
    assert all("ik-s=" in url for url, _ in pairs)
    for bad in ({"width": 0}, {"widths": []}, {"dprs": [0]}, {"widths": [-5]}):
        with pytest.raises(ValueError):
            ik.responsive_image_attributes({"path": "/p.jpg"}, **bad)


# --- webhooks ------------------------------------------------------------------------------

SECRET = "whsec_EvCLlGyctj2WyIMW2r62m3JnyN4SXMsY"
EVENT = {"type": "upload.pre-transform.success", "id": "e1", "createdAt": "x", "data": {}}


def test_a_signature_made_by_the_documented_recipe_verifies() -> None:
    body = json.dumps(EVENT).encode()
    timestamp = 1655795539264
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    header = f"t={timestamp},v1={digest.hexdigest()}"
    assert signature_header(body, SECRET, timestamp) == header
    verified = verify_webhook(body, header, SECRET, clock=lambda: timestamp / 1000 + 10)
    assert verified.event == EVENT and verified.timestamp_ms == timestamp
    from_headers = ImageKit.verify_webhook_event(
        body.decode(), {"X-IK-Signature": header}, SECRET, tolerance_seconds=None
    )
    assert from_headers.event["id"] == "e1"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda body, header: (body + b" ", header), "does not match"),
        (lambda body, header: (body, header.replace("v1=", "v1=0")), "does not match"),
        (lambda body, header: (body, header.split(",")[1]), "no timestamp"),
        (lambda body, header: (body, header.split(",")[0]), "no v1"),
        (lambda body, header: (body, "t=abc,v1=00"), "not a number"),
        (lambda body, header: (body, ""), "no x-ik-signature"),
    ],
)
def test_tampered_or_malformed_signatures_are_refused(change: Any, reason: str) -> None:
    body = json.dumps(EVENT).encode()
    header = signature_header(body, SECRET, 1_000_000)
    body, header = change(body, header)
    with pytest.raises(WebhookVerificationError, match=reason):
        verify_webhook(body, header, SECRET, tolerance_seconds=None)


def test_old_signatures_and_wrong_secrets_are_refused() -> None:
    body = json.dumps(EVENT)
    header = signature_header(body, SECRET, 1_000_000_000_000)
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify_webhook(body, header, SECRET, clock=lambda: 1_000_000_000 + 301)
    assert verify_webhook(body, header, SECRET, clock=lambda: 1_000_000_000 + 299).event
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_webhook(body, header, "whsec_other", tolerance_seconds=None)
    with pytest.raises(WebhookVerificationError, match="empty"):
        verify_webhook(body, header, "", tolerance_seconds=None)
