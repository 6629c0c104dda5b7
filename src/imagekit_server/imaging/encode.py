"""Encode the final image with the options gathered from the chain
(docs/reference/transformations.md §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyvips

from imagekit_server.imaging.jpeg_encode import QUANT_TABLE, encode_jpeg
from imagekit_server.imaging.plan import OutputOptions

_WHITE = [255.0, 255.0, 255.0]


@dataclass(frozen=True)
class OutputDefaults:
    """Account-level defaults (ImageKit dashboard settings)."""

    quality: int = 80
    auto_avif: bool = False
    avif_effort: int = 3  # thumbor's AVIF bytes at equal quality for the same CPU
    # JPEG: 4:2:0 below quality 90, mozjpeg's quantisation table 3 and optimised Huffman tables:
    # 10-14 % fewer bytes than 4:4:4 with the standard tables at the same SSIMULACRA2, for about
    # 0.5 ms more encode time per 400 px thumbnail (docs/encoding.md).
    chroma_subsampling: bool = True
    optimize_jpeg_coding: bool = True
    progressive_jpeg: bool = False  # without `pr-` in the URL (ImageKit's default: baseline)
    # "preference": AVIF > WebP > JPEG/PNG by Accept; "smallest": encode each, keep the smallest.
    format_strategy: str = "preference"


# ImageKit's own defaults, one object: an account whose settings equal them is given this one
# (renditions/hot_cache.py), so a cache hit tells them apart by identity, not by dataclass ==.
IMAGEKIT_DEFAULTS = OutputDefaults()


def _keep(options: OutputOptions) -> str:
    if options.metadata:
        return "all"
    return "icc" if options.colour_profile else "none"


def has_real_alpha(image: Any) -> bool:
    """An alpha band that is not fully opaque everywhere."""
    return bool(image.hasalpha()) and image[image.bands - 1].min() < 255


def to_srgb_profile(image: Any) -> Any:
    """Convert pixels from an embedded colour profile to sRGB, so stripping it changes nothing.

    ImageKit strips profiles without converting (colours may look washed out); converting first
    is our deliberate improvement (docs/reference/transformations.md §4.5).
    """
    if image.get_typeof("icc-profile-data") == 0 or image.interpretation != "srgb":
        return image
    try:
        converted = image.icc_transform("srgb", embedded=True, intent="relative")
    except pyvips.Error:
        return image  # unreadable profile: strip it as ImageKit does
    return converted.cast("uchar") if converted.format != "uchar" else converted


def encode(image: Any, format_name: str, options: OutputOptions, defaults: OutputDefaults) -> bytes:
    quality = options.quality or defaults.quality
    keep = _keep(options)
    if keep == "none":
        image = to_srgb_profile(image)
    if format_name == "jpeg":
        progressive = (
            defaults.progressive_jpeg if options.progressive is None else options.progressive
        )
        if image.hasalpha():
            image = image.flatten(background=_WHITE if image.bands > 2 else [255.0])
        if keep == "none":
            encoded = encode_jpeg(
                image,
                quality=quality,
                progressive=progressive,
                optimize=defaults.optimize_jpeg_coding,
                subsample=defaults.chroma_subsampling,
            )
            if encoded is not None:
                return encoded
        return bytes(
            image.jpegsave_buffer(
                Q=quality,
                interlace=progressive,
                optimize_coding=defaults.optimize_jpeg_coding,
                subsample_mode="auto" if defaults.chroma_subsampling else "off",
                quant_table=QUANT_TABLE,
                keep=keep,
            )
        )
    if format_name == "png":
        lossless = bool(options.lossless)
        return bytes(
            image.pngsave_buffer(
                palette=not lossless, Q=quality, compression=6, effort=4, keep=keep
            )
        )
    if format_name == "webp":
        return bytes(
            image.webpsave_buffer(Q=quality, lossless=bool(options.lossless), effort=4, keep=keep)
        )
    if format_name == "avif":
        return bytes(
            image.heifsave_buffer(
                compression="av1",
                Q=quality,
                lossless=bool(options.lossless),
                effort=defaults.avif_effort,
                keep=keep,
            )
        )
    return bytes(image.gifsave_buffer(keep=keep))
