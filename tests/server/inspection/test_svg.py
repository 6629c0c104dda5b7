"""SVG documents read as XML: size, elements after ``<use>`` expansion, refusals."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from imagekit_server.inspection import InspectionError, probe_file
from imagekit_server.inspection.metadata import read_metadata
from imagekit_server.inspection.svg import MAX_DEPTH, SvgError, read_svg
from tests.server.media import LAUGHS, nested_uses

LIMIT = 100_000_000


@pytest.mark.parametrize(
    ("root", "size"),
    [
        ('width="200" height="100"', (200, 100)),
        ('width="10mm" height="1in"', (38, 96)),
        ('width="20pt" height="3pc"', (27, 48)),
        ('viewBox="0 0 300 150"', (300, 150)),
        ('width="600" viewBox="0,0,300,150"', (600, 300)),
        ('height="50" viewBox="0 0 300 150"', (100, 50)),
        ('width="50%" height="20em"', (None, None)),
        ("", (None, None)),
    ],
)
def test_the_size_comes_from_the_root_element(root: str, size: tuple[int, int]) -> None:
    facts = read_svg(f'<svg xmlns="http://www.w3.org/2000/svg" {root}/>'.encode())
    assert (facts.width, facts.height) == size


def test_use_elements_are_counted_expanded() -> None:
    facts = read_svg(nested_uses(6, 10, 100))
    assert facts.elements < 100
    assert facts.instances > 100_000  # what librsvg would draw
    started = time.monotonic()
    with pytest.raises(SvgError) as refused:
        read_svg(nested_uses(30, 10, 100), max_instances=20_000)  # 10**30: counted, not walked
    assert refused.value.over_limit
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "entities"),
        (b'<svg><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>', "cycle"),
        (b'<svg><use xlink:href="#x" id="x" xmlns:xlink="http://www.w3.org/1999/xlink"/></svg>',
         "cycle"),
        (b"<svg>" + b"<g>" * (MAX_DEPTH + 1) + b"</g>" * (MAX_DEPTH + 1) + b"</svg>", "deep"),
        (b"<svg><a></svg>", "well-formed"),
    ],
)  # fmt: skip
def test_hostile_or_broken_documents_are_refused(document: bytes, words: str) -> None:
    with pytest.raises(SvgError, match=words):
        read_svg(document)


def test_upload_probe_and_metadata_never_render_an_svg(tmp_path: Path) -> None:
    path = tmp_path / "laughs.svg"
    path.write_bytes(LAUGHS)  # minutes of librsvg if it were rendered
    started = time.monotonic()
    probe = probe_file(path, "laughs.svg", max_pixels=LIMIT)
    metadata = read_metadata(path, max_pixels=LIMIT)
    assert time.monotonic() - started < 1
    assert (probe.file_type, probe.width, probe.height) == ("image", 1000, 1000)
    assert (metadata["width"], metadata["height"], metadata["pHash"]) == (1000, 1000, "")


def test_a_malformed_svg_upload_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.svg"
    path.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="4"><g></svg>')
    with pytest.raises(InspectionError, match="svg"):
        probe_file(path, "broken.svg", max_pixels=LIMIT)
