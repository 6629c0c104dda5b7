"""Folder browser: breadcrumbs, grid or list, keyset pages loaded as the user scrolls, and the
operations on a selection (create, rename, move, copy, delete) through the API."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from imagekit_server.console.internal_api import ApiResult, InternalApi
from imagekit_server.console.library_page import breadcrumbs, folder_page, normalise_folder
from imagekit_server.console.links import thumbnail_url
from imagekit_server.console.pages import api_for, console_view, context_of, render
from imagekit_server.console.session import Session
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import bulk_jobs

VIEWS = ("grid", "list")


def _join(folder: str, name: str) -> str:
    return f"{folder.rstrip('/')}/{name}"


@console_view()
async def browse(request: Request, session: Session) -> Response:
    path = normalise_folder(request.query_params.get("path"))
    view = request.query_params.get("view", "grid")
    view = view if view in VIEWS else "grid"
    after = request.query_params.get("after") or None
    context = context_of(request)
    page = await to_thread.run_sync(folder_page, context.engine, session.account.id, path, after)
    values: dict[str, Any] = {
        "page": page,
        "path": path,
        "view": view,
        "crumbs": breadcrumbs(path),
        "thumb": lambda row: thumbnail_url(
            session.account, row.file_path, private=row.is_private, published=row.is_published
        ),
        "join": _join,
    }
    if request.headers.get("hx-request") and after is not None:
        return render(request, "browse_items.html", session, **values)
    return render(request, "browse.html", session, **values)


async def _run_operation(
    api: InternalApi, form: dict[str, str], items: list[str]
) -> tuple[list[ApiResult], list[str]]:
    """Each selected item's API call; returns results and the bulk job ids started."""
    operation = form.get("operation", "")
    destination = normalise_folder(form.get("destination"))
    new_name = form.get("new_name", "").strip()
    results: list[ApiResult] = []
    jobs: list[str] = []
    for item in items:
        kind, _, path = item.partition(":")
        file_id = ""
        if kind == "file":
            file_id, _, path = path.partition(":")
        if operation == "delete":
            if kind == "folder":
                results.append(
                    await api.call("DELETE", "/v1/folder", json_body={"folderPath": path})
                )
            else:
                results.append(await api.call("DELETE", f"/v1/files/{file_id}"))
            continue
        if operation in ("move", "copy"):
            if kind == "folder":
                endpoint = (
                    "/v1/bulkJobs/moveFolder" if operation == "move" else "/v1/bulkJobs/copyFolder"
                )
                body: dict[str, Any] = {"sourceFolderPath": path, "destinationPath": destination}
                if operation == "copy":
                    body["includeVersions"] = True
                result = await api.call("POST", endpoint, json_body=body)
            else:
                body = {"sourceFilePath": path, "destinationPath": destination}
                result = await api.call("POST", f"/v1/files/{operation}", json_body=body)
        elif operation == "rename":
            if kind == "folder":
                body = {"folderPath": path, "newFolderName": new_name}
                result = await api.call("POST", "/v1/bulkJobs/renameFolder", json_body=body)
            else:
                body = {"filePath": path, "newFileName": new_name}
                result = await api.call("PUT", "/v1/files/rename", json_body=body)
        else:
            result = ApiResult(400, {"message": f"Unknown operation {operation!r}."})
        results.append(result)
        if result.ok and isinstance(result.body, dict) and result.body.get("jobId"):
            jobs.append(str(result.body["jobId"]))
    return results, jobs


@console_view(write=True)
async def operate(request: Request, session: Session) -> Response:
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    items = [value for value in form.getlist("item") if isinstance(value, str)]
    path = normalise_folder(fields.get("path"))
    api = api_for(request, session)
    results: list[ApiResult]
    jobs: list[str] = []
    if fields.get("operation") == "create":
        result = await api.call(
            "POST",
            "/v1/folder",
            json_body={"folderName": fields.get("new_name", ""), "parentFolderPath": path},
        )
        results = [result]
    elif not items:
        results = [ApiResult(400, {"message": "Select at least one file or folder."})]
    elif fields.get("operation") == "rename" and len(items) != 1:
        results = [ApiResult(400, {"message": "Rename one item at a time."})]
    else:
        results, jobs = await _run_operation(api, fields, items)
    errors = [result.message for result in results if not result.ok]
    response = render(
        request,
        "operation_result.html",
        session,
        errors=errors,
        jobs=jobs,
        done=len(results) - len(errors),
    )
    if not errors and not jobs:
        response.headers["HX-Trigger"] = "library-changed"
    return response


def files_done(context: ServerContext, account_id: str, job_id: str) -> int:
    """Files a running job has handled so far (its resumable cursor counts them)."""
    with read_transaction(context.engine) as conn:
        progress = conn.execute(
            sa.select(bulk_jobs.c.progress).where(
                bulk_jobs.c.account_id == account_id, bulk_jobs.c.id == job_id
            )
        ).scalar()
    return int((progress or {}).get("done", 0))


@console_view()
async def job_status(request: Request, session: Session) -> Response:
    job_id = request.path_params["job_id"]
    result = await api_for(request, session).get(f"/v1/bulkJobs/{job_id}")
    status = result.body if isinstance(result.body, dict) else {}
    done = await to_thread.run_sync(files_done, context_of(request), session.account.id, job_id)
    response = render(
        request, "job.html", session, job_id=job_id, job=status, ok=result.ok, done=done
    )
    if status.get("status") == "Completed":
        response.headers["HX-Trigger"] = "library-changed"
    return response
