"""Small test videos made with PyAV (nothing is downloaded), and measurements of outputs."""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

LEFT = (230, 30, 30)  # red left half
RIGHT = (30, 30, 230)  # blue right half


def make_video(
    *,
    width: int = 160,
    height: int = 120,
    seconds: float = 1.0,
    fps: int = 24,
    codec: str = "libx264",
    container: str = "mp4",
    audio: bool = True,
    rotation: int = 0,
    vfr: bool = False,
) -> bytes:
    """A two-colour test pattern (red left half, blue right half) with a frame counter band,
    and a sine tone. ``rotation``: the display matrix a phone writes (degrees clockwise)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height = width, height
        # 4:2:0 needs even sides; odd-sized test videos are 4:4:4.
        video.pix_fmt = "yuv420p" if width % 2 == 0 and height % 2 == 0 else "yuv444p"
        tick = Fraction(1, fps * 10)  # the muxer may change the stream's time base later
        video.time_base = tick
        video.codec_context.time_base = tick
        if rotation:
            video.set_display_rotation(-rotation)  # FFmpeg's angle is counter-clockwise
        sound = out.add_stream("aac" if container == "mp4" else "libopus", rate=48000)
        frames = round(seconds * fps)
        pts = 0
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(_pattern(width, height, index), format="rgb24")
            frame.pts = pts
            frame.time_base = tick
            # VFR: alternate short and long frame durations (same average rate).
            pts += (5 if index % 2 else 15) if vfr else 10
            out.mux(video.encode(frame))
        out.mux(video.encode())
        if audio:
            _tone(out, sound, seconds)
    return buffer.getvalue()


def _pattern(width: int, height: int, index: int) -> np.ndarray:
    image = np.empty((height, width, 3), np.uint8)
    image[:, : width // 2] = LEFT
    image[:, width // 2 :] = RIGHT
    band = max(2, height // 10)
    image[:band] = (index * 10) % 256  # brightness of the top band counts frames
    return image


def _tone(
    out: av.container.OutputContainer, stream: av.audio.stream.AudioStream, seconds: float
) -> None:
    rate, chunk = 48000, 960
    total = int(seconds * rate)
    for start in range(0, total, chunk):
        t = (np.arange(start, start + chunk) / rate).astype(np.float32)
        samples = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(
            np.stack([samples, samples]), format="fltp", layout="stereo"
        )
        frame.sample_rate = rate
        frame.pts = start
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def make_gif(width: int = 80, height: int = 60, frames: int = 6) -> bytes:
    from PIL import Image

    images = [Image.fromarray(_pattern(width, height, index * 5)) for index in range(frames)]
    buffer = io.BytesIO()
    images[0].save(
        buffer, format="GIF", save_all=True, append_images=images[1:], duration=100, loop=0
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class Measured:
    format: str
    width: int  # as displayed (rotation applied)
    height: int
    duration: float
    video_codec: str | None
    audio_codec: str | None
    frames: int
    first_frame: np.ndarray | None  # RGB, rotation applied


def measure(data: bytes) -> Measured:
    """Demux and decode every frame of ``data``."""
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        first = None
        frames = 0
        rotation = 0
        if video is not None:
            for frame in container.decode(video):
                if first is None:
                    rotation = round(-frame.rotation) % 360
                    first = np.rot90(frame.to_ndarray(format="rgb24"), k=-(rotation // 90))
                frames += 1
        duration = float(container.duration / av.time_base) if container.duration else 0.0
        height, width = first.shape[:2] if first is not None else (0, 0)
        return Measured(
            format=container.format.name,
            width=width,
            height=height,
            duration=duration,
            video_codec=video.codec_context.name if video is not None else None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            frames=frames,
            first_frame=first,
        )


def colour_at(frame: np.ndarray, x: float, y: float) -> tuple[int, int, int]:
    """The colour at a relative position (0..1) of a frame."""
    height, width = frame.shape[:2]
    pixel = frame[min(height - 1, int(y * height)), min(width - 1, int(x * width))]
    return (int(pixel[0]), int(pixel[1]), int(pixel[2]))


def close(
    colour: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 40
) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def many_audio_streams(count: int) -> bytes:
    """A short video with ``count`` audio streams (hostile: a demuxer allocates per stream)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="matroska") as out:
        video = out.add_stream("libx264", rate=12)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sounds = [out.add_stream("aac", rate=48000) for _ in range(count)]
        for stream in sounds:
            stream.time_base = Fraction(1, 48000)
            stream.codec_context.time_base = Fraction(1, 48000)
        for index in range(6):
            frame = av.VideoFrame.from_ndarray(_pattern(64, 48, index), format="rgb24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode())
        for stream in sounds:
            out.mux(stream.encode())
    return buffer.getvalue()


COUNTER_BITS = 10  # frame numbers up to 1023


def make_counter_video(
    *, seconds: float, fps: int = 30, width: int = 320, height: int = 96
) -> bytes:
    """H.264 with libx264's defaults (a keyframe every 250 frames, B-frames, B-pyramid; no
    scene-cut keyframes): each
    frame draws its number in binary, one black or white block per bit (``frame_number``)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"x264-params": "scenecut=0"}  # every bit flip would be a scene cut
        for index in range(round(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(_counter(width, height, index), format="rgb24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode())
    return buffer.getvalue()


def _counter(width: int, height: int, index: int) -> np.ndarray:
    image = np.full((height, width, 3), 128, np.uint8)
    block = width // COUNTER_BITS
    for bit in range(COUNTER_BITS):
        image[:, bit * block : (bit + 1) * block] = 255 if index >> bit & 1 else 0
    return image


def frame_number(picture: np.ndarray) -> int:
    """The number a ``make_counter_video`` frame shows (RGB, any scale)."""
    height, width = picture.shape[:2]
    block = width / COUNTER_BITS
    number = 0
    for bit in range(COUNTER_BITS):
        x = int((bit + 0.5) * block)
        if picture[height // 2, x].mean() > 128:
            number |= 1 << bit
    return number
