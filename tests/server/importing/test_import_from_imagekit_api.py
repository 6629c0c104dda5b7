"""``imagekit-server import imagekit``: from another server of ours on 127.0.0.1 (speaking
ImageKit's API) with folders, tags, custom metadata (fields created), privacy, publication and
versions (older first, so the current version ends current)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.importing.running import run_import
from tests.server.media import decode, pixel, solid_image
from tests.server.uploads import api_get, uploaded


def _source_library(source: LiveServer) -> dict[str, dict[str, Any]]:
    created = requests.post(
        f"{source.base_url}/v1/customMetadataFields",
        json={"name": "price", "label": "Price", "schema": {"type": "Number", "minValue": 0}},
        auth=source.auth,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    plain = uploaded(
        source,
        solid_image(8, 4, (255, 0, 0)),
        "plain.png",
        folder="/shop/shoes",
        tags="red,sale",
        customMetadata='{"price": 12.5}',
        useUniqueFileName="false",
    )
    secret = uploaded(
        source,
        solid_image(3, 3, (0, 0, 255)),
        "secret.png",
        folder="/vault",
        isPrivateFile="true",
        useUniqueFileName="false",
    )
    draft = uploaded(
        source,
        solid_image(5, 5, (0, 255, 0)),
        "draft.png",
        isPublished="false",
        useUniqueFileName="false",
    )
    for width, colour in ((10, (10, 10, 10)), (20, (200, 200, 200))):
        versioned = uploaded(
            source,
            solid_image(width, 6, colour),
            "logo.png",
            folder="/brand",
            tags=f"v{width}",
            useUniqueFileName="false",
        )
    return {"plain": plain, "secret": secret, "draft": draft, "logo": versioned}


def _by_path(server: LiveServer) -> dict[str, dict[str, Any]]:
    return {f["filePath"]: f for f in api_get(server, "/v1/files", limit="1000").json()}


def test_import_from_another_server_keeps_metadata_and_versions(
    live_server_factory: StartServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = live_server_factory()
    target = live_server_factory()
    _source_library(source)
    target.env["IMAGEKIT_SOURCE_PRIVATE_KEY"] = "private_wrong"
    status, stderr = run_import(
        target, monkeypatch, capsys, "imagekit", "--api-url", source.base_url
    )
    assert status == 1 and "HTTP 403" in stderr and "cannot be authenticated" in stderr
    assert _by_path(target) == {}

    target.env["IMAGEKIT_SOURCE_PRIVATE_KEY"] = source.private_key
    status, stderr = run_import(
        target, monkeypatch, capsys, "imagekit", "--api-url", source.base_url, "--jobs", "3"
    )
    assert status == 0, stderr
    assert "created custom metadata fields price" in stderr
    assert "5 imported" in stderr  # 3 single-version files + 2 versions of the logo

    fields = api_get(target, "/v1/customMetadataFields").json()
    assert [(f["name"], f["label"], f["schema"]["type"]) for f in fields] == [
        ("price", "Price", "Number")
    ]
    files = _by_path(target)
    assert sorted(files) == [
        "/brand/logo.png",
        "/draft.png",
        "/shop/shoes/plain.png",
        "/vault/secret.png",
    ]
    plain = files["/shop/shoes/plain.png"]
    assert plain["tags"] == ["red", "sale"] and plain["customMetadata"] == {"price": 12.5}
    assert files["/vault/secret.png"]["isPrivateFile"] is True
    assert files["/draft.png"]["isPublished"] is False
    # Bytes came from the source's originals: the private file was fetched with a signed URL.
    secret = requests.get(f"{target.url_endpoint}/vault/secret.png", timeout=10)
    assert secret.status_code == 401
    assert (files["/vault/secret.png"]["width"], files["/draft.png"]["width"]) == (3, 5)

    logo = files["/brand/logo.png"]
    assert (logo["width"], logo["tags"]) == (20, ["v20"])
    current = requests.get(f"{target.url_endpoint}/brand/logo.png", timeout=10).content
    assert pixel(current, 1, 1)[:3] == [200, 200, 200]
    versions = api_get(target, f"/v1/files/{logo['fileId']}/versions").json()
    assert len(versions) == 2
    older = next(v for v in versions if v["type"] == "file-version")
    assert older["tags"] == ["v10"]
    old_bytes = requests.get(older["url"], timeout=10).content
    assert decode(old_bytes).width == 10 and pixel(old_bytes, 1, 1)[:3] == [10, 10, 10]

    again = target.cli("import", "imagekit", "--api-url", source.base_url)  # the command itself
    assert again.returncode == 0 and "0 imported, 5 skipped" in again.stderr
    assert len(_by_path(target)) == 4
