"""``/v1/saved-extensions`` against a live server: CRUD per account, configs validated, and
saving an AI extension does not make it runnable (upload still refuses it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import assert_error, upload

TIMEOUT = 30
AI_TASKS = {
    "name": "ai-tasks",
    "tasks": [
        {"type": "select_tags", "instruction": "What is shown?", "vocabulary": ["cat", "dog"]},
        {
            "type": "yes_no",
            "instruction": "Is it outdoors?",
            "on_yes": {"add_tags": ["outdoor"], "set_metadata": [{"field": "f", "value": 1}]},
        },
    ],
}


def _send(server: LiveServer, method: str, suffix: str = "", **body: Any) -> requests.Response:
    return requests.request(
        method,
        f"{server.base_url}/v1/saved-extensions{suffix}",
        json=body or None,
        auth=server.auth,
        timeout=TIMEOUT,
    )


def test_crud(live_server: LiveServer) -> None:
    created = _send(live_server, "POST", name="tagger", description="tags", config=AI_TASKS)
    assert created.status_code == 200, created.text
    item = created.json()
    assert set(item) == {"id", "name", "description", "config", "createdAt", "updatedAt"}
    assert (item["name"], item["description"], item["config"]) == ("tagger", "tags", AI_TASKS)
    assert item in _send(live_server, "GET").json()
    assert _send(live_server, "GET", f"/{item['id']}").json() == item

    renamed = _send(live_server, "PATCH", f"/{item['id']}", name="tagger 2").json()
    assert (renamed["name"], renamed["config"]) == ("tagger 2", AI_TASKS)
    removal = {"name": "remove-bg", "options": {"bg_color": "81d4fa", "add_shadow": True}}
    reconfigured = _send(live_server, "PATCH", f"/{item['id']}", config=removal).json()
    assert (reconfigured["name"], reconfigured["config"]) == ("tagger 2", removal)
    assert reconfigured["createdAt"] == item["createdAt"]

    assert _send(live_server, "DELETE", f"/{item['id']}").status_code == 204
    assert _send(live_server, "GET", f"/{item['id']}").status_code == 404
    assert _send(live_server, "DELETE", f"/{item['id']}").status_code == 404
    assert item["id"] not in [saved["id"] for saved in _send(live_server, "GET").json()]


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"name": "unknown-extension"}, "config.name"),
        ("remove-bg", "config must be a JSON object"),
        ({"name": "google-auto-tagging", "maxTags": 5}, "minConfidence"),
        ({"name": "aws-auto-tagging", "maxTags": 5, "minConfidence": 101}, "minConfidence"),
        ({"name": "aws-auto-tagging", "maxTags": True, "minConfidence": 5}, "maxTags"),
        ({"name": "remove-bg", "options": {"bg_color": "fff", "bg_image_url": "x"}}, "not both"),
        ({"name": "ai-auto-description", "extra": 1}, "config.extra"),
        ({"name": "ai-tasks", "tasks": []}, "at least one"),
        ({"name": "ai-tasks", "tasks": [{"type": "select_tags"}]}, "instruction"),
        ({"name": "ai-tasks", "tasks": [{"type": "guess", "instruction": "?"}]}, "type"),
        (
            {"name": "ai-tasks", "tasks": [{"type": "select_metadata", "instruction": "?"}]},
            "config.tasks[0].field",
        ),
        (
            {
                "name": "ai-tasks",
                "tasks": [{"type": "yes_no", "instruction": "?", "on_no": {"add_tags": [1]}}],
            },
            "add_tags",
        ),
    ],
)
def test_invalid_configs_are_refused(live_server: LiveServer, config: Any, fragment: str) -> None:
    refused = _send(live_server, "POST", name="bad", description="", config=config)
    assert fragment in assert_error(refused, 400)["message"]


def test_field_refusals_and_authentication(live_server: LiveServer) -> None:
    valid = {"name": "ai-auto-description"}
    assert_error(_send(live_server, "POST", description="d", config=valid), 400)
    assert_error(_send(live_server, "POST", name="n", config=valid), 400)
    assert_error(_send(live_server, "POST", name="n", description="d"), 400)
    created = _send(live_server, "POST", name="n", description="d", config=valid).json()
    bad_patch = _send(live_server, "PATCH", f"/{created['id']}", config={"name": "nope"})
    assert_error(bad_patch, 400)
    assert _send(live_server, "GET", f"/{created['id']}").json()["config"] == valid
    assert_error(_send(live_server, "PATCH", "/000000000000000000000000", name="x"), 404)
    anonymous = requests.get(f"{live_server.base_url}/v1/saved-extensions", timeout=TIMEOUT)
    assert_error(anonymous, 401)


def test_a_saved_ai_tasks_extension_reports_failed_and_the_file_is_stored(
    live_server: LiveServer,
) -> None:
    saved = _send(live_server, "POST", name="run", description="", config=AI_TASKS).json()
    stored = upload(
        live_server,
        solid_image(2, 2, (0, 0, 0)),
        "ai.png",
        extensions=json.dumps([{"name": "saved-extension", "id": saved["id"]}]),
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["extensionStatus"] == {"ai-tasks": "failed"}
