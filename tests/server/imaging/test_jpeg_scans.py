"""Progressive JPEGs without the scans a 1/8 decode does not read: the same pixels as the
full file at 1/8 (compared exactly), from the scan scripts of libjpeg-turbo (Pillow) and
mozjpeg (libvips), every chroma subsampling, grey, restart markers; and whatever a hostile or
broken file holds, the rewrite declines (None) instead of raising or looping."""

from __future__ import annotations

import io
import random
from typing import Any

import numpy as np
import pytest
import pyvips
from PIL import Image

from imagekit_server.imaging import Limits, jpeg_decode, parse_transformation, render
from imagekit_server.imaging.geometry import Resize
from imagekit_server.imaging.jpeg_decode import decode_scaled
from imagekit_server.imaging.jpeg_scans import dc_only_stream
from imagekit_server.imaging.loading import draft_shrink, inspect_source


def _photo_like(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Gradients, edges and noise: every AC scan carries data."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 / width, y * 255 / height, 128 + 60 * np.sin((x + y) / 3)], -1)
    pixels = np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).convert(mode)


def _pillow(mode: str = "RGB", size: tuple[int, int] = (643, 481), **options: Any) -> bytes:
    out = io.BytesIO()
    options = {"quality": 90, **options}
    _photo_like(*size, mode=mode).save(out, "JPEG", progressive=True, **options)
    return out.getvalue()


def _libvips(subsample: str, **options: Any) -> bytes:
    image = pyvips.Image.new_from_buffer(_pillow(subsampling=0), "")
    return bytes(image.jpegsave_buffer(Q=85, interlace=True, subsample_mode=subsample, **options))


def _at_eighth(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as picture:
        picture.draft(picture.mode, (picture.width // 8, picture.height // 8))
        return np.asarray(picture)


def _assert_same_pixels_at_eighth(data: bytes) -> bytes:
    pruned = dc_only_stream(data)
    assert pruned is not None
    assert len(pruned) < len(data)
    full, dc_only = _at_eighth(data), _at_eighth(pruned)
    assert full.shape == dc_only.shape
    assert np.array_equal(full, dc_only)
    return pruned


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda: _pillow(subsampling=0), id="pillow-444"),
        pytest.param(lambda: _pillow(subsampling=1), id="pillow-422"),
        pytest.param(lambda: _pillow(subsampling=2), id="pillow-420"),
        pytest.param(lambda: _pillow(mode="L"), id="pillow-grey"),
        pytest.param(lambda: _pillow(size=(1001, 9)), id="pillow-one-block-row"),
        pytest.param(lambda: _pillow(restart_marker_blocks=3), id="pillow-restart-3-blocks"),
        pytest.param(lambda: _pillow(subsampling=2, restart_marker_rows=1), id="pillow-rst-rows"),
        pytest.param(lambda: _pillow(quality=100, subsampling=2), id="pillow-q100"),
        pytest.param(lambda: _libvips("on"), id="mozjpeg-420"),
        pytest.param(lambda: _libvips("off"), id="mozjpeg-444"),
        pytest.param(lambda: _libvips("on", optimize_scans=True), id="mozjpeg-420-scans"),
        pytest.param(lambda: _libvips("off", optimize_scans=True), id="mozjpeg-444-scans"),
        pytest.param(lambda: _libvips("on", restart_interval=2), id="mozjpeg-restart"),
    ],
)
def test_the_same_pixels_at_one_eighth(source: Any) -> None:
    _assert_same_pixels_at_eighth(source())


def test_most_of_a_444_file_is_left_out() -> None:
    data = _pillow(subsampling=0)
    pruned = _assert_same_pixels_at_eighth(data)
    assert len(pruned) < len(data) / 3


def test_sixteen_bit_quantisation_tables() -> None:
    # Values above 255 make Pillow write 16-bit tables (DQT precision 1).
    table = [300 + k for k in range(64)]
    _assert_same_pixels_at_eighth(_pillow(subsampling=0, qtables=[table, table]))


def test_a_table_shared_with_chroma_that_needs_its_ac_declines() -> None:
    # 4:2:0 chroma is decoded with the 2x2 IDCT at 1/8; zeroing the luma table's first AC
    # quantiser would change it when both share the table.
    table = [10 + k for k in range(64)]
    assert dc_only_stream(_pillow(subsampling=2, qtables=[table])) is None
    assert dc_only_stream(_pillow(subsampling=0, qtables=[table])) is not None


def test_a_baseline_file_declines() -> None:
    out = io.BytesIO()
    _photo_like(64, 64).save(out, "JPEG", quality=90)
    assert dc_only_stream(out.getvalue()) is None


def _scans(data: bytes) -> list[int]:
    return [i for i in range(len(data) - 1) if data[i : i + 2] == b"\xff\xda"]


def test_an_incomplete_file_declines() -> None:
    # Without its last scan (the luma AC refinement) libjpeg would smooth the full decode.
    data = _pillow(subsampling=0)
    last = _scans(data)[-1]
    assert dc_only_stream(data[:last] + b"\xff\xd9") is None


@pytest.mark.parametrize("cut", [2, 20, 200, 2000, -2000, -2, -1])
def test_a_truncated_file_declines(cut: int) -> None:
    assert dc_only_stream(_pillow(subsampling=2)[:cut]) is None


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: d[:2] + b"\xff\xdc\x00\x04\x00\x10" + d[2:], id="dnl"),
        pytest.param(lambda d: d[:2] + b"\xff\xd0" + d[2:], id="restart-outside-a-scan"),
        pytest.param(lambda d: d[:2] + b"\x00" + d[2:], id="junk-between-markers"),
        pytest.param(lambda d: d[:2] + b"\xff\xe1\xff\xff" + d[2:], id="length-past-the-end"),
        pytest.param(lambda d: d[:2] + b"\xff\xe1\x00\x01" + d[2:], id="length-too-small"),
        pytest.param(lambda d: d.replace(b"\xff\xc2", b"\xff\xc0", 1), id="baseline-frame"),
        pytest.param(lambda d: d.replace(b"\xff\xc2", b"\xff\xca", 1), id="arithmetic-frame"),
        pytest.param(lambda d: d[:2] + d[_scans(d)[0] :], id="scan-before-frame"),
        pytest.param(lambda d: d + d[2:], id="second-frame-after-eoi-is-ignored"),
        pytest.param(lambda d: d[: _scans(d)[1]] + d[_scans(d)[1] :], id="unchanged"),
    ],
)
def test_hostile_structure(edit: Any) -> None:
    data = _pillow(subsampling=0)
    edited = edit(data)
    pruned = dc_only_stream(edited)
    if edited[: len(data)] == data:  # only trailing bytes after EOI, which libjpeg ignores
        assert pruned is not None and np.array_equal(_at_eighth(pruned), _at_eighth(data))
    else:
        assert pruned is None


def test_fill_bytes_before_markers_are_kept_legal() -> None:
    data = _pillow(subsampling=0)
    filled = data.replace(b"\xff\xda", b"\xff\xff\xff\xda").replace(b"\xff\xc4", b"\xff\xff\xc4")
    pruned = dc_only_stream(filled)
    assert pruned is not None
    assert np.array_equal(_at_eighth(pruned), _at_eighth(data))


def test_a_scan_that_repeats_or_skips_a_refinement_declines() -> None:
    data = _pillow(subsampling=0)
    first, second = _scans(data)[0], _scans(data)[1]
    repeated = data[:second] + data[first:second] + data[second:]  # the DC scan twice
    assert dc_only_stream(repeated) is None


def test_random_corruption_never_raises() -> None:
    data = _pillow(subsampling=2, size=(200, 150), restart_marker_blocks=5)
    rng = random.Random(11)
    for _ in range(400):
        corrupt = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            corrupt[rng.randrange(len(corrupt))] = rng.choice([0x00, 0xFF, rng.randrange(256)])
        pruned = dc_only_stream(bytes(corrupt))
        assert pruned is None or isinstance(pruned, bytes)
    for length in range(0, 700):
        dc_only_stream(data[:length])
    assert dc_only_stream(b"\xff\xd8" + b"\xff" * 10_000) is None


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(b"\xff\xd8" + b"\xff" * 20_000_000, id="fill-bytes"),
        pytest.param(b"\xff\xd8" + b"\xff\xfe\x00\x02" * 5_000_000, id="tiny-segments"),
        pytest.param(
            lambda: _pillow(subsampling=0)[:-2] + b"\xff\x00" * 10_000_000, id="stuffed-bytes"
        ),
    ],
)
def test_large_hostile_files_decline(hostile: Any) -> None:
    # Shapes that would keep a byte-at-a-time Python loop busy for seconds (the rewrite
    # searches with regular expressions and caps the segments; about 0.1 s each here).
    data = hostile() if callable(hostile) else hostile
    assert dc_only_stream(data) is None


@pytest.mark.parametrize("subsampling", [0, 2])
def test_decode_scaled_gives_the_same_image_with_and_without(
    subsampling: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = _photo_like(803, 611)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(out, "JPEG", progressive=True, subsampling=subsampling, exif=exif, quality=90)
    data = out.getvalue()
    pruned = decode_scaled(data, 8)
    monkeypatch.setattr(jpeg_decode, "_PRUNE_SCANS", False)
    full = decode_scaled(data, 8)
    assert pruned is not None and full is not None
    assert (pruned.width, pruned.height) == (full.width, full.height) == (101, 77)
    assert (pruned - full).abs().max() == 0
    assert pruned.get("orientation") == 6
    assert pruned.get("exif-data") == full.get("exif-data")


@pytest.mark.parametrize("size", [(5, 5), (7, 40), (8, 8), (9, 17)])
def test_decode_scaled_of_tiny_images(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _pillow(size=size, subsampling=0)
    pruned = decode_scaled(data, 8)
    monkeypatch.setattr(jpeg_decode, "_PRUNE_SCANS", False)
    full = decode_scaled(data, 8)
    assert pruned is not None and full is not None
    assert (pruned.width, pruned.height) == (full.width, full.height)
    assert (pruned - full).abs().max() == 0


@pytest.mark.parametrize("chain", ["w-100", "w-100,h-60,c-maintain_ratio,q-80", "w-90,md-true"])
def test_a_render_of_a_progressive_source_is_byte_identical(
    chain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _pillow(subsampling=2, size=(960, 640), exif=Image.Exif().tobytes())
    assert dc_only_stream(data) is not None
    assert draft_shrink(inspect_source(data, Limits()), Resize(100, 67)) == 8
    pruned = render(data, parse_transformation(chain), accept=None, limits=Limits())
    monkeypatch.setattr(jpeg_decode, "_PRUNE_SCANS", False)
    full = render(data, parse_transformation(chain), accept=None, limits=Limits())
    assert pruned.data == full.data
