"""``embeddedMetadata.LocationTaken`` areas: a circle, a box or a four-vertex polygon.

Areas are tested in portable SQL arithmetic (no trigonometric SQL functions, which SQLite may
lack): the circle uses an equirectangular projection around its centre, accurate for the
city-scale radii this filter is meant for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from imagekit_server.search.errors import SearchQueryError
from imagekit_server.search.syntax_tree import Value

KM_PER_DEGREE = 111.195  # great-circle kilometres per degree on a 6371 km sphere
_POINT = r"\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*"
_CIRCLE = re.compile(rf"^{_POINT}\s(\d+(?:\.\d+)?)\s*(km|m)\s*$", re.IGNORECASE)
_POINT_ONLY = re.compile(rf"^{_POINT}$")


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


@dataclass(frozen=True)
class Circle:
    centre: Point
    radius_km: float


@dataclass(frozen=True)
class Box:
    corner: Point
    opposite: Point


@dataclass(frozen=True)
class Polygon:
    vertices: tuple[Point, ...]


Area = Circle | Box | Polygon


def read_area(value: Value, field: str) -> Area:
    """Parse ``"lat,lng 10km"``, ``"lat,lng|lat,lng"`` or four ``|``-separated points."""
    text = value.text.strip()
    circle = _CIRCLE.match(text)
    if circle:
        radius = float(circle[3]) / (1000 if circle[4].lower() == "m" else 1)
        return Circle(_point(circle[1], circle[2], value, field), radius)
    points = [_POINT_ONLY.match(part) for part in text.split("|")]
    if all(points) and len(points) in (2, 4):
        vertices = tuple(_point(m[1], m[2], value, field) for m in points if m)
        return Box(*vertices) if len(vertices) == 2 else Polygon(vertices)
    raise SearchQueryError(
        f"Invalid value {value.display} at position {value.position} for {field}: expected "
        '"lat,lng 10km", "lat,lng|lat,lng" or four "lat,lng" points separated by "|"',
        value.position,
    )


def _point(lat_text: str, lng_text: str, value: Value, field: str) -> Point:
    lat, lng = float(lat_text), float(lng_text)
    if -90 <= lat <= 90 and -180 <= lng <= 180:
        return Point(lat, lng)
    raise SearchQueryError(
        f"Invalid value {value.display} at position {value.position} for {field}: "
        "latitude must be within ±90 and longitude within ±180",
        value.position,
    )


def contains(
    area: Area, lat: ColumnElement[float], lng: ColumnElement[float]
) -> ColumnElement[bool]:
    """SQL that is true when the point (lat, lng) lies in ``area``."""
    if isinstance(area, Circle):
        return _in_circle(area, lat, lng)
    if isinstance(area, Box):
        south, north = sorted((area.corner.lat, area.opposite.lat))
        west, east = sorted((area.corner.lng, area.opposite.lng))
        return sa.and_(lat.between(south, north), lng.between(west, east))
    return _in_polygon(area, lat, lng)


def _in_circle(
    area: Circle, lat: ColumnElement[float], lng: ColumnElement[float]
) -> ColumnElement[bool]:
    degrees = area.radius_km / KM_PER_DEGREE
    shrink = math.cos(math.radians(area.centre.lat))
    north_south = lat - area.centre.lat
    east_west = (lng - area.centre.lng) * shrink
    within_box = sa.and_(  # cheap pre-filter; the distance test below decides
        lat.between(area.centre.lat - degrees, area.centre.lat + degrees),
    )
    return sa.and_(
        within_box, north_south * north_south + east_west * east_west <= degrees * degrees
    )


def _in_polygon(
    area: Polygon, lat: ColumnElement[float], lng: ColumnElement[float]
) -> ColumnElement[bool]:
    """Ray casting: the point is inside when a ray from it crosses an odd number of edges."""
    crossings: list[ColumnElement[int]] = []
    vertices = area.vertices
    for index, start in enumerate(vertices):
        end = vertices[index - 1]
        if start.lat == end.lat:
            continue  # a horizontal edge never crosses the horizontal ray
        straddles = sa.or_(
            sa.and_(lat >= min(start.lat, end.lat), lat < max(start.lat, end.lat)),
        )
        slope = (end.lng - start.lng) / (end.lat - start.lat)
        crossing_lng = (lat - start.lat) * slope + start.lng
        crosses = sa.and_(straddles, lng < crossing_lng)
        crossings.append(sa.case((crosses, 1), else_=0))
    if not crossings:
        return sa.false()
    total = crossings[0]
    for crossing in crossings[1:]:
        total = total + crossing
    return sa.or_(total == 1, total == 3)
