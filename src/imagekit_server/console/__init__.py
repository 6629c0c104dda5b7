"""The media-library console at ``/console``: server-rendered pages (Jinja2) made live with
htmx, on the same API as the SDK. See docs/console.md."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from imagekit_server.console import (
    browse,
    duplicates,
    file_page,
    playground,
    search_page,
    settings_pages,
    signin,
    tus,
    upload,
)
from imagekit_server.console.pages import PACKAGE_DIR, secure

__all__ = ["console_mount"]


async def _home(request: Request) -> Response:
    return secure(RedirectResponse("/console/browse", status_code=303))


def console_routes() -> list[Route | Mount]:
    return [
        Route("/", _home),
        Route("/signin", signin.signin_form, methods=["GET"]),
        Route("/signin", signin.signin, methods=["POST"]),
        Route("/signout", signin.signout, methods=["POST"]),
        Route("/browse", browse.browse),
        Route("/operations", browse.operate, methods=["POST"]),
        Route("/jobs/{job_id}", browse.job_status),
        Route("/upload", upload.upload_page),
        Route("/search", search_page.search),
        Route("/files/{file_id}", file_page.file_page),
        Route("/files/{file_id}/playground", playground.playground),
        Route("/files/{file_id}/similar", duplicates.similar),
        Route("/duplicates", duplicates.report),
        Route("/settings", settings_pages.settings_page),
        Route("/settings/{action}", settings_pages.settings_action, methods=["POST"]),
        Route("/files/{file_id}/details", file_page.update_details, methods=["POST"]),
        Route("/files/{file_id}/{action}", file_page.file_action, methods=["POST"]),
        Route("/upload-auth", upload.upload_auth, methods=["POST"]),
        Route("/tus", tus.options, methods=["OPTIONS"]),
        Route("/tus", tus.create, methods=["POST"]),
        Route("/tus/{upload_id}", tus.head, methods=["HEAD"]),
        Route("/tus/{upload_id}", tus.patch, methods=["PATCH"]),
        Route("/tus/{upload_id}", tus.terminate, methods=["DELETE"]),
        Mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="console-static"),
    ]


def console_mount() -> Mount:
    return Mount("/console", routes=console_routes())
