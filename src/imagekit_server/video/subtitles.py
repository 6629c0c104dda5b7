"""Subtitle layers (``l-subtitles,i-<file.srt|.vtt>``): ImageKit's styling parameters and a
bounded SRT/WebVTT cue parser (pure: no I/O, no drawing; subtitle_pictures.py draws the cues).

Styling (ImageKit's "styling controls for subtitles layer"): ``co`` text colour, ``bg``
background, ``fs`` font size (px), ``ff`` font family (built-in name or a font file of the
library, as in text layers), ``tg`` typography (``b``, ``i``, ``b_i``), ``fol-<width>_<colour>``
outline, ``fsh-<colour>_<indent>`` shadow. Where ImageKit is silent the defaults are those of
FFmpeg's ``subtitles`` filter (libass's default style on its 288-line reference): white text,
a black outline of 1/288 of the frame height, a font 16/288 of it, a bottom margin of 10/288.

Hostile files: over ``MAX_BYTES`` bytes, over ``MAX_CUES`` cues, a cue over ``MAX_CUE_TEXT``
characters or a timing line that does not parse are a 400 naming the problem.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from imagekit_server.imaging.colours import Colour, parse_colour
from imagekit_server.imaging.errors import invalid
from imagekit_server.video.values import number_of

STYLE_KEYS = frozenset({"co", "bg", "fs", "ff", "tg", "fol", "fsh"})
SUFFIXES = (".srt", ".vtt")
MAX_BYTES = 1024 * 1024
MAX_CUES = 2000
MAX_CUE_TEXT = 1000
MAX_OUTLINE = 20
WHITE = Colour(255, 255, 255)
BLACK = Colour(0, 0, 0)
_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})"
_TIMING = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?")
_TAG = re.compile(r"<[^>\n]{0,200}>|\{\\[^}\n]{0,200}\}")  # <i>, <c.x>, <v Name>, {\an8}


@dataclass(frozen=True)
class SubtitleStyle:
    colour: Colour = WHITE
    background: Colour | None = None
    size: float | None = None  # px; None: 16/288 of the frame height
    family: str | None = None
    bold: bool = False
    italic: bool = False
    outline: tuple[int, Colour] | None = None  # None: 1/288 of the frame height, black
    shadow: tuple[Colour, int] | None = None


@dataclass(frozen=True)
class Cue:
    start: float  # seconds of the source video
    end: float
    text: str


def subtitle_style(params: dict[str, str | None]) -> SubtitleStyle:
    """Raises ``TransformationError`` for a value ImageKit's docs do not allow."""
    style = SubtitleStyle()
    if params.get("co"):
        style = replace(style, colour=parse_colour(params["co"] or "", "co"))
    if params.get("bg"):
        style = replace(style, background=parse_colour(params["bg"] or "", "bg"))
    if "fs" in params:
        size = number_of(params["fs"], "fs")
        if not 1 <= size <= 500:
            raise invalid(f"fs-{params['fs']}: a font size of 1 to 500 px")
        style = replace(style, size=size)
    if params.get("ff"):
        style = replace(style, family=params["ff"])
    if "tg" in params:
        flags = params["tg"] or ""
        if flags not in ("b", "i", "b_i", "i_b"):
            raise invalid(f"tg-{flags}: subtitles take b, i or b_i")
        style = replace(style, bold="b" in flags, italic="i" in flags)
    if "fol" in params:
        width, _, colour = (params["fol"] or "").partition("_")
        if not width.isdigit() or int(width) > MAX_OUTLINE or not colour:
            raise invalid(f"fol-{params['fol']}: expected <width 0-{MAX_OUTLINE}>_<colour>")
        style = replace(style, outline=(int(width), parse_colour(colour, "fol")))
    if "fsh" in params:
        colour, _, indent = (params["fsh"] or "").partition("_")
        if not indent.isdigit() or int(indent) > MAX_OUTLINE or not colour:
            raise invalid(f"fsh-{params['fsh']}: expected <colour>_<indent 0-{MAX_OUTLINE}>")
        style = replace(style, shadow=(parse_colour(colour, "fsh"), int(indent)))
    return style


def parse_cues(data: bytes) -> tuple[Cue, ...]:
    """The cues of an SRT or WebVTT file, in file order; raises ``TransformationError``."""
    if len(data) > MAX_BYTES:
        raise invalid(f"the subtitle file is over {MAX_BYTES // 1024} KiB")
    if b"\0" in data:
        raise invalid("the subtitle file is not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # older SRT files
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues: list[Cue] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "-->" not in line:
            continue  # WEBVTT header, NOTE/STYLE/REGION blocks, cue numbers and identifiers
        timing = _TIMING.fullmatch(line)
        if timing is None:
            raise invalid(f"the subtitle file has an invalid timing on line {index}")
        start, end = _seconds(timing.groups()[:4]), _seconds(timing.groups()[4:])
        body: list[str] = []
        while index < len(lines) and lines[index].strip():
            body.append(lines[index])
            index += 1
        words = html.unescape(_TAG.sub("", "\n".join(body))).replace("\xa0", " ").strip()
        if len(words) > MAX_CUE_TEXT:
            raise invalid(f"a subtitle cue is over {MAX_CUE_TEXT} characters (line {index})")
        if words and end > start:
            cues.append(Cue(start, end, words))
            if len(cues) > MAX_CUES:
                raise invalid(f"the subtitle file has over {MAX_CUES} cues")
    if not cues:
        raise invalid("the subtitle file holds no cue (SRT or WebVTT expected)")
    return tuple(cues)


def _seconds(parts: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, fraction = parts
    if int(minutes or 0) > 59 or int(seconds or 0) > 59:
        raise invalid("the subtitle file has an invalid timestamp")
    whole = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return whole + int((fraction or "0").ljust(3, "0")) / 1000


# Seconds of cues kept either side of the rendered span: the span is reckoned from the
# library's probed duration, the render's own (the container's) may differ a little.
SPAN_MARGIN = 1.0


def cues_within(cues: tuple[Cue, ...], span: tuple[float, float] | None) -> tuple[Cue, ...]:
    """The cues that can show during ``span`` (source seconds ``[from, to)``, or None: the
    whole video), with ``SPAN_MARGIN`` to spare; only these are drawn (a trimmed render of a
    film with 2,000 cues would otherwise draw them all)."""
    if span is None:
        return cues
    low, high = span[0] - SPAN_MARGIN, span[1] + SPAN_MARGIN
    return tuple(cue for cue in cues if cue.end > low and cue.start < high)
