"""A progressive JPEG without the scans a 1/8-scale decode does not read.

At 1/8 scale libjpeg turns each 8x8 block into one pixel with its 1x1 inverse DCT, which reads
only the DC coefficient. A progressive JPEG stores the AC coefficients in scans of their own
(most of the file), so those scans are Huffman-decoded for nothing. `dc_only_stream` copies
the file with every marker and table kept and those scans left out; libjpeg then decodes the
same pixels in a fraction of the time (a 20 MP progressive 4:2:0 photo: 160-180 ms of CPU down
to 60-72 ms; bench/README.md).

What has to hold for the pixels to stay the same (checked by tests against the full decode):

- A component is left with its DC alone only when libjpeg really decodes it with the 1x1
  IDCT. libjpeg-turbo decodes subsampled chroma with a larger IDCT instead of upsampling
  (4:2:0 chroma at 1/8 uses the 2x2 IDCT, which reads AC coefficients), so those components
  keep all their scans.
- libjpeg's block smoothing for incomplete progressive images would estimate the missing AC
  coefficients and, when all low ones are missing, adjust the DC too. The full file does not
  smooth (it is complete), so the copy must not either: libjpeg skips smoothing when a
  component's first AC quantiser is zero, and the 1x1 IDCT reads only the DC quantiser, so
  the copy zeroes that entry in the tables of the DC-only components (and is not made when
  such a table is shared with a component that needs its AC coefficients).
- Only a complete file is rewritten (every coefficient of every component refined to its
  last bit), so the full decode never smooths either.

Anything else (baseline or arithmetic-coded files, 12-bit samples, DNL, restart or fill
oddities outside scans, truncated or corrupt files) gets None: the caller decodes the
original as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SOI, EOI, SOF2, SOS, DQT, DNL = 0xD8, 0xD9, 0xC2, 0xDA, 0xDB, 0xDC
# Start-of-frame markers other than progressive Huffman (SOF2): left alone.
_OTHER_FRAMES = frozenset({0xC0, 0xC1, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_SEGMENT_MARKERS = [0xC0 <= m <= 0xFE and not 0xD0 <= m <= 0xD7 for m in range(256)]
# Inside entropy-coded data 0xFF is followed by a stuffed zero or a restart marker; anything
# else (a fill 0xFF included) starts the marker that ends the scan. A regular expression runs
# in C whatever the data (a find loop in Python would spend seconds on a file of FF 00 pairs).
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")
_NOT_FILL = re.compile(rb"[^\xff]")
# More segments than any encoder writes (tens): declined, so a file of tiny segments cannot
# keep this loop busy.
MAX_SEGMENTS = 1000


@dataclass
class _Component:
    h: int
    v: int
    table: int
    # The successive-approximation bit each coefficient is known down to (-1: never sent).
    bits: list[int] = field(default_factory=lambda: [-1] * 64)


@dataclass
class _Scan:
    start: int  # offset of the SOS marker
    end: int  # offset just past its entropy-coded data
    components: list[int]
    ss: int


class _Unsupported(Exception):
    """Not a complete progressive JPEG this rewrite is known to be exact for."""


def dc_only_stream(data: bytes) -> bytes | None:
    """``data`` with the AC scans of the components a 1/8-scale decode reads only the DC of
    left out, or None when that would not give the same pixels or saves nothing."""
    try:
        return _rewrite(data)
    except (_Unsupported, IndexError, ValueError):
        return None


def _rewrite(data: bytes) -> bytes | None:
    if data[:2] != b"\xff\xd8":
        raise _Unsupported
    components: dict[int, _Component] = {}
    tables: list[tuple[int, int]] = []  # (offset, end) of each DQT segment's body
    scans: list[_Scan] = []
    position = 2
    for _ in range(MAX_SEGMENTS):
        marker, position = _marker(data, position)
        if marker == EOI:
            end = position
            break
        if marker in _OTHER_FRAMES or marker in (SOI, DNL) or not _SEGMENT_MARKERS[marker]:
            raise _Unsupported  # also RST and TEM outside a scan
        length = int.from_bytes(data[position : position + 2], "big")
        body, position = position + 2, position + length
        if length < 2 or position > len(data):
            raise _Unsupported
        if marker == SOF2:
            if components:
                raise _Unsupported
            components = _frame(data[body:position])
        elif marker == DQT:
            tables.append((body, position))
        elif marker == SOS:
            scan = _scan_header(data[body:position], components, body - 4)
            scan.end = position = _scan_end(data, position)
            scans.append(scan)
    else:
        raise _Unsupported  # more segments than an encoder writes
    if not components or any(bit != 0 for c in components.values() for bit in c.bits):
        raise _Unsupported  # incomplete: the full decode would smooth
    return _assemble(data[:end], components, tables, scans)


def _scan_end(data: bytes, position: int) -> int:
    """The offset of the marker after the entropy-coded data starting at ``position``."""
    match = _SCAN_END.search(data, position)
    if match is None:
        raise _Unsupported  # truncated
    return match.start()


def _marker(data: bytes, position: int) -> tuple[int, int]:
    """The marker at ``position`` (after any fill bytes) and the offset just past it."""
    if data[position] != 0xFF:
        raise _Unsupported
    code = _NOT_FILL.search(data, position)
    if code is None:
        raise _Unsupported
    return data[code.start()], code.start() + 1


def _frame(body: bytes) -> dict[int, _Component]:
    precision, count = body[0], body[5]
    if precision != 8 or not 1 <= count <= 4 or len(body) != 6 + 3 * count:
        raise _Unsupported
    components: dict[int, _Component] = {}
    for offset in range(6, 6 + 3 * count, 3):
        identifier, factors, table = body[offset : offset + 3]
        h, v = factors >> 4, factors & 15
        if identifier in components or not (1 <= h <= 4 and 1 <= v <= 4 and table <= 3):
            raise _Unsupported
        components[identifier] = _Component(h, v, table)
    return components


def _scan_header(body: bytes, components: dict[int, _Component], start: int) -> _Scan:
    count = body[0]
    if not components or not 1 <= count <= 4 or len(body) != 4 + 2 * count:
        raise _Unsupported
    identifiers = [body[1 + 2 * index] for index in range(count)]
    ss, se, approximation = body[1 + 2 * count : 4 + 2 * count]
    ah, al = approximation >> 4, approximation & 15
    valid = (ss == 0 and se == 0) or (1 <= ss <= se <= 63 and count == 1)
    if not valid or len(set(identifiers)) != count or al > 13:
        raise _Unsupported
    for identifier in identifiers:
        component = components.get(identifier)
        if component is None:
            raise _Unsupported
        if ss > 0 and component.bits[0] < 0:
            raise _Unsupported  # AC before DC: libjpeg only warns
        for k in range(ss, se + 1):
            # A first scan must find the coefficient unsent, a refinement one bit above.
            if component.bits[k] != (-1 if ah == 0 else al + 1) or (ah and ah != al + 1):
                raise _Unsupported
            component.bits[k] = al
    return _Scan(start, 0, identifiers, ss)


def _assemble(
    data: bytes,
    components: dict[int, _Component],
    tables: list[tuple[int, int]],
    scans: list[_Scan],
) -> bytes | None:
    dc_only = _dc_only_components(components)
    dropped = [s for s in scans if s.ss > 0 and s.components[0] in dc_only]
    if not dropped:
        return None
    zeroed = {components[identifier].table for identifier in dc_only}
    if any(c.table in zeroed for i, c in components.items() if i not in dc_only):
        return None  # a shared table: zeroing its AC quantiser would change the other pixels
    # Pieces joined once: copying the whole file costs more than the rewrite (fresh pages).
    cuts = sorted([(b, e, True) for b, e in tables] + [(s.start, s.end, False) for s in dropped])
    pieces: list[bytes] = []
    position = 0
    for start, end, is_table in cuts:
        pieces.append(data[position:start])
        if is_table:
            pieces.append(_zero_first_ac_quantiser(data[start:end], zeroed))
        position = end
    pieces.append(data[position:])
    return b"".join(pieces)


def _dc_only_components(components: dict[int, _Component]) -> set[int]:
    """The components libjpeg(-turbo) decodes with the 1x1 IDCT at 1/8 scale: it enlarges
    the IDCT of a component subsampled by 2 or more in both directions instead of
    upsampling it (jdmaster.c, ``jpeg_calc_output_dimensions``)."""
    max_h = max(c.h for c in components.values())
    max_v = max(c.v for c in components.values())
    return {i for i, c in components.items() if c.h * 2 > max_h or c.v * 2 > max_v}


def _zero_first_ac_quantiser(body: bytes, zeroed: set[int]) -> bytes:
    """A DQT segment's body with entry 1 (zigzag order) of each table in ``zeroed`` zeroed."""
    out = bytearray(body)
    offset = 0
    while offset < len(out):
        width = 2 if out[offset] >> 4 else 1  # 8- or 16-bit entries
        if out[offset] >> 4 > 1 or offset + 1 + 64 * width > len(out):
            raise _Unsupported
        if out[offset] & 15 in zeroed:
            out[offset + 1 + width : offset + 1 + 2 * width] = bytes(width)
        offset += 1 + 64 * width
    return bytes(out)
