"""The "Done when" flow of upload extensions: ImageKit's 4.x README calls, from an upload with
``remove-bg`` and ``google-auto-tagging`` and a webhook to custom metadata fields, run to the
end unchanged with the official ``imagekitio`` 4.2.0 and with our drop-in, against one server;
remove-bg's final status reaches the webhook for both."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.compat.environments import REPO_ROOT, SCRIPT_TIMEOUT
from tests.fixtures.live_server import StartServer
from tests.fixtures.recording_server import RecordingServer
from tests.server.extensions.images import product_shot

SCRIPT = Path(__file__).parent / "scripts" / "readme_flow.py"


def _run(python: Path, config: dict[str, Any], *, ours: bool) -> dict[str, Any]:
    env = {**os.environ}
    if ours:  # our drop-in from this checkout; the official one runs isolated (-I)
        env["PYTHONPATH"] = str(REPO_ROOT / "src")
    command = [str(python), str(SCRIPT)] if ours else [str(python), "-I", str(SCRIPT)]
    completed = subprocess.run(
        command,
        input=json.dumps(config),
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        cwd=SCRIPT.parent,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


@pytest.mark.parametrize("sdk", ["official-4.2.0", "ours"])
def test_the_readme_flow_runs_to_the_end(
    sdk: str,
    live_server_factory: StartServer,
    recording_server: RecordingServer,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    server = live_server_factory(env={"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8"})
    python = request.getfixturevalue("official_v4_python") if sdk != "ours" else sys.executable
    unique = secrets.token_hex(4)
    photo = tmp_path / "product.jpg"
    photo.write_bytes(product_shot(800, 600))
    config = {
        "base_url": server.base_url,
        "private_key": server.private_key,
        "public_key": server.public_key,
        "url_endpoint": server.url_endpoint,
        "jpeg_path": str(photo),
        "folder": f"/readme-{unique}",
        "field_name": f"test_{unique}",
        "webhook_url": recording_server.base_url + "/webhook",
    }
    out = _run(Path(python), config, ours=sdk == "ours")
    assert out["reached_end"], out
    upload = out["upload"]
    assert upload["extensionStatus"] == {"remove-bg": "pending", "google-auto-tagging": "success"}
    assert all(tag["source"] == "google-auto-tagging" for tag in upload["AITags"] or [])
    assert out["updated"]["extensionStatus"] == {"google-auto-tagging": "success"}
    assert out["updated"]["customMetadata"] == {config["field_name"]: 12}
    assert sorted(out["after_tags"]["tags"]) == ["tag2", "tag3", "tag4"]
    remaining = [tag["name"] for tag in out["after_tags"]["AITags"] or []]
    assert out["removed_ai_tag"] not in remaining
    assert [item["name"] for item in out["listed"]] == ["my_file_name.jpg"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        bodies = [json.loads(item.body) for item in list(recording_server.requests)]
        events = [body for body in bodies if body.get("service") == "remove-bg"]
        if events:
            break
        time.sleep(0.1)
    assert events and events[0]["status"] == "SUCCESS"
    assert events[0]["fileObject"]["fileId"] == upload["fileId"]
