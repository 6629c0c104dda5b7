"""read_embedded_metadata: EXIF, IPTC and XMP consolidated with PascalCase keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagekit_server.inspection import read_embedded_metadata
from tests.server.inspection.exif_blocks import (
    XMP_PACKET,
    camera_exif,
    iim_dataset,
    photoshop_iptc,
    with_blob,
    write_jpeg,
)
from tests.server.inspection.images import solid_image, structured_image, write

IPTC_DATASETS = b"".join(
    [
        iim_dataset(0, b"\x00\x04"),
        iim_dataset(5, b"The Title"),
        iim_dataset(25, b"Keyword1"),
        iim_dataset(25, "Schlüsselwort".encode()),
        iim_dataset(25, b"Keyword3"),
        iim_dataset(55, b"20191016"),
        iim_dataset(60, b"190103+0530"),
        iim_dataset(80, b"Creator1"),
        iim_dataset(90, b"Bengaluru"),
        iim_dataset(116, b"Copyright Notice"),
        iim_dataset(120, b"The caption"),
        iim_dataset(7, b"ignored: record 1", record=1),
    ]
)


@pytest.fixture
def tagged_jpeg(tmp_path: Path) -> Path:
    image = structured_image(1, 100, 68)
    thumbnail = solid_image(8, 8, [0, 0, 0]).jpegsave_buffer()
    image = with_blob(image, "exif-data", camera_exif(thumbnail))
    image = with_blob(image, "iptc-data", photoshop_iptc(IPTC_DATASETS))
    image = with_blob(image, "xmp-data", XMP_PACKET)
    return write_jpeg(image, tmp_path / "tagged.jpg")


def test_exif_values_are_readable(tagged_jpeg: Path) -> None:
    embedded = read_embedded_metadata(tagged_jpeg)

    assert embedded["Make"] == "Canon"
    assert embedded["Orientation"] == "Horizontal (normal)"
    assert embedded["XResolution"] == 72
    assert embedded["YResolution"] == 72
    assert embedded["ResolutionUnit"] == "inches"
    assert embedded["DateTimeOriginal"] == "2008-05-30T15:56:01.000Z"
    assert embedded["ModifyDate"] == "2008-07-31T10:38:11.000Z"
    assert embedded["ISO"] == 100
    assert embedded["FNumber"] == pytest.approx(7.1)
    assert embedded["ExposureProgram"] == "Manual"
    assert embedded["ColorSpace"] == "sRGB"
    assert embedded["GPSVersionID"] == [2, 2, 0, 0]
    # Coordinates become signed decimal degrees (what LocationTaken search compares).
    assert embedded["GPSLatitude"] == pytest.approx(12 + 58 / 60 + 12.34 / 3600)
    assert embedded["GPSLongitude"] == pytest.approx(-(77 + 35 / 60 + 24 / 3600))
    assert embedded["Artist"] == "Creator One"
    # Offsets between IFDs are file structure, not metadata.
    assert "ExifOffset" not in embedded
    assert "GPSInfo" not in embedded


def test_iptc_values_and_dates(tagged_jpeg: Path) -> None:
    embedded = read_embedded_metadata(tagged_jpeg)

    assert embedded["Keywords"] == ["Keyword1", "Schlüsselwort", "Keyword3"]
    assert embedded["ObjectName"] == "The Title"
    assert embedded["Byline"] == "Creator1"
    assert embedded["City"] == "Bengaluru"  # IPTC comes before XMP (photoshop:City "Pune")
    assert embedded["CopyrightNotice"] == "Copyright Notice"
    assert embedded["CaptionAbstract"] == "The caption"
    assert embedded["ApplicationRecordVersion"] == 4
    assert embedded["DateCreated"] == "2019-10-16"
    assert embedded["TimeCreated"] == "19:01:03+05:30"
    assert embedded["DateTimeCreated"] == "2019-10-16T13:31:03.000Z"
    assert "EditStatus" not in embedded  # dataset 1:7 is envelope, not application, data


def test_xmp_values(tagged_jpeg: Path) -> None:
    embedded = read_embedded_metadata(tagged_jpeg)

    assert embedded["Subject"] == ["sea", "sky"]
    assert embedded["Title"] == "Evening"
    assert embedded["Creator"] == ["Asha"]
    assert embedded["Rating"] == "4"
    assert embedded["CiAdrCity"] == "Mumbai"


def test_xmp_only_png_takes_keywords_from_subject(tmp_path: Path) -> None:
    image = with_blob(solid_image(20, 20, [1, 2, 3]), "xmp-data", XMP_PACKET)
    path = write(image, tmp_path / "x.png")

    embedded = read_embedded_metadata(path)

    assert embedded["Keywords"] == ["sea", "sky"]
    assert embedded["City"] == "Pune"
    assert embedded["DateCreated"] == "2019-10-16T19:01:03+05:30"
    assert embedded["DateTimeCreated"] == "2019-10-16T13:31:03.000Z"


def test_image_without_metadata_gives_an_empty_object(tmp_path: Path) -> None:
    path = write_jpeg(structured_image(2, 30, 30), tmp_path / "bare.jpg", keep="none")
    assert read_embedded_metadata(path) == {}


def test_non_image_and_corrupt_files_give_an_empty_object(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage")

    assert read_embedded_metadata(text) == {}
    assert read_embedded_metadata(broken) == {}
    assert read_embedded_metadata(tmp_path / "missing.jpg") == {}


def test_a_bad_block_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    image = with_blob(structured_image(3, 40, 40), "xmp-data", b"<x:xmpmeta><unclosed>")
    image = with_blob(image, "iptc-data", photoshop_iptc(iim_dataset(25, b"kept")))
    path = write_jpeg(image, tmp_path / "mixed.jpg")

    assert read_embedded_metadata(path)["Keywords"] == ["kept"]
