"""EXIF blocks for tests, built with piexif (independent of the exifread parser under test)."""

from __future__ import annotations

from pathlib import Path

import piexif
import pyvips


def camera_exif(thumbnail: bytes) -> bytes:
    """An EXIF block like a camera writes: IFD0, Exif, GPS, Interop and a thumbnail IFD."""
    zeroth = {
        piexif.ImageIFD.Make: b"Canon",
        piexif.ImageIFD.Model: b"Canon EOS 40D",
        piexif.ImageIFD.Orientation: 1,
        piexif.ImageIFD.XResolution: (72, 1),
        piexif.ImageIFD.YResolution: (72, 1),
        piexif.ImageIFD.ResolutionUnit: 2,
        piexif.ImageIFD.Software: b"GIMP 2.4.5",
        piexif.ImageIFD.DateTime: b"2008:07:31 10:38:11",
        piexif.ImageIFD.YCbCrPositioning: 2,
        piexif.ImageIFD.Artist: b"Creator One",
    }
    exif = {
        piexif.ExifIFD.ExposureTime: (1, 160),
        piexif.ExifIFD.FNumber: (71, 10),
        piexif.ExifIFD.ExposureProgram: 1,
        piexif.ExifIFD.ISOSpeedRatings: 100,
        piexif.ExifIFD.ExifVersion: b"0221",
        piexif.ExifIFD.DateTimeOriginal: b"2008:05:30 15:56:01",
        piexif.ExifIFD.DateTimeDigitized: b"2008:05:30 15:56:02",
        piexif.ExifIFD.ShutterSpeedValue: (59, 8),
        piexif.ExifIFD.ApertureValue: (45, 8),
        piexif.ExifIFD.ExposureBiasValue: (-1, 3),
        piexif.ExifIFD.MeteringMode: 5,
        piexif.ExifIFD.Flash: 9,
        piexif.ExifIFD.FocalLength: (135, 1),
        piexif.ExifIFD.SubSecTime: b"00",
        piexif.ExifIFD.SubSecTimeOriginal: b"01",
        piexif.ExifIFD.SubSecTimeDigitized: b"02",
        piexif.ExifIFD.FlashpixVersion: b"0100",
        piexif.ExifIFD.ColorSpace: 1,
        piexif.ExifIFD.FocalPlaneXResolution: (3240000, 730),
        piexif.ExifIFD.FocalPlaneYResolution: (2160000, 486),
        piexif.ExifIFD.FocalPlaneResolutionUnit: 2,
        piexif.ExifIFD.CustomRendered: 0,
        piexif.ExifIFD.ExposureMode: 1,
        piexif.ExifIFD.WhiteBalance: 0,
        piexif.ExifIFD.SceneCaptureType: 0,
    }
    gps = {
        piexif.GPSIFD.GPSVersionID: (2, 2, 0, 0),
        piexif.GPSIFD.GPSLatitudeRef: b"N",
        piexif.GPSIFD.GPSLatitude: ((12, 1), (58, 1), (1234, 100)),
    }
    interop = {piexif.InteropIFD.InteroperabilityIndex: b"R98"}
    first = {
        piexif.ImageIFD.Compression: 6,
        piexif.ImageIFD.XResolution: (72, 1),
        piexif.ImageIFD.YResolution: (72, 1),
        piexif.ImageIFD.ResolutionUnit: 2,
    }
    exif_dict = {
        "0th": zeroth,
        "Exif": exif,
        "GPS": gps,
        "Interop": interop,
        "1st": first,
        "thumbnail": thumbnail,
    }
    block: bytes = piexif.dump(exif_dict)
    return block


def with_blob(image: pyvips.Image, field: str, data: bytes) -> pyvips.Image:
    """A copy of ``image`` carrying ``data`` as the metadata blob ``field`` (e.g. exif-data)."""
    copy = image.copy()
    copy.set_type(pyvips.GValue.blob_type, field, data)
    return copy


def write_jpeg(image: pyvips.Image, path: Path, **options: object) -> Path:
    image.jpegsave(str(path), **options)
    return path
