"""``transformation.pre`` on a video upload: the stored original is the transcoded video
(downloaded, decoded and measured), the library reports the stored video's fields, and a
chain that cannot apply is a 400 with nothing stored."""

from __future__ import annotations

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, api_get, assert_error, upload, uploaded
from tests.server.video.media import LEFT, RIGHT, close, colour_at, make_video, measure

SOURCE = make_video(width=320, height=240, seconds=3)


def stored(server: LiveServer, body: dict[str, object]) -> bytes:
    response = requests.get(str(body["url"]), timeout=TIMEOUT)
    assert response.status_code == 200
    return response.content


def test_pre_transformation_stores_the_transcoded_video(live_server: LiveServer) -> None:
    body = uploaded(live_server, SOURCE, "pre.mp4", transformation='{"pre": "w-160,du-1.5"}')
    assert (body["width"], body["height"]) == (160, 120)
    assert body["duration"] == 2  # 1.5 s, in whole seconds as ImageKit reports
    assert body["videoCodec"] == "h264" and body["audioCodec"] == "aac"
    video = measure(stored(live_server, body))
    assert (video.width, video.height) == (160, 120)
    assert video.duration == pytest.approx(1.5, abs=0.1)
    assert video.frames == 36  # 1.5 s at 24 fps
    assert video.first_frame is not None
    assert close(colour_at(video.first_frame, 0.25, 0.6), LEFT)
    assert close(colour_at(video.first_frame, 0.75, 0.6), RIGHT)
    assert body["size"] == len(stored(live_server, body))
    details = api_get(live_server, f"/v1/files/{body['fileId']}/details").json()
    assert details["width"] == 160 and details["mime"] == "video/mp4"


def test_pre_transformation_formats_and_audio(live_server: LiveServer) -> None:
    body = uploaded(
        live_server, SOURCE, "pre.webm", transformation='{"pre": "f-webm,ac-none,h-60"}'
    )
    video = measure(stored(live_server, body))
    assert video.format == "matroska,webm" and video.video_codec == "vp9"
    assert video.audio_codec is None and (video.width, video.height) == (80, 60)
    assert body["audioCodec"] is None


def test_pre_transformation_with_a_layer(live_server: LiveServer) -> None:
    body = uploaded(
        live_server,
        SOURCE,
        "layered.mp4",
        transformation='{"pre": "l-image,i-ik_canvas,bg-00FF00,w-80,h-240,lx-0,ly-0,l-end"}',
    )
    video = measure(stored(live_server, body))
    assert video.first_frame is not None
    assert close(colour_at(video.first_frame, 0.1, 0.5), (0, 255, 0), tolerance=60)
    assert close(colour_at(video.first_frame, 0.9, 0.5), RIGHT)


@pytest.mark.parametrize(
    ("chain", "fragment"),
    [("w-abc", "w-abc"), ("sr-240_360", "sr-"), ("so-10", "so"), ("vc-none", "vc-none")],
)
def test_invalid_video_pre_transformations_are_400(
    live_server: LiveServer, chain: str, fragment: str
) -> None:
    name = f"bad-{chain}.mp4"
    response = upload(live_server, SOURCE, name, transformation=f'{{"pre": "{chain}"}}')
    message = assert_error(response, 400)["message"]
    assert fragment in message
    listed = api_get(live_server, "/v1/files", searchQuery=f'name = "{name}"').json()
    assert listed == []
