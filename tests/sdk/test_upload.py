"""Upload: form fields as 4.x sends them, and every kind of ``file`` streamed intact."""

from __future__ import annotations

import base64
import io
import os
import pathlib
import random
from collections.abc import Iterator

import pytest

from imagekitio import ImageKit
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions
from imagekitio.multipart import CHUNK_SIZE
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.sdk.multipart_parsing import Part, form_fields, parse_form

UPLOADED = {"fileId": "f1", "AITags": None, "versionInfo": {"id": "v1", "name": "Version 1"}}


def binary_payload(size: int) -> bytes:
    # Random bytes plus things a naive encoder would break on: CRLFs and boundary look-alikes.
    rng = random.Random(size)
    body = bytes(rng.getrandbits(8) for _ in range(size))
    return b"\r\n--imagekit-\r\n--\r\n" + body + b"\r\n\r\n"


def uploaded_parts(server: RecordingServer) -> list[Part]:
    request = server.last
    assert int(request.headers["Content-Length"]) == len(request.body)
    return parse_form(request.headers["Content-Type"], request.body)


@pytest.fixture
def uploading(recording_server: RecordingServer) -> Iterator[RecordingServer]:
    recording_server.default_reply = Reply(200, UPLOADED)
    yield recording_server


def test_all_options_become_form_fields_in_4x_order(
    ik: ImageKit, uploading: RecordingServer
) -> None:
    options = UploadFileRequestOptions(
        use_unique_file_name=False,
        tags=["abc", "def"],
        folder="/testing-python-folder/",
        is_private_file=True,
        custom_coordinates="10,10,20,20",
        response_fields=["tags", "custom_coordinates", "is_private_file", "metadata"],
        extensions=[{"name": "remove-bg", "options": {"add_shadow": True}}],
        webhook_url="https://webhook.site/x",
        overwrite_file=True,
        overwrite_ai_tags=False,
        overwrite_tags=False,
        overwrite_custom_metadata=True,
        custom_metadata={"test100": 11},
        transformation={"pre": "l-text,i-Imagekit,fs-50,l-end", "post": [{"type": "thumbnail"}]},
        checks='"file.size" < "1mb"',
        is_published=True,
    )

    ik.upload_file("https://example.com/a.jpg", "a.jpg", options)

    parts = uploaded_parts(uploading)
    assert [part.name for part in parts] == [
        "file",
        "fileName",
        "useUniqueFileName",
        "tags",
        "folder",
        "isPrivateFile",
        "customCoordinates",
        "responseFields",
        "extensions",
        "webhookUrl",
        "overwriteFile",
        "overwriteTags",
        "overwriteCustomMetadata",
        "customMetadata",
        "transformation",
        "checks",
        "isPublished",
        "overwriteAITags",
    ]
    fields = {part.name: part.content.decode() for part in parts}
    assert fields["file"] == "https://example.com/a.jpg" and parts[0].filename is None
    assert fields["useUniqueFileName"] == "false"
    assert fields["tags"] == "abc,def"
    assert fields["isPrivateFile"] == "true"
    assert fields["responseFields"] == "tags,customCoordinates,isPrivateFile,metadata"
    assert fields["extensions"] == '[{"name": "remove-bg", "options": {"add_shadow": true}}]'
    assert fields["customMetadata"] == '{"test100": 11}'
    assert fields["transformation"] == (
        '{"pre": "l-text,i-Imagekit,fs-50,l-end", "post": [{"type": "thumbnail"}]}'
    )
    assert fields["checks"] == '"file.size" < "1mb"'
    assert fields["overwriteAITags"] == "false"


def test_empty_tag_list_is_sent_as_empty_text(ik: ImageKit, uploading: RecordingServer) -> None:
    ik.upload_file("https://example.com/a.jpg", "a.jpg", UploadFileRequestOptions(tags=[]))

    assert form_fields(uploading.last.headers["Content-Type"], uploading.last.body)["tags"] == ""


def test_bytes_are_sent_as_a_plain_field_like_4x(ik: ImageKit, uploading: RecordingServer) -> None:
    content = binary_payload(3 * CHUNK_SIZE + 17)

    result = ik.upload_file(content, "photo ü.jpg")

    file_part, name_part = uploaded_parts(uploading)
    assert (file_part.name, file_part.filename, file_part.content) == ("file", None, content)
    assert name_part.content.decode() == "photo ü.jpg"
    assert result.file_id == "f1"


def test_base64_bytes_keep_their_4x_meaning(ik: ImageKit, uploading: RecordingServer) -> None:
    encoded = base64.b64encode(binary_payload(300))

    ik.upload_file(encoded, "a.png")

    file_part = uploaded_parts(uploading)[0]
    assert file_part.filename is None
    assert file_part.content == encoded


def test_a_path_is_streamed_from_disk(
    ik: ImageKit, uploading: RecordingServer, tmp_path: pathlib.Path
) -> None:
    content = binary_payload(CHUNK_SIZE * 2)
    path = tmp_path / "image.bin"
    path.write_bytes(content)

    ik.upload_file(path, "image.bin")

    assert uploaded_parts(uploading)[0].content == content


def test_a_file_object_is_read_from_its_current_position(
    ik: ImageKit, uploading: RecordingServer, tmp_path: pathlib.Path
) -> None:
    content = binary_payload(5000)
    path = tmp_path / "image.bin"
    path.write_bytes(b"HEADER" + content)

    with path.open("rb") as stream:
        stream.seek(6)
        ik.upload_file(stream, "image.bin")

    assert uploaded_parts(uploading)[0].content == content


def test_an_in_memory_stream_is_a_file_part(ik: ImageKit, uploading: RecordingServer) -> None:
    content = binary_payload(1000)

    ik.upload(io.BytesIO(content), "mem.bin")

    part = uploaded_parts(uploading)[0]
    assert (part.filename, part.content) == ("mem.bin", content)


class _Unseekable(io.RawIOBase):
    """A pipe-like stream: readable, size unknown in advance."""

    def __init__(self, content: bytes) -> None:
        self._source = io.BytesIO(content)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._source.read(min(len(buffer), 777))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_stream_of_unknown_size_is_sent_chunked(ik: ImageKit, uploading: RecordingServer) -> None:
    content = binary_payload(CHUNK_SIZE + 5)

    ik.upload_file(io.BufferedReader(_Unseekable(content)), "pipe.bin")

    request = uploading.last
    assert request.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in request.headers
    assert parse_form(request.headers["Content-Type"], request.body)[0].content == content


def test_a_text_mode_file_is_refused(
    ik: ImageKit, uploading: RecordingServer, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hello")

    with path.open() as text, pytest.raises(TypeError, match="binary mode"):
        ik.upload_file(text, "a.txt")  # type: ignore[arg-type]

    assert uploading.requests == []


def test_a_file_that_shrinks_while_sending_fails(
    ik: ImageKit, uploading: RecordingServer, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "shrinking.bin"
    path.write_bytes(b"x" * (CHUNK_SIZE * 4))

    class Shrinking(io.FileIO):
        def read(self, size: int | None = -1) -> bytes:
            os.truncate(path, CHUNK_SIZE)
            return super().read(size)

    from imagekitio.errors import APIConnectionError

    with Shrinking(path, "rb") as stream, pytest.raises((ValueError, APIConnectionError)):
        ik.upload_file(stream, "shrinking.bin")
