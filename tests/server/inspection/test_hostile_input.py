"""Random and mutated bytes: inspection answers or raises InspectionError, nothing else."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyvips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagekit_server.inspection import (
    InspectionError,
    Probe,
    probe_file,
    read_embedded_metadata,
    read_metadata,
)
from imagekit_server.inspection.exif import exif_sections, read_exif_tags
from imagekit_server.inspection.iptc import read_iptc
from imagekit_server.inspection.jpeg_quality import estimate_jpeg_quality
from imagekit_server.inspection.xmp import read_xmp
from tests.server.inspection.exif_blocks import (
    XMP_PACKET,
    camera_exif,
    iim_dataset,
    photoshop_iptc,
    with_blob,
)
from tests.server.inspection.images import structured_image

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _seed_files() -> list[bytes]:
    image = structured_image(1, 48, 32)
    tagged = with_blob(image, "exif-data", camera_exif(image.jpegsave_buffer()))
    tagged = with_blob(tagged, "iptc-data", photoshop_iptc(iim_dataset(25, b"k")))
    tagged = with_blob(tagged, "xmp-data", XMP_PACKET)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="9"/></svg>'
    return [
        tagged.jpegsave_buffer(),
        tagged.pngsave_buffer(),
        image.gifsave_buffer(),
        tagged.webpsave_buffer(),
        image.tiffsave_buffer(),
        image.heifsave_buffer(compression="av1"),
        svg,
    ]


SEEDS = _seed_files()
TIFF_HEADER = b"Exif\x00\x00II*\x00\x08\x00\x00\x00"


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(1, len(data)))
    return bytes(data[:cut])


any_file = st.one_of(st.binary(max_size=2048), mutated_files())


@contextmanager
def file_with(content: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "upload"
        path.write_bytes(content)
        yield path


@FUZZ
@given(content=any_file)
def test_probe_file_returns_a_probe_or_raises_inspection_error(content: bytes) -> None:
    with file_with(content) as path:
        try:
            probe = probe_file(path, "upload.bin", max_pixels=10_000_000)
        except InspectionError as error:
            assert error.message
            assert str(path) not in error.message
        else:
            assert isinstance(probe, Probe)
            if probe.file_type == "image":
                assert probe.width and probe.height


@FUZZ
@given(content=any_file)
def test_read_metadata_returns_a_dict_or_raises_inspection_error(content: bytes) -> None:
    with file_with(content) as path:
        try:
            metadata = read_metadata(path, max_pixels=10_000_000)
        except InspectionError:
            return
        assert len(metadata["pHash"]) == 16
        assert "\\u0000" not in json.dumps(metadata, allow_nan=False)


@FUZZ
@given(content=any_file)
def test_read_embedded_metadata_never_raises(content: bytes) -> None:
    with file_with(content) as path:
        embedded = read_embedded_metadata(path)
    assert "\\u0000" not in json.dumps(embedded, allow_nan=False)


@FUZZ
@given(blob=st.one_of(st.binary(max_size=512), st.binary(max_size=512).map(TIFF_HEADER.__add__)))
def test_exif_parsing_never_raises(blob: bytes) -> None:
    sections = exif_sections(read_exif_tags(blob))
    json.dumps(sections, allow_nan=False)
    assert set(sections) == {"image", "thumbnail", "exif", "gps", "interoperability", "makernote"}


@FUZZ
@given(blob=st.binary(max_size=512))
def test_block_parsers_never_raise(blob: bytes) -> None:
    assert isinstance(read_iptc(blob), dict)
    assert isinstance(read_iptc(b"Photoshop 3.0\x008BIM\x04\x04" + blob), dict)
    assert isinstance(read_xmp(blob), dict)
    assert 0 <= estimate_jpeg_quality(io.BytesIO(b"\xff\xd8" + blob)) <= 100


def test_seed_files_are_all_valid_images() -> None:
    # Guards the fuzz tests above: mutations must start from files that do decode.
    for content in SEEDS:
        with file_with(content) as path:
            assert probe_file(path, "seed", max_pixels=10_000_000).file_type == "image"
    assert pyvips.Image.new_from_buffer(SEEDS[0], "").width == 48
