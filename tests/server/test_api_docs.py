"""``/docs`` works offline (Swagger UI from the server's own assets) and ``/openapi.json``
describes every route of the app with parameters, bodies, responses and auth."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
import yaml
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from imagekit_server.api_docs.description import METHODS, imagekit_description, path_shape
from imagekit_server.api_docs.routes import assets_directory
from imagekit_server.app import create_app
from imagekit_server.settings import Settings
from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image

ROOT = Path(__file__).parents[2]
DOCS_ROUTES = {"/docs", "/openapi.json"}


@pytest.fixture(scope="module")
def description(live_server: LiveServer) -> dict[str, Any]:
    response = requests.get(f"{live_server.base_url}/openapi.json", timeout=10)
    assert response.status_code == 200
    loaded: dict[str, Any] = response.json()
    return loaded


def test_docs_page_loads_every_asset_from_the_server_itself(live_server: LiveServer) -> None:
    page = requests.get(f"{live_server.base_url}/docs", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    references = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', page.text)
    references += re.findall(r"url:\s*'([^']+)'", page.text)
    assert len(references) >= 4
    # Nothing absolute or protocol-relative: a machine without network shows the full page.
    assert not re.search(r"https?://|[\"']//", page.text)
    for reference in references:
        assert reference.startswith("/")
        asset = requests.get(urljoin(live_server.base_url, reference), timeout=10)
        assert asset.status_code == 200, reference
    bundle = requests.get(f"{live_server.base_url}/docs/assets/swagger-ui-bundle.js", timeout=10)
    assert "javascript" in bundle.headers["content-type"] and len(bundle.content) > 500_000
    assert requests.get(f"{live_server.base_url}/redoc", timeout=10).status_code == 404


def test_vendored_assets_match_their_recorded_checksums() -> None:
    directory = assets_directory()
    table = (directory / "VERSION.md").read_text()
    recorded = dict(re.findall(r"^\| ([\w.-]+) \| ([0-9a-f]{64}) \|$", table, re.M))
    assert {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"} <= set(recorded)
    for name, digest in recorded.items():
        if (directory / name).exists():
            assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (directory / "LICENSE").read_text()


def test_the_shipped_description_is_imagekits_unchanged() -> None:
    published = yaml.safe_load((ROOT / "tests/data/imagekit-openapi-v1.yaml").read_text())
    assert imagekit_description() == json.loads(json.dumps(published))


def _flattened(routes: list[Any]) -> list[Any]:
    """Routes of included routers too (FastAPI keeps them behind a wrapper; no prefixes are
    added at inclusion here, the routers carry their own)."""
    flat = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        flat += _flattened(list(inner.routes)) if inner is not None else [route]
    return flat


def _app_operations(tmp_path: Path) -> set[tuple[str, str]]:
    app = create_app(Settings(data_dir=tmp_path))
    operations: set[tuple[str, str]] = set()
    for route in _flattened(app.routes):
        if isinstance(route, Mount) or (isinstance(route, Route) and route.path in DOCS_ROUTES):
            continue
        assert isinstance(route, (APIRoute, Route)), route
        methods = {m.lower() for m in route.methods or ()} - {"head"}
        path = route.path.replace("{path:path}", "{path}")
        operations |= {(method, path_shape(path)) for method in methods}
    return operations


def test_every_route_of_the_app_is_described(description: dict[str, Any], tmp_path: Path) -> None:
    described = {
        (method, path_shape(path))
        for path, item in description["paths"].items()
        for method in item
        if method in METHODS
    }
    routes = _app_operations(tmp_path)
    assert len(routes) > 50
    assert routes <= described, sorted(routes - described)
    assert ("get", "/{}/{}") in described and ("get", "/healthz") in described


def test_every_operation_has_parameters_responses_bodies_and_auth(
    description: dict[str, Any],
) -> None:
    schemes = description["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {**schemes["basicAuth"], "type": "http", "scheme": "basic"}
    assert description["security"] == [{"basicAuth": []}]
    for path, item in description["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            label = f"{method.upper()} {path}"
            assert operation.get("summary"), label
            assert any(status.startswith("2") for status in map(str, operation["responses"]))
            declared = {
                p["name"] for p in [*item.get("parameters", []), *operation.get("parameters", [])]
                if p.get("in") == "path"
            }  # fmt: skip
            assert declared == set(re.findall(r"\{([^}]+)\}", path)), label
            public = path in {"/healthz", "/readyz", "/metrics", "/{accountId}/{path}"}
            assert (operation.get("security") == []) is public, label
            if method in {"post", "put", "patch"} and not path.endswith(("/restore", "/retry")):
                assert "requestBody" in operation, label


def test_operations_keep_imagekits_detail(description: dict[str, Any]) -> None:
    listing = description["paths"]["/v1/files"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"searchQuery", "skip", "limit", "path"} <= names
    upload = description["paths"]["/api/v1/files/upload"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"200", "401"} <= set(map(str, upload["responses"]))
    assert all("servers" not in item for item in description["paths"].values())
    assert "docs/urls.md" in description["paths"]["/{accountId}/{path}"]["get"]["description"]
    extension = description["paths"]["/v1/x/named-transformations"]["post"]
    assert "imagekit-server extensions" in extension["tags"]
    assert "422" not in extension["responses"] and "401" in extension["responses"]


def test_try_it_out_reaches_this_server_with_basic_auth(
    live_server: LiveServer, description: dict[str, Any]
) -> None:
    """What Swagger UI sends: the description's server + the operation's path, Basic auth."""
    base = urljoin(live_server.base_url + "/", description["servers"][0]["url"]).rstrip("/")
    uploaded = requests.post(
        f"{base}/api/v1/files/upload",
        files={"file": ("a.png", solid_image(2, 2, (1, 2, 3))), "fileName": (None, "a.png")},
        auth=(live_server.private_key, ""),
        timeout=10,
    )
    assert uploaded.status_code == 200, uploaded.text
    details = requests.get(
        f"{base}/v1/files/{uploaded.json()['fileId']}/details",
        auth=(live_server.private_key, ""),
        timeout=10,
    )
    assert details.status_code == 200
    refused = requests.get(f"{base}/v1/files", timeout=10)
    assert refused.status_code in {401, 403}


def test_docs_urls_lists_every_transformation_key_the_parser_knows() -> None:
    from imagekit_server.imaging.effect_parameters import EFFECT_HANDLERS
    from imagekit_server.imaging.parameters import CORE_HANDLERS

    text = (ROOT / "docs" / "urls.md").read_text()
    for key in [*CORE_HANDLERS, *EFFECT_HANDLERS]:
        assert f"`{key}`" in text, f"docs/urls.md does not document `{key}`"


def test_extension_writes_document_their_json_fields(description: dict[str, Any]) -> None:
    from imagekit_server.api_docs.extension_bodies import BODIES, BODYLESS

    paths = {
        (m, path_shape(p)): op for p, item in description["paths"].items() for m, op in item.items()
    }
    for key, body in BODIES.items():
        assert key in paths, key  # every documented body belongs to a route of the app
        assert paths[key]["requestBody"] == body
    writes = [
        (key, operation)
        for key, operation in paths.items()
        if key[0] in {"post", "put", "patch"}
        and "imagekit-server extensions" in operation.get("tags", [])
        and key not in BODYLESS
    ]
    for key, operation in writes:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert schema.get("properties"), f"{key}: no documented fields"
