"""Videos behind origins (a web folder, an S3 bucket on moto, a web proxy) are transformed,
thumbnailed and streamed exactly as media library videos: outputs decoded and measured."""

from __future__ import annotations

import io
import re
import secrets
import time
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import av
import numpy as np
import requests
from PIL import Image

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.origins.conftest import (
    ORIGIN_ENV,
    TIMEOUT,
    create_endpoint,
    create_origin,
    s3_origin_body,
    write_file,
)
from tests.server.origins.peers import WebFolder
from tests.server.video.media import (
    LEFT,
    RIGHT,
    close,
    colour_at,
    frame_number,
    make_counter_video,
    make_video,
    measure,
)

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

CLIP = make_video(width=320, height=240, seconds=5, fps=12)
COUNTER = make_counter_video(seconds=10, fps=30)


def _get(server: LiveServer, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}/{path}", headers=headers, timeout=TIMEOUT)


def _web_endpoint(server: LiveServer, folder: WebFolder) -> str:
    web = create_origin(server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url})
    return str(create_endpoint(server, [web["id"]])["urlPrefix"])


def test_web_folder_video_renditions_and_thumbnails(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    name = f"v{secrets.token_hex(4)}"
    write_file(folder.root, f"{name}/clip.mp4", CLIP)
    write_file(folder.root, f"{name}/counter.mp4", COUNTER)
    prefix = _web_endpoint(origin_server, folder)

    rendition = _get(origin_server, f"{prefix}/tr:w-160/{name}/clip.mp4")
    assert rendition.status_code == 200, rendition.headers.get("ik-error")
    assert rendition.headers["content-type"] == "video/mp4"
    video = measure(rendition.content)
    assert (video.width, video.height) == (160, 120) and video.frames == 60
    assert video.first_frame is not None
    assert close(colour_at(video.first_frame, 0.25, 0.6), LEFT)
    assert close(colour_at(video.first_frame, 0.75, 0.6), RIGHT)

    # A layer needs the source's size: an origin's copy has no upload probe.
    layered = _get(
        origin_server,
        f"{prefix}/tr:l-image,i-ik_canvas,bg-00FF00,w-40,h-240,lx-0,ly-0,l-end/{name}/clip.mp4",
    )
    assert layered.status_code == 200, layered.headers.get("ik-error")
    frame = measure(layered.content).first_frame
    assert frame is not None and close(colour_at(frame, 0.05, 0.5), (0, 255, 0), 60)

    webm = _get(origin_server, f"{prefix}/tr:f-auto,h-60/{name}/clip.mp4", Accept="video/webm")
    assert webm.headers["content-type"] == "video/webm"
    assert measure(webm.content).video_codec == "vp9"

    for at, number in (("4.5", 135), ("8.4", 252)):
        thumbnail = _get(origin_server, f"{prefix}/{name}/counter.mp4/ik-thumbnail.jpg?tr=so-{at}")
        assert thumbnail.status_code == 200, thumbnail.headers.get("ik-error")
        picture = np.asarray(Image.open(io.BytesIO(thumbnail.content)).convert("RGB"))
        assert frame_number(picture) == number

    ranged = _get(origin_server, f"{prefix}/tr:w-160/{name}/clip.mp4", Range="bytes=0-99")
    assert ranged.status_code == 206 and len(ranged.content) == 100
    original = _get(origin_server, f"{prefix}/{name}/clip.mp4")
    assert original.status_code == 200 and original.content == CLIP


def test_s3_origin_video_streams(
    origin_server: LiveServer,
    origin_bucket: str,
    s3_admin_client: S3Client,
    s3_server: str,
) -> None:
    key = f"videos/{secrets.token_hex(4)}.mp4"
    s3_admin_client.put_object(Bucket=origin_bucket, Key=key, Body=CLIP)
    s3 = create_origin(origin_server, s3_origin_body(origin_bucket, s3_server))
    prefix = create_endpoint(origin_server, [s3["id"]])["urlPrefix"]
    master_url = f"{origin_server.url_endpoint}/{prefix}/{key}/ik-master.m3u8?tr=sr-120_240"
    master = requests.get(master_url, timeout=TIMEOUT)
    assert master.status_code == 200, master.headers.get("ik-error")
    assert re.findall(r"RESOLUTION=(\d+x\d+)", master.text) == ["160x120", "320x240"]
    variants = [line for line in master.text.splitlines() if line and not line.startswith("#")]
    for variant, height in zip(variants, (120, 240), strict=True):
        media = requests.get(urljoin(master_url, variant), timeout=TIMEOUT).text
        found = re.search(r'#EXT-X-MAP:URI="([^"]+)",BYTERANGE="(\d+)@(\d+)"', media)
        assert found is not None
        part = urljoin(master_url, found.group(1))
        ranges = [(int(found.group(3)), int(found.group(2)))]
        ranges += [
            (int(start), int(size))
            for size, start in re.findall(r"#EXT-X-BYTERANGE:(\d+)@(\d+)", media)
        ]
        joined = b"".join(
            requests.get(
                part, headers={"Range": f"bytes={start}-{start + size - 1}"}, timeout=TIMEOUT
            ).content
            for start, size in ranges
        )
        with av.open(io.BytesIO(joined)) as container:
            frames = list(container.decode(video=0))
        assert frames[0].height == height and len(frames) == 60


def test_web_proxy_video(origin_server: LiveServer, folder: WebFolder) -> None:
    relative = f"proxy/{secrets.token_hex(4)}.mp4"
    write_file(folder.root, relative, CLIP)
    proxy = create_origin(origin_server, {"type": "WEB_PROXY", "name": "proxy"})
    prefix = create_endpoint(origin_server, [proxy["id"]])["urlPrefix"]
    response = _get(origin_server, f"{prefix}/tr:h-60/{folder.base_url}/{relative}")
    assert response.status_code == 200, response.headers.get("ik-error")
    assert (measure(response.content).width, measure(response.content).height) == (80, 60)
    thumbnail = _get(origin_server, f"{prefix}/{folder.base_url}/{relative}/ik-thumbnail.jpg")
    assert thumbnail.status_code == 200, thumbnail.headers.get("ik-error")
    assert Image.open(io.BytesIO(thumbnail.content)).size == (320, 240)


def test_origin_video_redirects_while_processing_and_purge_renders_afresh(
    live_server_factory: StartServer, folder: WebFolder
) -> None:
    """With no wait for renditions, the first request is ImageKit's 302 to the original on the
    same origin endpoint; once ready the rendition is served. A purge of the original's URL
    drops its renditions too: the changed file at the origin is rendered again."""
    server = live_server_factory(env={**ORIGIN_ENV, "IMAGEKIT_VIDEO_WAIT": "0"})
    relative = f"pending/{secrets.token_hex(4)}.mp4"
    write_file(folder.root, relative, make_video(width=320, height=240, seconds=2))
    prefix = _web_endpoint(server, folder)
    url = f"{server.url_endpoint}/{prefix}/tr:w-96/{relative}"

    first = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
    assert first.status_code == 302, first.headers.get("ik-error")
    assert first.headers["location"] == f"{server.url_endpoint}/{prefix}/{relative}"
    assert first.headers["cache-control"] == "no-store"
    assert requests.get(first.headers["location"], timeout=TIMEOUT).status_code == 200
    assert _dimensions(_eventually_ok(url)) == (96, 72)

    write_file(folder.root, relative, make_video(width=320, height=160, seconds=2))
    assert _dimensions(_eventually_ok(url)) == (96, 72)  # still the cached rendition
    purge = requests.post(
        f"{server.base_url}/v1/files/purge",
        json={"url": f"{server.url_endpoint}/{prefix}/{relative}"},
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert purge.status_code == 201, purge.text
    assert _dimensions(_eventually_ok(url)) == (96, 48)


def _eventually_ok(url: str) -> bytes:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
        if response.status_code == 200:
            return response.content
        assert response.status_code == 302, response.headers.get("ik-error")
        time.sleep(0.1)
    raise AssertionError(f"{url} never became ready")


def _dimensions(video: bytes) -> tuple[int, int]:
    measured = measure(video)
    return measured.width, measured.height
