"""Video webhook events in ImageKit's payload shape, handed to every sink; video settings."""

from __future__ import annotations

from typing import Any

import pytest

from imagekit_server.settings import Settings, SettingsError
from imagekit_server.video import events


def test_ready_event_shape_and_sinks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_sinks", [])
    received: list[tuple[str, dict[str, Any]]] = []
    events.add_sink(lambda account, event: received.append((account, event)))
    events.add_sink(lambda account, event: 1 / 0)  # a failing sink must not fail the render
    output = {"url": "u", "video_metadata": {"duration": 2, "width": 80, "height": 60}}
    event = events.video_event(
        "ready", "http://x/demo/tr:w-80/a.mp4", "http://x/demo/a.mp4", {"format": "mp4"},
        output=output, timings={"download_duration": 0, "encoding_duration": 12},
    )  # fmt: skip
    events.send_video_event("demo", event)
    assert received == [("demo", event)]
    assert event["type"] == "video.transformation.ready"
    assert event["created_at"].endswith("Z") and event["timings"]["encoding_duration"] == 12
    assert event["request"]["url"] == "http://x/demo/tr:w-80/a.mp4"
    transformation = event["data"]["transformation"]
    assert transformation["type"] == "video-transformation"
    assert transformation["output"]["video_metadata"]["width"] == 80
    assert event["data"]["asset"] == {"url": "http://x/demo/a.mp4"}


def test_video_settings_from_env() -> None:
    settings = Settings.from_env(
        {"IMAGEKIT_VIDEO_MAX_DURATION": "90", "IMAGEKIT_VIDEO_RENDER_WORKERS": "3",
         "IMAGEKIT_VIDEO_WAIT": "0"}
    )  # fmt: skip
    assert (settings.video_max_duration_seconds, settings.video_render_workers) == (90.0, 3)
    with pytest.raises(SettingsError):
        Settings.from_env({"IMAGEKIT_VIDEO_RENDER_WORKERS": "0"})
