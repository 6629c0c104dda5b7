"""``/docs`` (Swagger UI from the package's own assets, no CDN) and ``/openapi.json``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.requests import Request
from starlette.staticfiles import StaticFiles

from imagekit_server.api_docs.description import build_description

ASSETS_URL = "/docs/assets"


def assets_directory() -> Path:
    return Path(str(resources.files("imagekit_server").joinpath("assets/swagger-ui")))


def install(app: FastAPI, version: str) -> None:
    """Serve the docs on ``app`` (created with ``docs_url``/``redoc_url``/``openapi_url`` off)."""

    def description() -> dict[str, Any]:
        if app.openapi_schema is None:
            generated = get_openapi(title=app.title, version=version, routes=app.routes)
            app.openapi_schema = build_description(generated, version=version)
        return app.openapi_schema

    app.openapi = description  # type: ignore[method-assign]

    async def openapi_json(request: Request) -> JSONResponse:
        return JSONResponse(description())

    async def docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="imagekit-server API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
            # No badge fetched from validator.swagger.io: nothing leaves the machine.
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )

    app.add_route("/openapi.json", openapi_json, include_in_schema=False)
    app.add_route("/docs", docs, include_in_schema=False)
    app.mount(ASSETS_URL, StaticFiles(directory=assets_directory()), name="docs-assets")
