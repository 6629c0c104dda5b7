"""The default JPEG encoder sends fewer bytes than the previous default (4:4:4, the JPEG
standard's tables, baseline) for the same SSIMULACRA2 on a real photograph (docs/encoding.md;
the full comparison with thumbor and imgproxy is bench/bytes_quality.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pyvips
from PIL import Image
from ssimulacra2 import compute_ssimulacra2

from imagekit_server.imaging import OutputDefaults
from imagekit_server.imaging.encode import encode
from imagekit_server.imaging.plan import OutputOptions

ASTRONAUT = Path(__file__).resolve().parents[2] / "data" / "astronaut.jpg"


def _png(image: pyvips.Image) -> io.BytesIO:
    return io.BytesIO(bytes(image.pngsave_buffer(compression=1)))


def _score(reference: pyvips.Image, encoded: bytes) -> float:
    decoded = pyvips.Image.new_from_buffer(encoded, "")
    return float(compute_ssimulacra2(_png(reference), _png(decoded)))


def _previous_default(reference: pyvips.Image) -> bytes:
    picture = Image.frombuffer(
        "RGB", (reference.width, reference.height), reference.write_to_memory()
    )
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=80, subsampling=0)  # 4:4:4, Annex K, baseline
    return output.getvalue()


def test_default_jpeg_is_smaller_at_the_previous_defaults_quality() -> None:
    reference = pyvips.Image.new_from_file(str(ASTRONAUT)).copy_memory()
    before = _previous_default(reference)
    target = _score(reference, before)

    def ours(quality: int) -> bytes:
        return encode(reference, "jpeg", OutputOptions(quality=quality), OutputDefaults())

    low, high = 50, 100  # the lowest quality reaching the target score, by bisection
    assert _score(reference, ours(low)) < target <= _score(reference, ours(high))
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _score(reference, ours(middle)) < target else (low, middle)
    # Measured 0.89 of the previous default's bytes (bench/README.md).
    assert len(ours(high)) < 0.95 * len(before), (high, len(ours(high)), len(before))
    # And at the default quality itself, about a fifth smaller.
    assert len(ours(80)) < 0.85 * len(before)
