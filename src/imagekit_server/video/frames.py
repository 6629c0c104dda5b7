"""The frame a video shows at a given time, decoded with as little work as exactness allows
(runs in a render process). docs/video.md, "Thumbnails".

1. Seek to the keyframe at or before the time and read the packets from there, without
   decoding, up to the first one whose decoding timestamp is past the time (every later packet
   is shown later). The wanted frame is the packet with the greatest presentation time at or
   before the time (the first frame if none is).
2. Decode those packets, in order, up to the wanted one. All but the wanted one are decoded
   with ``skip_frame = NONREF``: a frame no other frame refers to (most B-frames) is skipped,
   so only the reference frames the wanted one depends on are decoded; the wanted one is
   decoded in full, then the decoder is drained.
3. Frame threading spreads the reference frames over the cores.
"""

from __future__ import annotations

import time
from typing import Any

from imagekit_server.imaging.errors import TransformationError, limit_exceeded

# The most frames H.264/HEVC may reorder: past that many packets shown after the time, no
# later packet can be shown before it (for containers that give no decoding timestamps).
_MAX_REORDER = 16


def frame_at(inp: Any, at_seconds: float, deadline: float) -> Any:
    """The ``av.VideoFrame`` of ``inp``'s first video stream shown at ``at_seconds`` (the
    last frame when past the end). Raises ``TransformationError``."""
    video = inp.streams.video[0]
    video.thread_type = "FRAME"
    tick = video.time_base
    target = int(at_seconds / tick) if tick else 0
    if target > 0:
        inp.seek(target, stream=video, backward=True)
    packets = _packets_until(inp, video, target, deadline)
    if not packets:
        raise TransformationError(400, "EINVALIDTRANSFORMATION", "so- is past the video's end")
    shown_before = [packet.pts for packet in packets if packet.pts <= target]
    wanted = max(shown_before) if shown_before else min(packet.pts for packet in packets)
    context = video.codec_context
    for packet in packets:
        context.skip_frame = "DEFAULT" if packet.pts == wanted else "NONREF"
        for frame in context.decode(packet):
            if frame.pts == wanted:
                return frame
        if packet.pts == wanted:
            break
        if time.monotonic() > deadline:
            raise limit_exceeded("the thumbnail took too long to decode")
    for frame in context.decode(None):
        if frame.pts == wanted:
            return frame
    raise TransformationError(500, "UNIDENTIFIED", "the video frame could not be decoded")


def _packets_until(inp: Any, video: Any, target: int, deadline: float) -> list[Any]:
    """The packets from the seek point until none later can be shown at or before ``target``
    (``target`` and the timestamps in ``video.time_base``)."""
    packets: list[Any] = []
    after = 0  # packets shown after the target, for streams without decoding timestamps
    for packet in inp.demux(video):
        if packet.pts is None:
            continue  # the demuxer's final empty packet
        if packet.dts is not None and packet.dts > target and packets:
            break
        packets.append(packet)
        if packet.pts > target:
            after += 1
            if after > _MAX_REORDER:
                break
        if time.monotonic() > deadline:
            raise limit_exceeded("the thumbnail took too long to decode")
    return packets
