"""`e-distort`: perspective (four corner points) and arc distortion
(docs/reference/transformations.md §6.15)."""

from __future__ import annotations

import math
from typing import Any

import pyvips

from imagekit_server.imaging.bands import as_colour_image, with_alpha
from imagekit_server.imaging.errors import invalid
from imagekit_server.imaging.limits import Limits
from imagekit_server.imaging.plan import Distort

_TRANSPARENT = [0.0, 0.0, 0.0, 0.0]


def distort(image: Any, options: Distort, limits: Limits) -> Any:
    image = with_alpha(as_colour_image(image))
    if options.arc is not None:
        return _arc(image, options.arc, limits)
    return _perspective(image, options.points, limits)


def _solve(matrix: list[list[float]], values: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting for the small homography system."""
    size = len(values)
    rows = [[*row, value] for row, value in zip(matrix, values, strict=True)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(rows[r][column]))
        if abs(rows[pivot][column]) < 1e-12:
            raise invalid("'e-distort' points do not form a valid quadrilateral")
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for row in range(size):
            if row != column:
                factor = rows[row][column] / rows[column][column]
                rows[row] = [a - factor * b for a, b in zip(rows[row], rows[column], strict=True)]
    return [rows[i][size] / rows[i][i] for i in range(size)]


def homography(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float]:
    """Coefficients a..h: u = (a x + b y + c) / (g x + h y + 1), v = (d x + e y + f) / (...)."""
    matrix: list[list[float]] = []
    values: list[float] = []
    for (x, y), (u, v) in zip(source, target, strict=True):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        values.append(u)
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values.append(v)
    return _solve(matrix, values)


def _perspective(image: Any, points: tuple[float, ...], limits: Limits) -> Any:
    corners = [(points[i], points[i + 1]) for i in range(0, 8, 2)]
    width, height = image.width, image.height
    source = [(0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height))]
    left = math.floor(min(x for x, _ in corners))
    top = math.floor(min(y for _, y in corners))
    out_width = max(1, math.ceil(max(x for x, _ in corners)) - left)
    out_height = max(1, math.ceil(max(y for _, y in corners)) - top)
    limits.check_output_size(out_width, out_height)
    # Inverse map: for every output pixel, where it comes from in the source.
    a, b, c, d, e, f, g, h = homography([(x - left, y - top) for x, y in corners], source)
    coordinates = pyvips.Image.xyz(out_width, out_height) + 0.5
    x, y = coordinates[0], coordinates[1]
    denominator = x * g + y * h + 1
    source_x = (x * a + y * b + c) / denominator - 0.5
    source_y = (x * d + y * e + f) / denominator - 0.5
    return _sample(image, source_x, source_y)


def _sample(image: Any, source_x: Any, source_y: Any) -> Any:
    index = source_x.bandjoin(source_y)
    return image.mapim(index, extend="background", background=_TRANSPARENT).cast("uchar")


def _arc(image: Any, degrees: float, limits: Limits) -> Any:
    """Bend the image along a circular arc; positive angles curve upwards (a rainbow)."""
    downwards = degrees < 0
    if downwards:
        image = image.flipver()
    sweep = math.radians(abs(degrees))
    inner = image.width / sweep
    outer = inner + image.height
    angles = [-sweep / 2 + sweep * i / 64 for i in range(65)]
    boundary = [(r * math.sin(t), -r * math.cos(t)) for t in angles for r in (inner, outer)]
    if sweep > math.pi:
        boundary += [(-outer, 0.0), (outer, 0.0)]
    left = math.floor(min(x for x, _ in boundary))
    top = math.floor(min(y for _, y in boundary))
    out_width = math.ceil(max(x for x, _ in boundary)) - left
    out_height = math.ceil(max(y for _, y in boundary)) - top
    limits.check_output_size(out_width, out_height)
    coordinates = pyvips.Image.xyz(out_width, out_height) + 0.5
    dx = coordinates[0] + left
    up = (coordinates[1] + top) * -1
    radius = (dx**2 + up**2) ** 0.5
    angle = dx.math2(up, "atan2")  # degrees from straight up, clockwise positive
    angle = (angle > 180).ifthenelse(angle - 360, angle)
    source_x = (angle / abs(degrees) + 0.5) * image.width - 0.5
    source_y = (radius * -1 + outer) - 0.5
    result = _sample(image, source_x, source_y)
    return result.flipver() if downwards else result
