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
        piexif.ExifIFD.ComponentsConfiguration: b"\x01\x02\x03\x00",
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
        piexif.GPSIFD.GPSLongitudeRef: b"W",
        piexif.GPSIFD.GPSLongitude: ((77, 1), (35, 1), (2400, 100)),
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


def iim_dataset(dataset: int, value: bytes, record: int = 2) -> bytes:
    """One IPTC-IIM dataset: tag marker, record, dataset number, 16-bit length, value."""
    return bytes([0x1C, record, dataset]) + len(value).to_bytes(2, "big") + value


def photoshop_iptc(datasets: bytes) -> bytes:
    """A JPEG APP13 payload: an unrelated resource, then the IPTC-NAA resource (0x0404)."""

    def resource(resource_id: int, data: bytes) -> bytes:
        padding = b"\x00" * (len(data) % 2)
        # An empty Pascal name takes two bytes (length byte + pad to even).
        header = b"8BIM" + resource_id.to_bytes(2, "big") + b"\x00\x00"
        return header + len(data).to_bytes(4, "big") + data + padding

    return b"Photoshop 3.0\x00" + resource(0x03ED, b"\x00" * 15) + resource(0x0404, datasets)


XMP_PACKET = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    photoshop:City="Pune"
    photoshop:DateCreated="2019-10-16T19:01:03+05:30"
    xmp:Rating="4">
   <dc:subject><rdf:Bag><rdf:li>sea</rdf:li><rdf:li>sky</rdf:li></rdf:Bag></dc:subject>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Evening</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Asha</rdf:li></rdf:Seq></dc:creator>
   <Iptc4xmpCore:CreatorContactInfo rdf:parseType="Resource">
    <Iptc4xmpCore:CiAdrCity>Mumbai</Iptc4xmpCore:CiAdrCity>
   </Iptc4xmpCore:CreatorContactInfo>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
