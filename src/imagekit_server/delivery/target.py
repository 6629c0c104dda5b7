"""Split a delivery request target into the file path, the transformation and the query,
without decoding anything the signature needs raw (docs/reference/delivery.md §2.4)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import unquote

from imagekit_server.video.requests import VideoRequest, video_request


class TargetError(ValueError):
    """The URL cannot be a delivery URL; the message goes into ``ik-error``."""


@dataclass(frozen=True)
class DeliveryTarget:
    signed_part: str  # raw target after "/<account>/", query included: what signatures cover
    file_path: str  # decoded, with a leading "/"
    transformation: str | None  # raw path `tr:` segment or `tr` query value(s)
    query: Mapping[str, str]  # decoded, first value wins (read-only: targets are shared)

    @functools.cached_property
    def video(self) -> VideoRequest | None:
        """The video URL this is (a rendition, thumbnail, streaming file), or None: worked out
        once per target, which ``parse_target`` keeps for a popular URL."""
        return video_request(self)


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    pairs = []
    for item in raw_query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


@functools.lru_cache(maxsize=4096)
def parse_target(raw_path: str, raw_query: str, account_id: str) -> DeliveryTarget:
    """Memoised: a popular URL is parsed once (this was 9 % of a cache hit's time)."""
    prefix = f"/{account_id}/"
    if not raw_path.startswith(prefix):
        raise TargetError("ENOENT - not a delivery URL")
    remainder = raw_path[len(prefix) :]
    signed_part = remainder + (f"?{raw_query}" if raw_query else "")
    segments = remainder.split("/")
    tr_indexes = [i for i, segment in enumerate(segments[:-1]) if segment.startswith("tr:")]
    if len(tr_indexes) > 1:
        raise TargetError("EINVALIDTRANSFORMATION - more than one tr: segment")
    transformation_segments = [segments[i] for i in tr_indexes]
    file_segments = [segment for i, segment in enumerate(segments) if i not in tr_indexes]
    decoded = [unquote(segment, errors="strict") for segment in file_segments]
    if any(segment in ("", ".", "..") for segment in decoded) or any("/" in s for s in decoded):
        raise TargetError("ENOENT - invalid file path")
    pairs = _query_pairs(raw_query)
    query_chain = ":".join(value for key, value in pairs if key == "tr" and value)
    path_chain = transformation_segments[0][3:] if transformation_segments else None
    if path_chain == "":
        raise TargetError("EINVALIDTRANSFORMATION - empty tr: segment")
    chains = [chain for chain in (path_chain, query_chain) if chain]
    query: dict[str, str] = {}
    for key, value in pairs:
        query.setdefault(key, value)
    return DeliveryTarget(
        signed_part=signed_part,
        file_path="/" + "/".join(decoded),
        transformation=":".join(chains) if chains else None,
        query=MappingProxyType(query),
    )
