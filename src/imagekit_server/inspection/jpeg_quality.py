"""Estimate the quality setting a JPEG was saved with, from its quantisation tables.

Encoders derived from the IJG library scale the two example tables of the JPEG standard
(Annex K) by a factor that depends on the quality; the estimate is the quality whose scaled
tables are closest to the ones stored in the file. libvips does not expose this number.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

# Annex K.1 luminance and chrominance tables, in natural (row-major) order.
_LUMINANCE = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip
_CHROMINANCE = (
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
    *([99] * 32),
)  # fmt: skip

# Position in natural order of the n-th coefficient as stored (zig-zag order) in a DQT segment.
_ZIGZAG = (
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
)  # fmt: skip

_SOI = b"\xff\xd8"
_DQT = 0xDB
_SOS = 0xDA
_EOI = 0xD9
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})


def estimate_jpeg_quality(stream: BinaryIO) -> int:
    """Quality 1-100 of the JPEG read from ``stream``; 0 when no quantisation table is readable.

    Only the segments before the first scan are read; the compressed data is skipped.
    """
    tables = dict(_quantisation_tables(stream))
    luminance = tables.get(0)
    if luminance is None:
        return 0
    chrominance = tables.get(1)

    def error(quality: int) -> int:
        total = _distance(luminance, _scaled(_LUMINANCE, quality))
        if chrominance is not None:
            total += _distance(chrominance, _scaled(_CHROMINANCE, quality))
        return total

    return min(range(1, 101), key=error)


def _scaled(base: tuple[int, ...], quality: int) -> list[int]:
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return [min(max((value * scale + 50) // 100, 1), 255) for value in base]


def _distance(stored: list[int], expected: list[int]) -> int:
    return sum(abs(a - b) for a, b in zip(stored, expected, strict=True))


def _quantisation_tables(stream: BinaryIO) -> Iterator[tuple[int, list[int]]]:
    """(table id, 64 values in natural order) for each DQT table before the first scan."""
    if stream.read(2) != _SOI:
        return
    while True:
        prefix = stream.read(2)
        if len(prefix) < 2 or prefix[0] != 0xFF:
            return
        marker = prefix[1]
        if marker == 0xFF:  # fill byte: the real marker follows
            stream.seek(-1, io.SEEK_CUR)
            continue
        if marker in _STANDALONE_MARKERS:
            continue
        if marker in (_SOS, _EOI):
            return
        length = int.from_bytes(stream.read(2), "big")
        if length < 2:
            return
        if marker == _DQT:
            yield from _parse_dqt(stream.read(length - 2))
        else:
            stream.seek(length - 2, io.SEEK_CUR)


def _parse_dqt(segment: bytes) -> Iterator[tuple[int, list[int]]]:
    position = 0
    while position < len(segment):
        precision, table_id = segment[position] >> 4, segment[position] & 0x0F
        width = 2 if precision else 1
        body = segment[position + 1 : position + 1 + 64 * width]
        if len(body) < 64 * width:
            return
        stored = [int.from_bytes(body[i * width : (i + 1) * width], "big") for i in range(64)]
        natural = [0] * 64
        for index, value in zip(_ZIGZAG, stored, strict=True):
            natural[index] = value
        yield table_id, natural
        position += 1 + 64 * width
