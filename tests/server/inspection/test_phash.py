"""phash: near-duplicates hash close together, unrelated images far apart."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import pyvips

from imagekit_server.inspection import InspectionError, phash, phash_distance
from tests.server.inspection.images import solid_image, structured_image, write


def test_hash_is_sixteen_lower_case_hex_digits(tmp_path: Path) -> None:
    value = phash(write(structured_image(1), tmp_path / "a.png"))
    assert re.fullmatch(r"[0-9a-f]{16}", value)


def test_resized_and_recompressed_copies_are_close(tmp_path: Path) -> None:
    original = structured_image(1, 640, 480)
    reference = phash(write(original, tmp_path / "original.png"))

    resized = phash(write(original.resize(0.37), tmp_path / "resized.png"))
    recompressed = phash(write(original, tmp_path / "recompressed.jpg", Q=25))
    webp = phash(write(original.resize(0.5), tmp_path / "half.webp", Q=40))

    assert phash_distance(reference, resized) <= 6
    assert phash_distance(reference, recompressed) <= 6
    assert phash_distance(reference, webp) <= 6


def test_unrelated_images_are_far_apart(tmp_path: Path) -> None:
    reference = phash(write(structured_image(1, 640, 480), tmp_path / "a.png"))
    mirrored_other = structured_image(7, 640, 480).flip("horizontal").flip("vertical")
    checker = solid_image(640, 480, [0, 0, 0]).draw_rect([255, 255, 255], 0, 0, 320, 240, fill=True)
    checker = checker.draw_rect([255, 255, 255], 320, 240, 320, 240, fill=True)

    assert phash_distance(reference, phash(write(mirrored_other, tmp_path / "b.png"))) >= 20
    assert phash_distance(reference, phash(write(checker, tmp_path / "c.png"))) >= 20


def test_alpha_is_flattened_onto_white(tmp_path: Path) -> None:
    opaque = structured_image(2, 200, 200)
    with_alpha = opaque.bandjoin(255)

    assert phash(write(opaque, tmp_path / "o.png")) == phash(write(with_alpha, tmp_path / "a.png"))


def test_flat_images_hash_to_the_dc_bit_only(tmp_path: Path) -> None:
    # Black has a zero DC term too, so no coefficient exceeds the (zero) median.
    cases = {(0, 0, 0): "0000000000000000", (10, 100, 200): "8000000000000000"}
    cases[(255, 255, 255)] = "8000000000000000"
    for colour, expected in cases.items():
        path = write(solid_image(300, 200, list(colour)), tmp_path / "flat.png")
        assert phash(path) == expected


def test_distance_counts_differing_bits() -> None:
    assert phash_distance("0000000000000000", "0000000000000000") == 0
    assert phash_distance("0000000000000000", "ffffffffffffffff") == 64
    assert phash_distance("f0f0f0f0f0f0f0f0", "0f0f0f0f0f0f0f0f") == 64
    assert phash_distance("8000000000000001", "0000000000000000") == 2


def test_non_image_cannot_be_hashed(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not an image")
    with pytest.raises(InspectionError):
        phash(path)


def test_corrupt_image_cannot_be_hashed(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(InspectionError):
        phash(path)


def test_a_header_declaring_too_many_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    """Found by the decoder fuzz: 336 bytes declaring 16,776,972 x 9 pixels took 45 s."""
    data = bytearray(pyvips.Image.black(12, 9).cast("uchar").write_to_buffer(".png"))
    data[16:20] = (16_776_972).to_bytes(4, "big")  # IHDR width
    path = tmp_path / "wide.png"
    path.write_bytes(bytes(data))
    started = time.monotonic()
    with pytest.raises(InspectionError, match="too large"):
        phash(path, max_pixels=1_000_000)
    assert time.monotonic() - started < 1
