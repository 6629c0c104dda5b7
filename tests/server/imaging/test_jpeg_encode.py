"""JPEG output through Pillow's libjpeg-turbo: the same pixels, tables (mozjpeg's table 3) and
sampling as libvips' encoder, and libvips kept for what Pillow is not handed."""

from __future__ import annotations

import io

import pytest
import pyvips
from PIL import Image, JpegImagePlugin

from imagekit_server.imaging import jpeg_encode
from imagekit_server.imaging.jpeg_encode import encode_jpeg
from tests.server.media import decode


def _photo_like(width: int, height: int) -> pyvips.Image:
    """Gradients plus noise: every DCT coefficient matters, so encoder differences would show."""
    xyz = pyvips.Image.xyz(width, height)
    noise = pyvips.Image.gaussnoise(width, height, sigma=30, mean=0)
    bands = [xyz[0].linear(255 / width, 0), xyz[1].linear(255 / height, 0), (xyz[0] + xyz[1]) / 3]
    image = bands[0].bandjoin(bands[1:]) + noise
    result: pyvips.Image = image.cast("uchar").copy(interpretation="srgb").copy_memory()
    return result


def _open(data: bytes) -> JpegImagePlugin.JpegImageFile:
    picture = Image.open(io.BytesIO(data))
    assert isinstance(picture, JpegImagePlugin.JpegImageFile)
    return picture


@pytest.mark.parametrize(
    ("quality", "subsample"), [(80, False), (80, True), (95, True), (20, False)]
)
def test_same_pixels_tables_and_sampling_as_libvips(quality: int, subsample: bool) -> None:
    image = _photo_like(160, 96)
    ours = encode_jpeg(
        image, quality=quality, progressive=False, optimize=False, subsample=subsample
    )
    assert ours is not None
    mode = "auto" if subsample else "off"
    theirs = bytes(
        image.jpegsave_buffer(Q=quality, subsample_mode=mode, keep="none", quant_table=3)
    )
    assert _open(ours).quantization == _open(theirs).quantization
    expected = 2 if subsample and quality < 90 else 0  # 4:2:0, else 4:4:4
    assert JpegImagePlugin.get_sampling(_open(ours)) == expected
    assert JpegImagePlugin.get_sampling(_open(theirs)) == expected
    difference = (decode(ours).cast("float") - decode(theirs).cast("float")).abs()
    assert difference.max() <= 1.0


def test_progressive_grey_and_no_metadata() -> None:
    image = _photo_like(64, 48)
    image.set_type(pyvips.GValue.blob_type, "exif-data", b"Exif\x00\x00junk")
    progressive = encode_jpeg(image, quality=80, progressive=True, optimize=True, subsample=False)
    assert progressive is not None
    assert decode(progressive).get("interlaced") == 1
    assert "exif" not in _open(progressive).info
    grey = encode_jpeg(
        image.colourspace("b-w"), quality=80, progressive=False, optimize=False, subsample=True
    )
    assert grey is not None
    assert (_open(grey).mode, decode(grey).bands) == ("L", 1)


def test_libvips_keeps_what_pillow_is_not_handed(monkeypatch: pytest.MonkeyPatch) -> None:
    def encoded(image: pyvips.Image) -> bytes | None:
        return encode_jpeg(image, quality=80, progressive=False, optimize=False, subsample=False)

    image = _photo_like(64, 48)
    assert encoded(image) is not None
    assert encoded(image.colourspace("cmyk")) is None
    assert encoded(image.cast("ushort")) is None
    assert encoded(image.bandjoin(255)) is None  # alpha is flattened before, by encode()
    monkeypatch.setattr(jpeg_encode, "MAX_PIXELS", 64 * 48 - 1)
    assert encoded(image) is None
