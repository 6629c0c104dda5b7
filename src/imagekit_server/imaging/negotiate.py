"""Output format choice: explicit `f`, else `Accept` negotiation (docs/reference/delivery.md §5)."""

from __future__ import annotations

from imagekit_server.imaging.errors import limit_exceeded

WEBP_MAX_DIMENSION = 16_383
_EXPLICIT = {"jpg": "jpeg", "png": "png", "webp": "webp", "avif": "avif", "gif": "gif"}
_RASTER_OUTPUTS = {"jpeg", "png", "webp", "avif", "gif"}


def accepted_types(accept: str | None) -> set[str]:
    """Media types listed in an Accept header, without those refused by `q=0`."""
    types: set[str] = set()
    for entry in (accept or "").split(","):
        media_type, *parameters = (part.strip() for part in entry.split(";"))
        refused = any(p.replace(" ", "").lower() in {"q=0", "q=0.0", "q=0.00"} for p in parameters)
        if media_type and not refused:
            types.add(media_type.lower())
    return types


def is_negotiated(requested: str | None) -> bool:
    """Whether the format depends on `Accept` (no explicit `f`, or `f-auto`)."""
    return requested in {None, "auto"}


def negotiate_format(
    accept: str | None,
    source_format: str,
    has_alpha: bool,
    *,
    requested: str | None = None,
    width: int = 1,
    height: int = 1,
    auto_avif: bool = False,
    avoid_avif: bool = False,
    animated: bool = False,
) -> str:
    """Pick jpeg, png, webp, avif or gif for the rendered image.

    ``animated`` sources negotiate to animated WebP, else GIF. ``avoid_avif`` is set when the
    URL has `cp-true` or `e-usm` (ImageKit never auto-picks AVIF then); ``auto_avif`` is the
    account setting (off by default, as at ImageKit).
    """
    too_big_for_webp = max(width, height) > WEBP_MAX_DIMENSION
    if requested == "orig":
        requested = "jpg" if source_format == "jpeg" else source_format
        if requested not in _EXPLICIT:
            requested = None  # e.g. HEIC/TIFF/SVG sources: negotiate instead
    if requested == "gif" and source_format != "gif":
        requested = None  # documented: f-gif only works for GIF input
    if requested is not None and requested != "auto":
        chosen = _EXPLICIT[requested]
        if chosen == "webp" and too_big_for_webp:
            raise limit_exceeded(f"WebP output is limited to {WEBP_MAX_DIMENSION} px per side")
        return chosen
    types = accepted_types(accept)
    if animated:
        return "webp" if "image/webp" in types and not too_big_for_webp else "gif"
    if auto_avif and not avoid_avif and "image/avif" in types and source_format != "heic":
        return "avif"
    if "image/webp" in types and not too_big_for_webp:
        return "webp"
    return "png" if has_alpha else "jpeg"


def fallback_formats(
    accept: str | None, has_alpha: bool, width: int, height: int, preferred: str
) -> list[str]:
    """Other formats the client accepts, for the `smallest` strategy (WebP, then JPEG/PNG)."""
    formats = []
    if "image/webp" in accepted_types(accept) and max(width, height) <= WEBP_MAX_DIMENSION:
        formats.append("webp")
    formats.append("png" if has_alpha else "jpeg")
    return [name for name in formats if name != preferred]


def content_type(format_name: str) -> str:
    if format_name not in _RASTER_OUTPUTS:
        raise ValueError(f"not an output format: {format_name}")
    return f"image/{format_name}"
