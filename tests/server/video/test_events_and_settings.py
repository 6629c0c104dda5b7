"""Video webhook events in ImageKit's payload shape, queued in the webhook outbox; settings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from imagekit_server.context import open_context
from imagekit_server.db.tables import webhook_deliveries
from imagekit_server.settings import Settings, SettingsError
from imagekit_server.video import events
from imagekit_server.webhooks import endpoints


def test_ready_event_shape_and_its_delivery_row(tmp_path: Path) -> None:
    context = open_context(Settings(data_dir=tmp_path, imagekit_id="demo"))
    try:
        hooks = endpoints.parse_endpoint_request({"url": "https://hooks.example/v"})
        endpoints.create_endpoint(context.engine, "demo", hooks)
        output = {"url": "u", "video_metadata": {"duration": 2, "width": 80, "height": 60}}
        event = events.video_event(
            "ready", "http://x/demo/tr:w-80/a.mp4", "http://x/demo/a.mp4", {"format": "mp4"},
            output=output, timings={"download_duration": 0, "encoding_duration": 12},
        )  # fmt: skip
        asyncio.run(events.send_video_event(context, "demo", event))
        with context.engine.connect() as conn:
            rows = list(conn.execute(sa.select(webhook_deliveries)))
    finally:
        context.close()
    assert [(row.event_type, row.url) for row in rows] == [
        ("video.transformation.ready", "https://hooks.example/v")
    ]
    assert json.loads(rows[0].payload) == event
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
