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

Where packets carry no timestamps, or the decoder's frames do not carry their packets' (packed
B-frames in AVI), every frame from the keyframe is decoded instead.
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
    if all(packet.pts is not None for packet in packets):
        found = _decode_wanted(video.codec_context, packets, target, deadline)
        if found is not None:
            return found
    # Packets without timestamps, or frames whose timestamps are not their packets' (packed
    # B-frames in AVI): every frame from the keyframe, by the decoder's own timestamps.
    video.codec_context.flush_buffers()
    video.codec_context.skip_frame = "DEFAULT"
    inp.seek(max(target, 0), stream=video, backward=True)
    return _decode_forward(inp, video, target, deadline)


def _decode_wanted(context: Any, packets: list[Any], target: int, deadline: float) -> Any:
    """Steps 1 and 2 of the module's docstring; None when no decoded frame carries the wanted
    packet's timestamp."""
    shown_before = [packet.pts for packet in packets if packet.pts <= target]
    wanted = max(shown_before) if shown_before else min(packet.pts for packet in packets)
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
    return None


def _decode_forward(inp: Any, video: Any, target: int, deadline: float) -> Any:
    chosen = None
    for frame in inp.decode(video):
        moment = frame.pts if frame.pts is not None else frame.dts
        if moment is not None and moment > target:
            return chosen if chosen is not None else frame
        chosen = frame
        if time.monotonic() > deadline:
            raise limit_exceeded("the thumbnail took too long to decode")
    if chosen is None:
        raise TransformationError(400, "EINVALIDTRANSFORMATION", "so- is past the video's end")
    return chosen


def _packets_until(inp: Any, video: Any, target: int, deadline: float) -> list[Any]:
    """The packets from the seek point until none later can be shown at or before ``target``
    (``target`` and the timestamps in ``video.time_base``)."""
    packets: list[Any] = []
    after = 0  # packets shown after the target, for streams without decoding timestamps
    for packet in inp.demux(video):
        if packet.size == 0:
            continue  # the demuxer's final empty packet
        if packet.dts is not None and packet.dts > target and packets:
            break
        packets.append(packet)
        if packet.pts is not None and packet.pts > target:
            after += 1
            if after > _MAX_REORDER:
                break
        if time.monotonic() > deadline:
            raise limit_exceeded("the thumbnail took too long to decode")
    return packets
