"""Adaptive bitrate streaming on a live server: HLS and DASH manifests whose segments, fetched
by their byte ranges and joined, play back through PyAV at the announced resolutions and the
source's duration."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import av
import pytest
import requests

from imagekitio import ImageKit
from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_video

SECONDS = 9.0
MPD = "{urn:mpeg:dash:schema:mpd:2011}"


@pytest.fixture(scope="module")
def stream_video(live_server: LiveServer) -> str:
    data = make_video(width=320, height=240, seconds=SECONDS, fps=12)
    uploaded(live_server, data, "stream.mp4", useUniqueFileName="false")
    return f"{live_server.url_endpoint}/stream.mp4"


def fetch(url: str, byte_range: tuple[int, int] | None = None) -> requests.Response:
    headers = {"Range": f"bytes={byte_range[0]}-{byte_range[1]}"} if byte_range else {}
    response = requests.get(url, headers=headers, timeout=TIMEOUT)
    assert response.status_code in (200, 206), (url, response.status_code, response.text)
    return response


def play(data: bytes) -> tuple[int, int, float, int]:
    """(width, height, seconds, frames) of joined init + segments, decoded."""
    with av.open(io.BytesIO(data)) as container:
        frames = list(container.decode(video=0))
    span = float(frames[-1].time - frames[0].time) + 1 / 12
    return frames[0].width, frames[0].height, span, len(frames)


def test_hls_plays_back(stream_video: str) -> None:
    master_url = f"{stream_video}/ik-master.m3u8?tr=sr-120_240_480"
    master = fetch(master_url)
    assert master.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    resolutions = re.findall(r"RESOLUTION=(\d+)x(\d+)", master.text)
    assert resolutions == [("160", "120"), ("320", "240")]  # 480 is above the source
    variants = [line for line in master.text.splitlines() if line and not line.startswith("#")]
    for (width, height), variant in zip(resolutions, variants, strict=True):
        media = fetch(urljoin(master_url, variant)).text
        found = re.search(r'#EXT-X-MAP:URI="([^"]+)",BYTERANGE="(\d+)@(\d+)"', media)
        assert found is not None
        file_url = urljoin(master_url, found.group(1))
        length, offset = int(found.group(2)), int(found.group(3))
        data = fetch(file_url, (offset, offset + length - 1)).content
        segments = re.findall(r"#EXTINF:([\d.]+),\n#EXT-X-BYTERANGE:(\d+)@(\d+)", media)
        assert len(segments) >= 2 and "#EXT-X-ENDLIST" in media
        for _, size, start in segments:
            data += fetch(file_url, (int(start), int(start) + int(size) - 1)).content
        assert sum(float(seconds) for seconds, _, _ in segments) == pytest.approx(SECONDS, abs=0.2)
        played = play(data)
        assert played[:2] == (int(width), int(height))
        assert played[2] == pytest.approx(SECONDS, abs=0.2) and played[3] == SECONDS * 12


def test_dash_plays_back(stream_video: str) -> None:
    manifest_url = f"{stream_video}/ik-master.mpd?tr=sr-120_240"
    manifest = fetch(manifest_url)
    assert manifest.headers["content-type"].startswith("application/dash+xml")
    root = ET.fromstring(manifest.content)
    assert float(root.attrib["mediaPresentationDuration"][2:-1]) == pytest.approx(SECONDS, abs=0.2)
    representations = root.findall(f".//{MPD}Representation")
    assert [r.attrib["height"] for r in representations] == ["120", "240"]
    for representation in representations:
        url = urljoin(manifest_url, representation.find(f"{MPD}BaseURL").text or "")  # type: ignore[union-attr]
        segment_list = representation.find(f"{MPD}SegmentList")
        assert segment_list is not None
        ranges = [segment_list.find(f"{MPD}Initialization").attrib["range"]]  # type: ignore[union-attr]
        ranges += [s.attrib["mediaRange"] for s in segment_list.findall(f"{MPD}SegmentURL")]
        data = b"".join(
            fetch(url, tuple(int(x) for x in item.split("-"))).content  # type: ignore[arg-type]
            for item in ranges
        )
        width, height, seconds, _ = play(data)
        assert (width, height) == (
            int(representation.attrib["width"]),
            int(representation.attrib["height"]),
        )
        assert seconds == pytest.approx(SECONDS, abs=0.2)


def test_streaming_needs_sr(stream_video: str) -> None:
    response = requests.get(f"{stream_video}/ik-master.m3u8", timeout=TIMEOUT)
    assert response.status_code == 400 and "sr-" in response.headers["ik-error"]


def _variants(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


def test_private_video_streams_through_its_signed_manifest(live_server: LiveServer) -> None:
    """Only the manifest's URL is signed (by the SDK): every playlist and segment URI in it is
    usable as written and plays back; the same parts without their signatures, or with a
    signature copied onto another part, are refused."""
    data = make_video(width=320, height=240, seconds=SECONDS, fps=12)
    uploaded(
        live_server, data, "private-stream.mp4", isPrivateFile="true", useUniqueFileName="false"
    )
    client = ImageKit(
        public_key=live_server.public_key,
        private_key=live_server.private_key,
        url_endpoint=live_server.url_endpoint,
    )
    master_url = client.url(
        {
            "path": "/private-stream.mp4/ik-master.m3u8",
            "query_parameters": {"tr": "sr-120_240"},
            "signed": True,
            "expire_seconds": 600,
        }
    )
    assert "ik-s=" in master_url
    unsigned_master = master_url.split("&ik-t=")[0]
    assert requests.get(unsigned_master, timeout=TIMEOUT).status_code == 401
    master = fetch(master_url)
    assert master.headers["cache-control"].startswith("private")
    variants = _variants(master.text)
    assert len(variants) == 2 and all("ik-s=" in variant for variant in variants)
    for variant, height in zip(variants, (120, 240), strict=True):
        media_url = urljoin(master_url, variant)
        media = fetch(media_url).text
        found = re.search(r'#EXT-X-MAP:URI="([^"]+)",BYTERANGE="(\d+)@(\d+)"', media)
        assert found is not None
        file_url = urljoin(master_url, found.group(1))
        length, offset = int(found.group(2)), int(found.group(3))
        joined = fetch(file_url, (offset, offset + length - 1)).content
        segments = re.findall(r"#EXTINF:([\d.]+),\n#EXT-X-BYTERANGE:(\d+)@(\d+)\n(.+)", media)
        assert len(segments) >= 2
        for _, size, start, uri in segments:
            assert urljoin(master_url, uri) == file_url
            joined += fetch(file_url, (int(start), int(start) + int(size) - 1)).content
        width, played_height, seconds, frames = play(joined)
        assert (width, played_height) == (height * 4 // 3, height)
        assert seconds == pytest.approx(SECONDS, abs=0.2) and frames == SECONDS * 12
        # Refused without the signature, and with another part's signature.
        for url in (media_url, file_url):
            bare = url.split("&ik-t=")[0]
            assert requests.get(bare, timeout=TIMEOUT).status_code == 401, bare
        signature = file_url.split("ik-s=")[1]
        forged = media_url.split("ik-s=")[0] + f"ik-s={signature}"
        assert requests.get(forged, timeout=TIMEOUT).status_code == 401
    dash_url = client.url(
        {
            "path": "/private-stream.mp4/ik-master.mpd",
            "query_parameters": {"tr": "sr-120"},
            "signed": True,
            "expire_seconds": 600,
        }
    )
    root = ET.fromstring(fetch(dash_url).content)
    base = root.find(f".//{MPD}BaseURL")
    assert base is not None and base.text is not None and "ik-s=" in base.text
    segment_list = root.find(f".//{MPD}SegmentList")
    assert segment_list is not None
    ranges = [segment_list.find(f"{MPD}Initialization").attrib["range"]]  # type: ignore[union-attr]
    ranges += [s.attrib["mediaRange"] for s in segment_list.findall(f"{MPD}SegmentURL")]
    part = urljoin(dash_url, base.text)
    joined = b"".join(
        fetch(part, tuple(int(x) for x in item.split("-"))).content  # type: ignore[arg-type]
        for item in ranges
    )
    assert play(joined)[:2] == (160, 120)
