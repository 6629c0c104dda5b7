"""The streaming multipart encoder on its own: sizes, escaping, chunking."""

from __future__ import annotations

import io
import pathlib

from imagekitio.multipart import CHUNK_SIZE, FileField, MultipartBody, TextField
from tests.sdk.multipart_parsing import parse_form


def test_content_length_is_exact_for_text_and_files(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"\x00" * (CHUNK_SIZE + 3))
    body = MultipartBody(
        [
            TextField("fileName", "ünïcödé.jpg"),
            FileField("file", "a.bin", path),
            FileField("other", "b.bin", b"xyz"),
            FileField("stream", "c.bin", io.BytesIO(b"12345")),
        ]
    )

    assert body.content_length() == len(body.to_bytes())


def test_names_are_escaped_in_the_part_headers() -> None:
    body = MultipartBody([FileField("file", 'say "hi"\r\nX-Evil: 1.jpg', b"data")])

    raw = body.to_bytes()
    (part,) = parse_form(body.content_type, raw)

    assert not any(line.startswith(b"X-Evil") for line in raw.split(b"\r\n"))
    assert part.filename == "say %22hi%22%0D%0AX-Evil: 1.jpg"
    assert part.content == b"data"


def test_file_content_is_yielded_in_bounded_chunks(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"\xff" * (CHUNK_SIZE * 5 + 1))
    body = MultipartBody([FileField("file", "big.bin", path)])

    chunks = list(body)

    assert max(len(chunk) for chunk in chunks) == CHUNK_SIZE
    assert sum(len(chunk) for chunk in chunks) == body.content_length()


def test_unknown_size_streams_have_no_length() -> None:
    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            return 0

    body = MultipartBody([FileField("file", "p", io.BufferedReader(Pipe()))])

    assert body.content_length() is None
    assert parse_form(body.content_type, body.to_bytes())[0].content == b""


def test_each_body_gets_its_own_boundary() -> None:
    first, second = MultipartBody([]), MultipartBody([])

    assert first.boundary != second.boundary
    assert first.to_bytes() == f"--{first.boundary}--\r\n".encode()
