"""A file whose decoder error holds raw bytes must not break error handling for the process."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

from imagekit_server.imaging import Limits, TransformationError, parse_transformation, render
from imagekit_server.inspection import InspectionError, phash, probe_file, read_metadata
from tests.server.inspection.hostile_files import BINARY_ERROR_AVIF
from tests.server.inspection.images import structured_image

LIMIT = 10_000_000


def test_every_path_refuses_the_file_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "hostile.avif"
    path.write_bytes(BINARY_ERROR_AVIF)
    for inspect in (
        lambda: probe_file(path, "hostile.avif", max_pixels=LIMIT),
        lambda: read_metadata(path, max_pixels=LIMIT),
        lambda: phash(path),
    ):
        with pytest.raises(InspectionError):
            inspect()
    with pytest.raises(TransformationError) as refused:
        render(BINARY_ERROR_AVIF, parse_transformation("w-10"), accept=None, limits=Limits())
    assert refused.value.status == 400


def test_errors_after_it_are_still_errors(tmp_path: Path) -> None:
    with pytest.raises(pyvips.Error) as first:
        pyvips.Image.new_from_buffer(BINARY_ERROR_AVIF, "")
    assert "\ufffd" in first.value.detail  # the raw byte, replaced
    # An absent field makes pyvips raise and swallow an Error: it used to raise
    # UnicodeDecodeError here, for every image, until the process restarted.
    good = tmp_path / "good.png"
    good.write_bytes(structured_image(1, 24, 16).write_to_buffer(".png"))
    assert probe_file(good, "good.png", max_pixels=LIMIT).width == 24
    assert len(phash(good)) == 16
    assert pyvips.Image.black(2, 2).get_typeof("no-such-field") == 0
