"""read_metadata: the docs/reference/api.md 2.4 object, judged field by field on generated files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import piexif
import pytest

from imagekit_server.inspection import InspectionError, phash, read_metadata
from tests.server.inspection.exif_blocks import camera_exif, with_blob, write_jpeg
from tests.server.inspection.images import png_bomb, solid_image, structured_image, write

EXIF_SECTIONS = {"image", "thumbnail", "exif", "gps", "interoperability", "makernote"}


@pytest.fixture
def camera_jpeg(tmp_path: Path) -> Path:
    thumbnail = solid_image(16, 12, [10, 20, 30]).jpegsave_buffer()
    image = with_blob(structured_image(1, 100, 68), "exif-data", camera_exif(thumbnail))
    return write_jpeg(image, tmp_path / "camera.jpg", Q=85, profile="srgb")


def test_top_level_fields_of_a_camera_jpeg(camera_jpeg: Path) -> None:
    metadata = read_metadata(camera_jpeg)

    assert metadata["height"] == 68
    assert metadata["width"] == 100
    assert metadata["size"] == camera_jpeg.stat().st_size
    assert metadata["format"] == "jpg"
    assert metadata["hasColorProfile"] is True
    assert metadata["quality"] == 85
    assert metadata["density"] == 72
    assert metadata["hasTransparency"] is False
    assert metadata["pHash"] == phash(camera_jpeg)
    assert re.fullmatch(r"[0-9a-f]{16}", metadata["pHash"])
    assert set(metadata["exif"]) == EXIF_SECTIONS


def test_metadata_is_json_without_nul_characters(camera_jpeg: Path) -> None:
    metadata = read_metadata(camera_jpeg)
    # Cameras write ComponentsConfiguration as the bytes 1 2 3 0.
    assert metadata["exif"]["exif"]["ComponentsConfiguration"] == "\x01\x02\x03"
    assert "\\u0000" not in json.dumps(metadata, allow_nan=False)


def test_exif_image_and_thumbnail_sections(camera_jpeg: Path) -> None:
    exif = read_metadata(camera_jpeg)["exif"]

    image = exif["image"]
    assert image["Make"] == "Canon"
    assert image["Model"] == "Canon EOS 40D"
    assert image["Orientation"] == 1
    assert image["XResolution"] == 72
    assert image["YResolution"] == 72
    assert image["ResolutionUnit"] == 2
    assert image["Software"] == "GIMP 2.4.5"
    assert image["ModifyDate"] == "2008:07:31 10:38:11"
    assert image["YCbCrPositioning"] == 2
    assert isinstance(image["ExifOffset"], int) and image["ExifOffset"] > 0
    assert isinstance(image["GPSInfo"], int) and image["GPSInfo"] > 0

    thumbnail = exif["thumbnail"]
    assert thumbnail["Compression"] == 6
    assert (thumbnail["XResolution"], thumbnail["YResolution"]) == (72, 72)
    assert thumbnail["ResolutionUnit"] == 2
    assert thumbnail["ThumbnailOffset"] > 0
    assert thumbnail["ThumbnailLength"] > 100


def test_exif_details_have_proper_types(camera_jpeg: Path) -> None:
    details = read_metadata(camera_jpeg)["exif"]["exif"]

    assert details["ExposureTime"] == pytest.approx(1 / 160)
    assert details["FNumber"] == pytest.approx(7.1)
    assert details["ExposureProgram"] == 1
    assert details["ISO"] == 100
    assert details["ExifVersion"] == "0221"
    assert details["DateTimeOriginal"] == "2008:05:30 15:56:01"
    assert details["CreateDate"] == "2008:05:30 15:56:02"
    assert details["ShutterSpeedValue"] == pytest.approx(7.375)
    assert details["ApertureValue"] == pytest.approx(5.625)
    assert details["ExposureCompensation"] == pytest.approx(-1 / 3)
    assert details["MeteringMode"] == 5
    assert details["Flash"] == 9
    assert details["FocalLength"] == 135
    assert (details["SubSecTime"], details["SubSecTimeOriginal"]) == ("00", "01")
    assert details["SubSecTimeDigitized"] == "02"
    assert details["FlashpixVersion"] == "0100"
    assert details["ColorSpace"] == 1
    # libvips rewrites the pixel dimensions to match the image it saves.
    assert (details["ExifImageWidth"], details["ExifImageHeight"]) == (100, 68)
    assert isinstance(details["InteropOffset"], int)
    assert details["FocalPlaneXResolution"] == pytest.approx(3240000 / 730)
    assert details["FocalPlaneYResolution"] == pytest.approx(2160000 / 486)
    assert details["FocalPlaneResolutionUnit"] == 2
    assert details["CustomRendered"] == 0
    assert details["ExposureMode"] == 1
    assert (details["WhiteBalance"], details["SceneCaptureType"]) == (0, 0)


def test_exif_gps_and_interoperability(camera_jpeg: Path) -> None:
    exif = read_metadata(camera_jpeg)["exif"]

    assert exif["gps"]["GPSVersionID"] == [2, 2, 0, 0]
    assert exif["gps"]["GPSLatitudeRef"] == "N"
    assert exif["gps"]["GPSLatitude"] == pytest.approx([12, 58, 12.34])
    assert exif["gps"]["GPSLongitudeRef"] == "W"
    assert exif["gps"]["GPSLongitude"] == pytest.approx([77, 35, 24])
    assert exif["interoperability"]["InteropIndex"] == "R98"
    assert exif["makernote"] == {}


@pytest.mark.parametrize("quality", [20, 50, 90])
def test_jpeg_quality_is_estimated(tmp_path: Path, quality: int) -> None:
    path = write_jpeg(structured_image(2, 64, 64), tmp_path / "q.jpg", Q=quality)
    assert read_metadata(path)["quality"] == quality


def test_png_with_alpha_and_density(tmp_path: Path) -> None:
    image = solid_image(40, 30, [200, 100, 0, 128]).copy(xres=300 / 25.4, yres=300 / 25.4)
    path = write(image, tmp_path / "alpha.png", keep="none")

    metadata = read_metadata(path)

    assert (metadata["width"], metadata["height"], metadata["format"]) == (40, 30, "png")
    assert metadata["hasTransparency"] is True
    assert metadata["hasColorProfile"] is False
    assert metadata["quality"] == 0
    assert metadata["density"] == 300
    assert metadata["exif"] == {section: {} for section in EXIF_SECTIONS}


def test_gif_density_defaults_to_72(tmp_path: Path) -> None:
    path = write(solid_image(10, 10, [5, 5, 5]), tmp_path / "g.gif")
    metadata = read_metadata(path)
    assert (metadata["format"], metadata["density"]) == ("gif", 72)


def test_non_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(InspectionError):
        read_metadata(path)


def test_truncated_image_is_refused(tmp_path: Path) -> None:
    whole = write(structured_image(3), tmp_path / "whole.png").read_bytes()
    path = tmp_path / "half.png"
    path.write_bytes(whole[:60])
    with pytest.raises(InspectionError):
        read_metadata(path)


def test_declared_bomb_is_refused_when_a_limit_is_given(tmp_path: Path) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", 50_000, 50_000)
    with pytest.raises(InspectionError, match="too large"):
        read_metadata(bomb, max_pixels=10_000_000)


def test_damaged_exif_block_is_skipped_not_raised(tmp_path: Path) -> None:
    garbage = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff" + b"\x01\x02" * 20
    image = with_blob(structured_image(4, 32, 32), "exif-data", garbage)
    path = write_jpeg(image, tmp_path / "x.jpg")

    metadata = read_metadata(path)

    assert metadata["width"] == 32
    assert set(metadata["exif"]) == EXIF_SECTIONS


def test_fractional_resolutions_are_rounded_to_the_documented_integers(tmp_path: Path) -> None:
    image_ifd = {piexif.ImageIFD.XResolution: (254, 10), piexif.ImageIFD.YResolution: (2, 3)}
    focal_plane = {piexif.ExifIFD.FocalPlaneXResolution: (51, 2)}
    block = piexif.dump({"0th": image_ifd, "Exif": focal_plane})
    path = write_jpeg(
        with_blob(structured_image(2, 32, 32), "exif-data", block), tmp_path / "r.jpg"
    )

    exif = read_metadata(path)["exif"]

    assert (exif["image"]["XResolution"], exif["image"]["YResolution"]) == (25, 1)
    assert isinstance(exif["image"]["XResolution"], int)
    # The description types focal-plane resolutions as numbers: they keep their fraction.
    assert exif["exif"]["FocalPlaneXResolution"] == pytest.approx(25.5)
