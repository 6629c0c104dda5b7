"""A 64-bit pHash as four 16-bit bands, and the band values a near match must share.

Two hashes at Hamming distance ``d`` differ in at most ``d`` bits, spread over four bands, so
one band differs in at most ``d // 4`` bits (pigeonhole). Candidates are therefore the files
with some band within ``d // 4`` bits of the query's band: for ``d <= 3`` exact band equality,
for ``d <= 7`` the 17 values one bit away, for ``d <= 11`` the 137 values up to two bits away.
Every true match is among the candidates; the exact distance is checked on them.
"""

from __future__ import annotations

from itertools import combinations

BANDS = 4
BAND_BITS = 16
MAX_DISTANCE = 11  # beyond, the candidate lists per band grow past a few hundred values


def phash_int(phash: str) -> int | None:
    """The hash as an integer, or None when it is not 16 hex digits."""
    if len(phash) != 16:
        return None
    try:
        return int(phash, 16)
    except ValueError:
        return None


def bands_of(value: int) -> list[int]:
    """Band 0 holds the high 16 bits."""
    mask = (1 << BAND_BITS) - 1
    return [(value >> (BAND_BITS * (BANDS - 1 - band))) & mask for band in range(BANDS)]


def hamming(first: int, second: int) -> int:
    return (first ^ second).bit_count()


def neighbours(value: int, radius: int) -> list[int]:
    """Every 16-bit value within ``radius`` bits of ``value`` (itself first)."""
    found = [value]
    for flips in range(1, radius + 1):
        for bits in combinations(range(BAND_BITS), flips):
            flipped = value
            for bit in bits:
                flipped ^= 1 << bit
            found.append(flipped)
    return found


def band_radius(max_distance: int) -> int:
    return max_distance // BANDS
