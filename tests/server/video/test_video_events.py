"""A video render asked for at the URL endpoint sends `video.transformation.accepted` and
`.ready` to the account's webhook endpoints (a real receiver on 127.0.0.1), naming the request
that asked: its URL, its X-Request-Id (as on its response and access-log line) and its user
agent."""

from __future__ import annotations

import json

import requests

from tests.fixtures.live_server import StartServer
from tests.fixtures.recording_server import RecordingServer
from tests.server.uploads import TIMEOUT, upload, uploaded
from tests.server.video.media import make_video
from tests.server.webhooks.hooks import create_endpoint, eventually, received, verify

VIDEO_EVENTS = ["video.transformation.accepted", "video.transformation.ready"]


def test_a_render_names_the_request_that_asked(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    server = live_server_factory(env={"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.1"})
    endpoint = create_endpoint(server, f"{recording_server.base_url}/v", events=VIDEO_EVENTS)
    path = uploaded(server, make_video(seconds=1), "events.mp4", useUniqueFileName="false")[
        "filePath"
    ]
    url = f"{server.url_endpoint}/tr:w-64{path}"
    first = requests.get(url, headers={"User-Agent": "event-test/1.0"}, timeout=TIMEOUT)
    assert first.status_code == 200
    request_id = first.headers["x-request-id"]
    eventually(lambda: requests.get(url, timeout=TIMEOUT).headers["content-type"] == "video/mp4")
    events = [verify(request, endpoint["secret"]) for request in received(recording_server, 2)]
    assert sorted(event["type"] for event in events) == VIDEO_EVENTS
    for event in events:
        assert event["request"] == {
            "x_request_id": request_id,
            "url": url,
            "user_agent": "event-test/1.0",
        }
    ready = next(event for event in events if event["type"].endswith("ready"))
    assert ready["data"]["transformation"]["output"]["video_metadata"]["width"] == 64


def test_a_post_transformation_names_the_upload(
    live_server_factory: StartServer, recording_server: RecordingServer
) -> None:
    """A rendition made eagerly after an upload: its events carry the upload's X-Request-Id
    and the rendition's URL (no user agent: no client asked for that URL)."""
    server = live_server_factory(env={"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.1"})
    endpoint = create_endpoint(server, f"{recording_server.base_url}/v", events=VIDEO_EVENTS)
    post = json.dumps({"post": [{"type": "transformation", "value": "w-48"}]})
    response = upload(
        server, make_video(seconds=1), "posted.mp4", useUniqueFileName="false", transformation=post
    )
    assert response.status_code == 200, response.text
    events = [verify(request, endpoint["secret"]) for request in received(recording_server, 2)]
    assert sorted(event["type"] for event in events) == VIDEO_EVENTS
    for event in events:
        assert event["request"] == {
            "x_request_id": response.headers["x-request-id"],
            "url": f"{server.url_endpoint}/tr:w-48/posted.mp4",
            "user_agent": "",
        }
