"""Check and queue folder jobs (docs/reference/api.md §4.17, §5 renameFolder). The checks that need
the
database run in the submitting transaction, so an accepted job's source existed."""

from __future__ import annotations

from dataclasses import dataclass

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import write_transaction
from imagekit_server.errors import ApiError, BadRequest, NotFound
from imagekit_server.files.naming import join_path, parent_of
from imagekit_server.jobs import queue
from imagekit_server.jobs.path_fit import check_destination_fits
from imagekit_server.library.folders import (
    MAX_NESTED_OBJECTS,
    count_nested,
    folder_exists,
    too_many_objects,
)


@dataclass(frozen=True)
class FolderJob:
    type: str  # COPY_FOLDER | MOVE_FOLDER | RENAME_FOLDER
    source: str  # "/a"
    destination: str  # the folder's new path: "/b/a"
    include_versions: bool = False
    purge_cache: bool = False

    @property
    def mode(self) -> str:
        return "copy" if self.type == "COPY_FOLDER" else "move"


def _reject(message: str, reason: str) -> ApiError:
    return BadRequest(message, reason=reason)


def transfer_job(job_type: str, source: str, destination_parent: str, **flags: bool) -> FolderJob:
    """A copy or move of ``source`` into ``destination_parent`` (``/a`` into ``/b`` → ``/b/a``)."""
    if source == "/":
        raise _reject("The root folder cannot be copied or moved.", "SOURCE_IS_ROOT")
    destination = join_path(destination_parent, source.rsplit("/", 1)[1])
    if destination == source:
        raise _reject("The folder is already in destinationPath.", "SAME_SOURCE_AND_DESTINATION")
    if destination_parent == source or destination_parent.startswith(source + "/"):
        raise _reject("A folder cannot be put inside itself.", "INVALID_DESTINATION_PATH")
    return FolderJob(job_type, source, destination, **flags)


def rename_job(source: str, new_name: str, *, purge_cache: bool) -> FolderJob:
    if source == "/":
        raise _reject("The root folder cannot be renamed.", "SOURCE_IS_ROOT")
    destination = join_path(parent_of(source), new_name)
    if destination == source:
        raise _reject("newFolderName is the folder's name.", "SAME_SOURCE_AND_DESTINATION")
    return FolderJob("RENAME_FOLDER", source, destination, purge_cache=purge_cache)


def submit_folder_job(context: ServerContext, account_id: str, job: FolderJob) -> str:
    with write_transaction(context.engine) as conn:
        if not folder_exists(conn, account_id, job.source):
            raise NotFound(
                "No files or folder found at sourceFolderPath.", reason="NO_FILES_FOLDER"
            )
        if job.type == "RENAME_FOLDER" and folder_exists(conn, account_id, job.destination):
            raise _reject("A folder with newFolderName already exists.", "FOLDER_ALREADY_EXISTS")
        if count_nested(conn, account_id, job.source) > MAX_NESTED_OBJECTS:
            raise too_many_objects()
        check_destination_fits(conn, account_id, job.source, job.destination)
        params = {
            "source": job.source,
            "destination": job.destination,
            "mode": job.mode,
            "includeVersions": job.include_versions,
            "purgeCache": job.purge_cache,
        }
        return queue.submit(conn, account_id, job.type, params)
