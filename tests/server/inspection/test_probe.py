"""probe_file: detection by content, geometry, and refusal of corrupt or oversized images."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
import pyvips

from imagekit_server.inspection import InspectionError, Probe, probe_file
from tests.server.inspection.images import (
    jpeg_with_declared_size,
    png_bomb,
    solid_image,
    structured_image,
    write,
)

LIMIT = 50_000_000


@pytest.mark.parametrize(
    ("suffix", "expected_format", "expected_mime"),
    [
        (".jpg", "jpg", "image/jpeg"),
        (".png", "png", "image/png"),
        (".webp", "webp", "image/webp"),
        (".gif", "gif", "image/gif"),
        (".avif", "avif", "image/avif"),
        (".tif", "tiff", "image/tiff"),
    ],
)
def test_detects_format_by_content_not_name(
    tmp_path: Path, suffix: str, expected_format: str, expected_mime: str
) -> None:
    written = write(structured_image(1, 120, 90), tmp_path / f"picture{suffix}")
    renamed = written.rename(tmp_path / "misleading.txt")

    probe = probe_file(renamed, "misleading.txt", max_pixels=LIMIT)

    assert probe.file_type == "image"
    assert probe.format == expected_format
    assert probe.mime == expected_mime
    assert (probe.width, probe.height) == (120, 90)
    assert probe.pages == 1


def test_alpha_is_reported_for_png_with_alpha_band(tmp_path: Path) -> None:
    with_alpha = write(solid_image(10, 10, [1, 2, 3, 128]), tmp_path / "a.png")
    without_alpha = write(solid_image(10, 10, [1, 2, 3]), tmp_path / "b.png")

    assert probe_file(with_alpha, "a.png", max_pixels=LIMIT).has_alpha is True
    assert probe_file(without_alpha, "b.png", max_pixels=LIMIT).has_alpha is False


def test_gif_alpha_only_when_a_colour_is_transparent(tmp_path: Path) -> None:
    half_clear = solid_image(20, 20, [200, 10, 10]).bandjoin(
        solid_image(20, 20, [0]).draw_rect(255, 0, 0, 10, 20, fill=True)
    )
    opaque = write(solid_image(20, 20, [200, 10, 10]), tmp_path / "opaque.gif")
    transparent = write(half_clear, tmp_path / "clear.gif")

    assert probe_file(opaque, "x.gif", max_pixels=LIMIT).has_alpha is False
    assert probe_file(transparent, "x.gif", max_pixels=LIMIT).has_alpha is True


def test_animated_gif_counts_pages_against_the_limit(tmp_path: Path) -> None:
    frames = [solid_image(30, 20, [value, 0, 0]) for value in (0, 120, 240)]
    strip = frames[0].join(frames[1], "vertical").join(frames[2], "vertical")
    strip = strip.copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", 20)
    animated = write(strip, tmp_path / "anim.gif")

    probe = probe_file(animated, "anim.gif", max_pixels=LIMIT)
    assert (probe.width, probe.height, probe.pages) == (30, 20, 3)

    with pytest.raises(InspectionError, match="too large"):
        probe_file(animated, "anim.gif", max_pixels=30 * 20 * 3 - 1)


def test_exif_orientation_is_read(tmp_path: Path) -> None:
    image = structured_image(2, 64, 48).copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", 6)
    path = write(image, tmp_path / "rotated.jpg")

    probe = probe_file(path, "rotated.jpg", max_pixels=LIMIT)

    assert probe.orientation == 6
    # Dimensions are those stored in the file, before any rotation.
    assert (probe.width, probe.height) == (64, 48)


def test_png_without_exif_has_no_orientation(tmp_path: Path) -> None:
    path = write(solid_image(8, 8, [0, 0, 0]), tmp_path / "plain.png", keep="none")
    assert probe_file(path, "plain.png", max_pixels=LIMIT).orientation is None


def test_svg_is_an_image_unless_disallowed(tmp_path: Path) -> None:
    path = tmp_path / "logo.svg"
    path.write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        '<rect width="100" height="100" fill="red"/></svg>'
    )

    probe = probe_file(path, "logo.svg", max_pixels=LIMIT)
    assert (probe.file_type, probe.format, probe.mime) == ("image", "svg", "image/svg+xml")
    assert (probe.width, probe.height, probe.has_alpha) == (200, 100, True)

    refused = probe_file(path, "logo.svg", max_pixels=LIMIT, allow_svg=False)
    assert refused == Probe(file_type="non-image", format="svg", mime="image/svg+xml")


def test_html_with_inline_svg_is_not_an_svg_image(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text('<!DOCTYPE html><html><body><svg width="10" height="10"></svg></body></html>')

    probe = probe_file(path, "page.html", max_pixels=LIMIT)

    assert (probe.file_type, probe.mime) == ("non-image", "text/html")


def test_svg_declaring_a_huge_canvas_is_refused_before_rendering(tmp_path: Path) -> None:
    path = tmp_path / "huge.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="60000" height="60000">'
        '<rect width="60000" height="60000" fill="red"/></svg>'
    )
    started = time.monotonic()

    with pytest.raises(InspectionError, match="too large"):
        probe_file(path, "huge.svg", max_pixels=LIMIT)

    assert time.monotonic() - started < 1.0


def test_non_image_mime_comes_from_the_name(tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(b"hello, world\n")

    probe = probe_file(path, "notes.txt", max_pixels=LIMIT)

    assert probe == Probe(file_type="non-image", format="txt", mime="text/plain")
    unknown = probe_file(path, "blob", max_pixels=LIMIT)
    assert (unknown.format, unknown.mime) == ("", "application/octet-stream")


def test_pdf_is_a_non_image_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "doc"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")

    probe = probe_file(path, "scan.dat", max_pixels=LIMIT)

    assert (probe.file_type, probe.format, probe.mime) == ("non-image", "pdf", "application/pdf")


def test_text_resembling_a_libvips_matrix_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "matrix.mat"
    path.write_text("2 2\n1 2\n3 4\n")

    assert probe_file(path, "matrix.mat", max_pixels=LIMIT).file_type == "non-image"


@pytest.mark.parametrize(("width", "height"), [(1, 1), (10, 5), (7, 3), (9, 300)])
def test_tiny_images_are_valid(tmp_path: Path, width: int, height: int) -> None:
    # A reduced decode must never shrink a small JPEG below one pixel ("bad dimensions").
    for suffix in (".jpg", ".png", ".webp"):
        image = (pyvips.Image.xyz(width, height)[0] * 20).cast("uchar").bandjoin([90, 200])
        path = write(image, tmp_path / f"tiny{suffix}")
        probe = probe_file(path, f"tiny{suffix}", max_pixels=LIMIT)
        assert (probe.width, probe.height) == (width, height)


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp", ".gif"])
def test_truncated_images_are_corrupt(tmp_path: Path, suffix: str) -> None:
    whole = write(structured_image(3, 300, 200), tmp_path / f"whole{suffix}").read_bytes()
    truncated = tmp_path / f"half{suffix}"
    truncated.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(InspectionError, match="corrupt") as raised:
        probe_file(truncated, f"half{suffix}", max_pixels=LIMIT)
    assert str(tmp_path) not in raised.value.message


def test_image_with_only_a_signature_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "sig.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)

    with pytest.raises(InspectionError, match="corrupt"):
        probe_file(path, "sig.png", max_pixels=LIMIT)


def test_declared_png_bomb_fails_fast_with_little_memory(tmp_path: Path) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", 50_000, 50_000)
    assert bomb.stat().st_size < 1000
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()

    with pytest.raises(InspectionError, match="too large"):
        probe_file(bomb, "bomb.png", max_pixels=LIMIT)

    assert time.monotonic() - started < 1.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory_before
    assert grown_kib < 50 * 1024


def test_declared_jpeg_bomb_fails_fast(tmp_path: Path) -> None:
    small = write(structured_image(4, 64, 64), tmp_path / "small.jpg").read_bytes()
    bomb = tmp_path / "bomb.jpg"
    bomb.write_bytes(jpeg_with_declared_size(small, 50_000, 50_000))
    started = time.monotonic()

    with pytest.raises(InspectionError, match="50000x50000"):
        probe_file(bomb, "bomb.jpg", max_pixels=LIMIT)

    assert time.monotonic() - started < 1.0


def test_limit_is_inclusive(tmp_path: Path) -> None:
    path = write(solid_image(100, 50, [9, 9, 9]), tmp_path / "exact.png")

    assert probe_file(path, "exact.png", max_pixels=5000).width == 100
    with pytest.raises(InspectionError):
        probe_file(path, "exact.png", max_pixels=4999)


def test_a_file_the_server_cannot_read_is_not_reported_as_the_clients_fault(
    tmp_path: Path,
) -> None:
    """The caller's own copy went missing: a server failure (500), not a corrupt upload."""
    with pytest.raises(FileNotFoundError):
        probe_file(tmp_path / "absent.jpg", "absent.jpg", max_pixels=LIMIT)


def test_large_jpeg_is_probed_in_about_one_decode(tmp_path: Path) -> None:
    path = write(structured_image(5, 4000, 3000), tmp_path / "big.jpg", Q=95)
    assert path.stat().st_size > 5_000_000  # noisy pixels compress badly, like photos
    started = time.monotonic()
    pyvips.Image.jpegload(str(path), access="sequential", revalidate=True).avg()
    full_decode = time.monotonic() - started

    started = time.monotonic()
    probe = probe_file(path, "big.jpg", max_pixels=LIMIT)
    probing = time.monotonic() - started

    assert (probe.width, probe.height) == (4000, 3000)
    assert probing < max(2 * full_decode, 0.5)


def test_tiff_pages_of_different_sizes_are_verified_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "pyramid.tif"
    structured_image(6, 400, 300).tiffsave(str(path), pyramid=True, tile=True)

    probe = probe_file(path, "pyramid.tif", max_pixels=LIMIT)
    assert (probe.width, probe.height, probe.format) == (400, 300, "tiff")
    assert probe.pages > 1

    truncated = tmp_path / "cut.tif"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    with pytest.raises(InspectionError, match="corrupt"):
        probe_file(truncated, "cut.tif", max_pixels=LIMIT)
