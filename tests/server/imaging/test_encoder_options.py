"""The default encoder options (docs/encoding.md), read back from the output: JPEG chroma
subsampling, quantisation tables (hence the quality), Huffman optimisation and the progressive
flag on both JPEG encoders; and `q-` still ordering sizes in every lossy format."""

from __future__ import annotations

import dataclasses
import io

import pytest
import pyvips
from PIL import Image, JpegImagePlugin

from imagekit_server.imaging import (
    Limits,
    OutputDefaults,
    jpeg_encode,
    parse_transformation,
    render,
)
from imagekit_server.imaging.jpeg_encode import quant_tables
from tests.server.imaging.sample_images import decode, jpeg

SUBSAMPLING_444, SUBSAMPLING_420 = 0, 2


@pytest.fixture(scope="module")
def source() -> bytes:
    """Gradients, texture and colour: every encoder option changes the bytes."""
    xyz = pyvips.Image.xyz(480, 320)
    noise = pyvips.Image.gaussnoise(480, 320, sigma=25, mean=0)
    bands = [xyz[0].linear(255 / 480, 0), xyz[1].linear(255 / 320, 0), (xyz[0] + xyz[1]) / 3]
    image = (bands[0].bandjoin(bands[1:]) + noise).cast("uchar").copy(interpretation="srgb")
    return jpeg(image)


def _jpeg(
    source: bytes, chain: str, defaults: OutputDefaults | None = None
) -> JpegImagePlugin.JpegImageFile:
    rendered = render(
        source,
        parse_transformation(chain),
        accept=None,
        limits=Limits(),
        defaults=defaults or OutputDefaults(),
    )
    assert rendered.format == "jpeg"
    picture = Image.open(io.BytesIO(rendered.data))
    assert isinstance(picture, JpegImagePlugin.JpegImageFile)
    picture.load()
    return picture


def _size(source: bytes, chain: str, defaults: OutputDefaults | None = None) -> int:
    rendered = render(
        source,
        parse_transformation(chain),
        accept=None,
        limits=Limits(),
        defaults=defaults or OutputDefaults(),
    )
    assert decode(rendered).width == 300
    return len(rendered.data)


def _tables(picture: JpegImagePlugin.JpegImageFile) -> list[list[int]]:
    return [list(picture.quantization[index]) for index in sorted(picture.quantization)]


def test_default_jpeg_is_420_with_mozjpeg_tables_and_baseline(source: bytes) -> None:
    picture = _jpeg(source, "w-300,f-jpg")
    assert JpegImagePlugin.get_sampling(picture) == SUBSAMPLING_420
    assert "progressive" not in picture.info and "progression" not in picture.info
    # The tables libvips' own encoder writes for mozjpeg's table 3 at Q 80: quality 80 is
    # what ImageKit's default quality means, with the better-tuned base table.
    probe = pyvips.Image.black(16, 16, bands=3).copy(interpretation="srgb")
    theirs = Image.open(io.BytesIO(probe.jpegsave_buffer(Q=80, quant_table=3, keep="none")))
    assert isinstance(theirs, JpegImagePlugin.JpegImageFile)
    assert _tables(picture) == _tables(theirs) == quant_tables(80)


def test_pr_true_is_progressive_with_the_same_tables(source: bytes) -> None:
    picture = _jpeg(source, "w-300,f-jpg,pr-true")
    assert picture.info.get("progressive") == 1
    assert JpegImagePlugin.get_sampling(picture) == SUBSAMPLING_420
    assert _tables(picture) == quant_tables(80)


@pytest.mark.parametrize("quality", [10, 30, 60, 89, 90, 100])
def test_q_sets_the_tables_and_4_4_4_from_quality_90(source: bytes, quality: int) -> None:
    picture = _jpeg(source, f"w-300,f-jpg,q-{quality}")
    assert _tables(picture) == quant_tables(quality)
    expected = SUBSAMPLING_444 if quality >= 90 else SUBSAMPLING_420
    assert JpegImagePlugin.get_sampling(picture) == expected


@pytest.mark.parametrize("fmt", ["jpg", "webp", "avif"])
def test_q_still_orders_sizes(source: bytes, fmt: str) -> None:
    sizes = [_size(source, f"w-300,f-{fmt},q-{quality}") for quality in (20, 50, 80, 95)]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4, sizes


def test_chroma_setting_off_keeps_4_4_4(source: bytes) -> None:
    defaults = OutputDefaults(chroma_subsampling=False)
    picture = _jpeg(source, "w-300,f-jpg", defaults)
    assert JpegImagePlugin.get_sampling(picture) == SUBSAMPLING_444
    assert _tables(picture) == quant_tables(80)
    assert _size(source, "w-300,f-jpg", defaults) > _size(source, "w-300,f-jpg")


@pytest.mark.parametrize("libvips", [False, True])
def test_both_encoders_apply_the_same_options(
    source: bytes, libvips: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if libvips:  # outputs above this size are streamed by libvips' encoder
        monkeypatch.setattr(jpeg_encode, "MAX_PIXELS", 0)
    picture = _jpeg(source, "w-300,f-jpg")
    assert JpegImagePlugin.get_sampling(picture) == SUBSAMPLING_420
    assert _tables(picture) == quant_tables(80)
    assert "progressive" not in picture.info
    assert _jpeg(source, "w-300,f-jpg,pr-true").info.get("progressive") == 1
    # Optimised Huffman tables: the same coefficients in fewer bytes.
    plain = dataclasses.replace(OutputDefaults(), optimize_jpeg_coding=False)
    assert _size(source, "w-300,f-jpg") < _size(source, "w-300,f-jpg", plain)


@pytest.mark.parametrize("libvips", [False, True])
def test_progressive_setting_applies_only_without_pr(
    source: bytes, libvips: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if libvips:
        monkeypatch.setattr(jpeg_encode, "MAX_PIXELS", 0)
    progressive = OutputDefaults(progressive_jpeg=True)
    assert _jpeg(source, "w-300,f-jpg", progressive).info.get("progressive") == 1
    assert "progressive" not in _jpeg(source, "w-300,f-jpg,pr-false", progressive).info
    assert "progressive" not in _jpeg(source, "w-300,f-jpg,pr-false").info
    # Progressive scans hold the same coefficients in fewer bytes.
    assert _size(source, "w-300,f-jpg", progressive) < _size(source, "w-300,f-jpg")
