"""``/v1/bulkJobs``: copy, move and rename folders as background jobs, and job status
(docs/reference/api.md §4.17, §4.18, §5)."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import (
    folder_name,
    folder_parameter,
    json_object,
    optional_bool,
    required_string,
)
from imagekit_server.errors import NotFound
from imagekit_server.ids import is_valid_id
from imagekit_server.jobs import queue
from imagekit_server.jobs.submission import (
    FolderJob,
    rename_job,
    submit_folder_job,
    transfer_job,
)

router = APIRouter(prefix="/v1/bulkJobs", tags=["bulk jobs"])


async def _submit(request: Request, account: Account, job: FolderJob) -> JSONResponse:
    context = server_context(request)
    job_id = await to_thread.run_sync(submit_folder_job, context, account.id, job)
    runner = getattr(request.app.state, "job_runner", None)
    if runner is not None:
        runner.wake()
    return JSONResponse({"jobId": job_id})


def _transfer(body: dict[str, Any], job_type: str, **flags: bool) -> FolderJob:
    source = folder_parameter(body, "sourceFolderPath")
    destination = folder_parameter(body, "destinationPath")
    return transfer_job(job_type, source, destination, **flags)


@router.post("/copyFolder", summary="Copy a folder (a background job)")
async def copy_folder(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    body = await json_object(request)
    # 4.x sends includeFileVersions, the OpenAPI and 5.x includeVersions.
    include = optional_bool(body, "includeVersions", "includeFileVersions")
    return await _submit(request, account, _transfer(body, "COPY_FOLDER", include_versions=include))


@router.post("/moveFolder", summary="Move a folder (a background job)")
async def move_folder(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    body = await json_object(request)
    return await _submit(request, account, _transfer(body, "MOVE_FOLDER"))


@router.post("/renameFolder", summary="Rename a folder (a background job)")
async def rename_folder(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    body = await json_object(request)
    source = folder_parameter(body, "folderPath")
    name = folder_name(required_string(body, "newFolderName"))
    job = rename_job(source, name, purge_cache=optional_bool(body, "purgeCache"))
    return await _submit(request, account, job)


@router.get("/{job_id}", summary="Status of a bulk job")
async def job_status(
    job_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    context = server_context(request)
    status = None
    if is_valid_id(job_id):
        status = await to_thread.run_sync(queue.job_status, context.engine, account.id, job_id)
    if status is None:
        raise NotFound("No bulk job exists with this jobId.")
    return JSONResponse(status)
