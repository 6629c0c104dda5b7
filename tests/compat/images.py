"""Fetching delivered images and judging them by their decoded pixels."""

from __future__ import annotations

import requests

from tests.server.media import decode

RED = (255, 0, 0)
BLUE = (0, 0, 255)
TOLERANCE = 40


def fetch(url: str, expected_status: int = 200) -> requests.Response:
    response = requests.get(url, timeout=30)
    assert response.status_code == expected_status, (url, response.status_code, response.text)
    return response


def size_of(data: bytes) -> tuple[int, int]:
    image = decode(data)
    return image.width, image.height


def colour_at(data: bytes, x: int, y: int) -> tuple[int, ...]:
    """RGB at a point; a greyscale image's one band stands for all three."""
    image = decode(data)
    values = image(x, y)
    if image.bands < 3:
        values = [values[0]] * 3
    return tuple(round(value) for value in values[:3])


def assert_colour(data: bytes, x: int, y: int, expected: tuple[int, int, int]) -> None:
    actual = colour_at(data, x, y)
    assert all(abs(a - e) <= TOLERANCE for a, e in zip(actual, expected, strict=True)), (
        f"pixel ({x}, {y}) is {actual}, expected about {expected}"
    )


def assert_two_colour(data: bytes, size: tuple[int, int]) -> None:
    """``data`` decodes to the left-red, right-blue sample at ``size``."""
    assert size_of(data) == size
    width, height = size
    assert_colour(data, width // 4, height // 2, RED)
    assert_colour(data, width * 3 // 4, height // 2, BLUE)


def is_grey(data: bytes, x: int, y: int) -> bool:
    red, green, blue = colour_at(data, x, y)
    return max(red, green, blue) - min(red, green, blue) <= 8


def alpha_at(data: bytes, x: int, y: int) -> int:
    image = decode(data)
    assert image.bands == 4, f"expected an alpha band, got {image.bands} bands"
    alpha: float = image(x, y)[3]
    return round(alpha)


def largest_difference(first: bytes, second: bytes) -> float:
    """The largest per-band difference between two decoded images of one size."""
    one, other = decode(first), decode(second)
    assert (one.width, one.height) == (other.width, other.height)
    bands = min(one.bands, other.bands, 3)
    difference: float = (one[:bands].cast("float") - other[:bands].cast("float")).abs().max()
    return difference
