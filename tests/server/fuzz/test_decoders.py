"""Fuzz every decoder path the server has (upload probe, metadata, pHash, embedded metadata,
delivery render) with mutated, truncated and garbage versions of small valid files of each
format it reads. Decoding runs in a child process with a time limit per input
(``decoder_harness``), so a crash or a hang fails the test instead of the test run.

CI tries a few dozen inputs per format; ``make fuzz`` (``FUZZ_EXAMPLES``) tries many more.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pyvips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.fuzz.budget import examples
from tests.server.fuzz.decoder_harness import DecoderProcess

TIME_LIMIT = 20.0  # per input, for all paths together: ms normally, seconds on a busy machine
INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]
SVG_SEED = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink" width="12" height="9" viewBox="0 0 12 9">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
    b'<filter id="f"><feGaussianBlur stdDeviation="1"/></filter></defs>'
    b'<rect id="r" width="6" height="4" fill="url(#g)" filter="url(#f)"/>'
    b'<use xlink:href="#r" x="6"/><text x="1" y="8" font-size="4">Hi</text></svg>'
)


def _seed(suffix: str) -> bytes:
    """A small valid file: a gradient with alpha, so encoders use their usual features."""
    ramp = pyvips.Image.xyz(12, 9).extract_band(0) * 20
    image = ramp.bandjoin([ramp.fliphor(), ramp, ramp + 30])
    data: bytes = image.cast("uchar").write_to_buffer(suffix)
    return data


SEEDS = {
    "jpeg": lambda: _seed(".jpg"),
    "png": lambda: _seed(".png"),
    "webp": lambda: _seed(".webp"),
    "gif": lambda: _seed(".gif"),
    "avif": lambda: _seed(".avif"),
    "tiff": lambda: _seed(".tif"),
    "svg": lambda: SVG_SEED,
}


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with a few byte-level edits, truncated, or its magic followed by garbage."""
    shape = draw(st.sampled_from(["edits", "edits", "truncated", "garbage"]))
    if shape == "garbage":
        return seed[:12] + draw(st.binary(max_size=600))
    data = bytearray(seed)
    if shape == "truncated":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["byte", "integer", "insert", "delete"]))
        if edit == "byte":
            data[at] = draw(st.integers(0, 255))
        elif edit == "integer":  # sizes, offsets and counts live in 2- and 4-byte fields
            width = draw(st.sampled_from([2, 4]))
            value = draw(st.sampled_from(INTERESTING)) & (256**width - 1)
            order = draw(st.sampled_from(["big", "little"]))
            data[at : at + width] = value.to_bytes(width, order)
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


@pytest.fixture(scope="module")
def decoder() -> Iterator[DecoderProcess]:
    process = DecoderProcess(TIME_LIMIT)
    yield process
    process.stop()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_the_seed_decodes(decoder: DecoderProcess, name: str) -> None:
    """Without this the fuzz below could pass by never reaching a decoder."""
    assert decoder.problem(SEEDS[name]()) is None


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_no_input_crashes_or_hangs_a_decoder(decoder: DecoderProcess, name: str) -> None:
    seed = SEEDS[name]()

    @settings(
        max_examples=examples(20),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=mutated(seed))
    def check(data: bytes) -> None:
        problem = decoder.problem(data)
        assert problem is None, f"{problem}\ninput ({len(data)} bytes): {data[:200]!r}"

    check()
