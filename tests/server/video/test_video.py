"""Video end to end on a live server: probe on upload, renditions at the URL endpoint
(decoded and measured), thumbnails, GIF to video, byte ranges, purge, hostile files."""

from __future__ import annotations

import time

import pytest
import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import decode
from tests.server.uploads import TIMEOUT, api_get, assert_error, upload, uploaded
from tests.server.video.media import (
    LEFT,
    RIGHT,
    close,
    colour_at,
    make_gif,
    make_video,
    many_audio_streams,
    measure,
)

SOURCE = make_video(seconds=2)


@pytest.fixture(scope="module")
def video(live_server: LiveServer) -> dict[str, object]:
    return uploaded(live_server, SOURCE, "clip.mp4", useUniqueFileName="false")


def get(server: LiveServer, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}/{path}", headers=headers, timeout=TIMEOUT)


def test_upload_reports_video_fields(live_server: LiveServer, video: dict[str, object]) -> None:
    assert video["width"] == 160 and video["height"] == 120
    assert video["duration"] == 2 and video["videoCodec"] == "h264"
    assert video["audioCodec"] == "aac" and isinstance(video["bitRate"], int)
    assert video["fileType"] == "non-image"
    details = api_get(live_server, f"/v1/files/{video['fileId']}/details").json()
    assert details["mime"] == "video/mp4" and details["duration"] == 2
    metadata = api_get(live_server, f"/v1/files/{video['fileId']}/metadata").json()
    assert metadata["videoCodec"] == "h264" and metadata["width"] == 160
    assert "rotation" not in metadata
    listed = api_get(live_server, "/v1/files", searchQuery='name = "clip.mp4"').json()
    assert listed[0]["bitRate"] == video["bitRate"]


def test_rotated_phone_video_reports_display_size(live_server: LiveServer) -> None:
    body = uploaded(live_server, make_video(rotation=90), "phone.mp4")
    assert (body["width"], body["height"]) == (120, 160)
    rendered = measure(get(live_server, f"tr:h-80/{body['filePath'].lstrip('/')}").content)
    assert (rendered.width, rendered.height) == (60, 80)
    assert rendered.first_frame is not None
    # Red was on the left of the stored frames; upright (90 degrees clockwise) it is on top.
    assert close(colour_at(rendered.first_frame, 0.3, 0.25), LEFT)
    assert close(colour_at(rendered.first_frame, 0.3, 0.75), RIGHT)


@pytest.mark.parametrize(
    ("chain", "size"),
    [
        ("w-80", (80, 60)),
        ("w-100,h-100", (100, 100)),
        ("w-100,h-100,c-force", (100, 100)),
        ("w-100,h-100,c-at_max", (100, 76)),
        ("w-0.5", (80, 60)),
        ("w-120,ar-1-1", (120, 120)),
        ("rt-90", (120, 160)),
        ("w-80:b-4_FFFFFF", (88, 68)),
    ],
)
def test_resize_crop_rotate(
    live_server: LiveServer, video: dict[str, object], chain: str, size: tuple[int, int]
) -> None:
    response = get(live_server, f"tr:{chain}/clip.mp4")
    assert response.status_code == 200, response.headers.get("ik-error")
    assert response.headers["content-type"] == "video/mp4"
    rendered = measure(response.content)
    assert (rendered.width, rendered.height) == size
    assert rendered.video_codec == "h264" and rendered.audio_codec == "aac"
    assert abs(rendered.duration - 2.0) < 0.15


def test_pad_resize_fills_with_background(
    live_server: LiveServer, video: dict[str, object]
) -> None:
    rendered = measure(get(live_server, "tr:w-100,h-160,cm-pad_resize,bg-00FF00/clip.mp4").content)
    assert (rendered.width, rendered.height) == (100, 160)
    assert rendered.first_frame is not None
    assert close(colour_at(rendered.first_frame, 0.5, 0.05), (0, 255, 0))
    assert close(colour_at(rendered.first_frame, 0.2, 0.5), LEFT)


def test_trim_format_codecs(live_server: LiveServer, video: dict[str, object]) -> None:
    rendered = measure(get(live_server, "tr:so-0.5,du-1,f-webm/clip.mp4").content)
    assert rendered.video_codec == "vp9" and rendered.audio_codec == "opus"
    assert abs(rendered.duration - 1.0) < 0.15 and rendered.frames == 24
    silent = measure(get(live_server, "tr:eo-1,ac-none/clip.mp4").content)
    assert silent.audio_codec is None and abs(silent.duration - 1.0) < 0.15


def test_f_auto_follows_accept(live_server: LiveServer, video: dict[str, object]) -> None:
    webm = get(live_server, "tr:f-auto,w-80/clip.mp4", Accept="video/webm,video/*")
    assert webm.headers["content-type"] == "video/webm" and webm.headers["vary"] == "Accept"
    mp4 = get(live_server, "tr:f-auto,w-80/clip.mp4", Accept="*/*")
    assert mp4.headers["content-type"] == "video/mp4"


def test_byte_ranges_and_purge(live_server: LiveServer, video: dict[str, object]) -> None:
    whole = get(live_server, "tr:w-64/clip.mp4")
    part = get(live_server, "tr:w-64/clip.mp4", Range="bytes=10-99")
    assert part.status_code == 206 and part.content == whole.content[10:100]
    blobs = list((live_server.data_dir / "blobs" / "derived").glob(f"*/{video['fileId']}/v*"))
    assert blobs
    response = requests.post(
        f"{live_server.base_url}/v1/files/purge",
        json={"url": f"{live_server.url_endpoint}/clip.mp4"},
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert response.status_code in (200, 201), response.text
    deadline = time.monotonic() + 10
    while any(path.exists() for path in blobs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(path.exists() for path in blobs)


def test_thumbnail_seeks_and_chains_image_steps(
    live_server: LiveServer, video: dict[str, object]
) -> None:
    first = get(live_server, "clip.mp4/ik-thumbnail.jpg")
    assert first.status_code == 200 and first.headers["content-type"] == "image/jpeg"
    image = decode(first.content)
    assert (image.width, image.height) == (160, 120)
    later = get(live_server, "tr:so-1,w-40/clip.mp4/ik-thumbnail.jpg")
    small = decode(later.content)
    assert (small.width, small.height) == (40, 30)
    # The top band's brightness counts frames: frame 24 (1 s) is brighter than frame 0.
    assert decode(later.content).getpoint(20, 0)[0] > image.getpoint(80, 0)[0] + 100
    missing = get(live_server, "nothing.mp4/ik-thumbnail.jpg")
    assert missing.status_code == 404


def test_gif_to_video(live_server: LiveServer) -> None:
    uploaded(live_server, make_gif(), "anim.gif", useUniqueFileName="false")
    rendered = measure(get(live_server, "tr:f-mp4/anim.gif").content)
    assert rendered.video_codec == "h264" and (rendered.width, rendered.height) == (80, 60)
    assert rendered.frames >= 5


def test_bad_transformations_answer_400(live_server: LiveServer, video: dict[str, object]) -> None:
    for chain in ("w-abc", "e-grayscale", "so-5", "w-99999"):
        response = get(live_server, f"tr:{chain}/clip.mp4")
        assert response.status_code == 400, (chain, response.status_code)
        assert response.headers["ik-error"]


def test_private_video_needs_signature(live_server: LiveServer) -> None:
    uploaded(live_server, SOURCE, "secret.mp4", isPrivateFile="true", useUniqueFileName="false")
    assert get(live_server, "tr:w-80/secret.mp4").status_code == 401
    assert get(live_server, "secret.mp4/ik-thumbnail.jpg").status_code == 401


@pytest.mark.parametrize(
    "data",
    [
        SOURCE[:3000],  # truncated inside the media data, index missing
        SOURCE[: len(SOURCE) - 2000],  # the index cut short
        b"\x00\x00\x00\x18ftypisom" + b"\x00" * 4000,  # a signature with nothing behind it
    ],
)
def test_hostile_videos_refused(live_server: LiveServer, data: bytes) -> None:
    body = assert_error(upload(live_server, data, "broken.mp4"), 400)
    assert "video" in body["message"]
    assert api_get(live_server, "/healthz").status_code == 200


def test_video_limits(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={"IMAGEKIT_VIDEO_MAX_DURATION": "1.5"})
    body = assert_error(upload(server, SOURCE, "long.mp4"), 400)
    assert "too long" in body["message"]
    assert upload(server, make_video(seconds=1), "short.mp4").status_code == 200


def test_search_and_sort_by_duration(live_server: LiveServer, video: dict[str, object]) -> None:
    uploaded(live_server, make_video(seconds=1), "short-one.mp4", useUniqueFileName="false")
    found = api_get(live_server, "/v1/files", searchQuery='videoDuration >= "1.5s"').json()
    names = {item["name"] for item in found}
    assert "clip.mp4" in names and "short-one.mp4" not in names
    short = api_get(live_server, "/v1/files", searchQuery="videoDuration < 1.5 AND width = 160")
    assert "short-one.mp4" in {item["name"] for item in short.json()}
    ordered = api_get(
        live_server,
        "/v1/files",
        searchQuery='name IN ["clip.mp4", "short-one.mp4"]',
        sort="ASC_DURATION",
    ).json()
    assert [item["name"] for item in ordered] == ["short-one.mp4", "clip.mp4"]


def test_absurd_videos_refused(live_server_factory: StartServer) -> None:
    server = live_server_factory(
        env={"IMAGEKIT_VIDEO_MAX_DIMENSION": "1000", "IMAGEKIT_VIDEO_MAX_STREAMS": "4"}
    )
    wide = assert_error(upload(server, make_video(width=1200, height=16), "wide.mp4"), 400)
    assert "1200x16" in wide["message"]
    crowded = assert_error(upload(server, many_audio_streams(8), "crowded.mkv"), 400)
    assert "9 streams" in crowded["message"]  # 8 audio + 1 video
    assert upload(server, many_audio_streams(3), "four.mkv").status_code == 200


def test_probe_time_limit(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={"IMAGEKIT_VIDEO_PROBE_TIMEOUT": "0.01"})
    body = assert_error(upload(server, SOURCE, "slow.mp4"), 400)
    assert "within 0.01 seconds" in body["message"]
    assert api_get(server, "/healthz").status_code == 200


def test_webm_source_stays_webm(live_server: LiveServer) -> None:
    uploaded(
        live_server,
        make_video(codec="libvpx-vp9", container="webm"),
        "clip.webm",
        useUniqueFileName="false",
    )
    same = get(live_server, "tr:w-80/clip.webm")
    assert same.headers["content-type"] == "video/webm"
    assert measure(same.content).video_codec == "vp9"
    mp4 = measure(get(live_server, "tr:w-80,f-mp4/clip.webm").content)
    assert (mp4.video_codec, mp4.audio_codec, mp4.width) == ("h264", "aac", 80)


def test_vfr_and_odd_sizes(live_server: LiveServer) -> None:
    uploaded(live_server, make_video(vfr=True), "vfr.mp4", useUniqueFileName="false")
    source = measure(make_video(vfr=True))
    rendered = measure(get(live_server, "tr:w-80/vfr.mp4").content)
    assert rendered.frames == source.frames == 24
    assert rendered.duration == pytest.approx(source.duration, abs=0.1)
    odd = uploaded(live_server, make_video(width=161, height=91), "odd.mp4")
    assert (odd["width"], odd["height"]) == (161, 91)
    resized = measure(get(live_server, f"tr:w-81{odd['filePath']}").content)
    assert (resized.width, resized.height) == (82, 46)  # even sides for 4:2:0
    untouched = measure(get(live_server, f"tr:q-50{odd['filePath']}").content)
    assert (untouched.width, untouched.height) == (162, 92)


def test_trim_expressions(live_server: LiveServer, video: dict[str, object]) -> None:
    trimmed = measure(get(live_server, "tr:so-idu_div_2,du-idu_mul_0.25/clip.mp4").content)
    assert trimmed.duration == pytest.approx(0.5, abs=0.1) and trimmed.frames == 12
    start = decode(get(live_server, "clip.mp4/ik-thumbnail.jpg").content)
    late = decode(get(live_server, "tr:so-idu_sub_0.5/clip.mp4/ik-thumbnail.jpg").content)
    assert late.getpoint(80, 0)[0] > start.getpoint(80, 0)[0] + 100  # a later frame
    for chain in ("so-idu_foo_2", "so-iw_div_2", "eo-idu_sub_5"):
        response = get(live_server, f"tr:{chain}/clip.mp4")
        assert response.status_code == 400, (chain, response.status_code)


def test_audio_extraction(live_server: LiveServer, video: dict[str, object]) -> None:
    audio = get(live_server, "tr:vc-none,so-0.5/clip.mp4")
    assert audio.status_code == 200
    measured = measure(audio.content)
    assert (measured.video_codec, measured.audio_codec) == (None, "aac")
    assert measured.duration == pytest.approx(1.5, abs=0.1)
    assert get(live_server, "tr:vc-none,ac-none/clip.mp4").status_code == 400
