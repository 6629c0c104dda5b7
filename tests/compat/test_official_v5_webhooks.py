"""The official 5.x SDK's ``webhooks.unwrap`` verifies our webhook deliveries (account
endpoints and per-upload ``webhookUrl``) and parses them into its event models; a tampered body
or a wrong secret is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

from tests.compat.conftest import SCRIPTS
from tests.compat.environments import run_scenario
from tests.fixtures.live_server import LiveServer
from tests.fixtures.recording_server import RecordedRequest, RecordingServer
from tests.server.media import solid_image
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.webhooks.hooks import create_endpoint, received

SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def _delivery(request: RecordedRequest, secret: str, body: str | None = None) -> dict[str, Any]:
    return {
        "body": request.body.decode() if body is None else body,
        "headers": {name: request.headers[name] for name in SIGNATURE_HEADERS},
        "secret": secret,
    }


def test_unwrap_verifies_and_parses_our_deliveries(
    official_v5_python: Path, compat_server: LiveServer, recording_server: RecordingServer
) -> None:
    endpoint = create_endpoint(compat_server, f"{recording_server.base_url}/endpoint")
    request_secret = requests.get(
        f"{compat_server.base_url}/v1/accounts/webhooks/secret",
        auth=compat_server.auth,
        timeout=TIMEOUT,
    ).json()["secret"]
    transformation = json.dumps(
        {"pre": "w-4", "post": [{"type": "transformation", "value": "w-2"}]}
    )
    first = uploaded(
        compat_server,
        solid_image(8, 8, (200, 10, 10)),
        "hooked.png",
        useUniqueFileName="false",
        webhookUrl=f"{recording_server.base_url}/request",
        transformation=transformation,
    )
    # file.created and both upload events to the endpoint; both upload events to webhookUrl.
    received(recording_server, 5)
    file_id = first["fileId"]
    uploaded(compat_server, solid_image(4, 4, (0, 0, 9)), "hooked.png", useUniqueFileName="false")
    versions = requests.get(
        f"{compat_server.base_url}/v1/files/{file_id}/versions",
        auth=compat_server.auth,
        timeout=TIMEOUT,
    ).json()
    for method, path, body in (
        ("PATCH", f"/v1/files/{file_id}/details", {"tags": ["t"]}),
        ("DELETE", f"/v1/files/{file_id}/versions/{versions[1]['versionInfo']['id']}", None),
        ("DELETE", f"/v1/files/{file_id}", None),
    ):
        answer = requests.request(
            method,
            f"{compat_server.base_url}{path}",
            json=body,
            auth=compat_server.auth,
            timeout=30,
        )
        assert answer.status_code in (200, 204), answer.text
    deliveries = received(recording_server, 9)
    secrets = {"/endpoint": endpoint["secret"], "/request": request_secret}
    signed = [_delivery(request, secrets[request.path]) for request in deliveries]
    tampered = dict(signed[0], body=signed[0]["body"].replace('"', ' "', 1))
    wrong_key = dict(
        signed[0],
        secret=request_secret if deliveries[0].path == "/endpoint" else endpoint["secret"],
    )
    results = run_scenario(
        official_v5_python,
        SCRIPTS / "official_v5_webhooks.py",
        "unwrap",
        {"deliveries": [*signed, tampered, wrong_key]},
    )
    verified, refused = results[:9], results[9:]
    models = sorted(
        (request.path, result.get("model", result.get("error")))
        for request, result in zip(deliveries, verified, strict=True)
    )
    assert models == [
        ("/endpoint", "FileCreateEvent"),
        ("/endpoint", "FileDeleteEvent"),
        ("/endpoint", "FileUpdateEvent"),
        ("/endpoint", "FileVersionCreateEvent"),
        ("/endpoint", "FileVersionDeleteEvent"),
        ("/endpoint", "UploadPostTransformSuccessEvent"),
        ("/endpoint", "UploadPreTransformSuccessEvent"),
        ("/request", "UploadPostTransformSuccessEvent"),
        ("/request", "UploadPreTransformSuccessEvent"),
    ]
    for request, result in zip(deliveries, verified, strict=True):
        assert result["id"] == request.headers["webhook-id"]
    assert [result.get("error") for result in refused] == ["WebhookVerificationError"] * 2
