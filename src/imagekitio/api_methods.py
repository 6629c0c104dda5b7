"""Every API method of ``ImageKit`` and ``AsyncImageKit``, declared once.

Each declaration validates its arguments and returns the ``Operation`` to send (built by the
pure functions in ``imagekitio.operations``); ``api_method`` makes it a blocking method on
``ImageKit`` and a coroutine method on ``AsyncImageKit`` (see ``imagekitio.call_shells``).
Names, parameters and result types are the 4.x contract (plus our extensions).
"""

from __future__ import annotations

from .call_shells import api_method
from .models.CopyFileRequestOptions import CopyFileRequestOptions
from .models.CopyFolderRequestOptions import CopyFolderRequestOptions
from .models.CreateCustomMetadataFieldsRequestOptions import (
    CreateCustomMetadataFieldsRequestOptions,
)
from .models.CreateFolderRequestOptions import CreateFolderRequestOptions
from .models.DeleteFolderRequestOptions import DeleteFolderRequestOptions
from .models.ListAndSearchFileRequestOptions import ListAndSearchFileRequestOptions
from .models.MoveFileRequestOptions import MoveFileRequestOptions
from .models.MoveFolderRequestOptions import MoveFolderRequestOptions
from .models.RenameFileRequestOptions import RenameFileRequestOptions
from .models.results.BulkDeleteFileResult import BulkDeleteFileResult
from .models.results.CustomMetadataFieldsResultWithResponseMetadata import (
    CustomMetadataFieldsResultWithResponseMetadata,
)
from .models.results.FileResultWithResponseMetadata import FileResultWithResponseMetadata
from .models.results.FolderResult import FolderResult
from .models.results.GetBulkJobStatusResult import GetBulkJobStatusResult
from .models.results.GetMetadataResult import GetMetadataResult
from .models.results.ListCustomMetadataFieldsResult import ListCustomMetadataFieldsResult
from .models.results.ListFileResult import ListFileResult
from .models.results.PurgeCacheResult import PurgeCacheResult
from .models.results.PurgeCacheStatusResult import PurgeCacheStatusResult
from .models.results.RenameFileResult import RenameFileResult
from .models.results.ResponseMetadataResult import ResponseMetadataResult
from .models.results.TagsResult import TagsResult
from .models.results.UploadFileResult import UploadFileResult
from .models.UpdateCustomMetadataFieldsRequestOptions import (
    UpdateCustomMetadataFieldsRequestOptions,
)
from .models.UpdateFileRequestOptions import UpdateFileRequestOptions
from .models.UploadFileRequestOptions import UploadFileRequestOptions
from .multipart import ProgressCallback
from .operations import custom_fields, files, folders, metadata, purge, similar, upload
from .request_context import RequestContext
from .resource import ImageKitRequest
from .upload_source import UploadSource
from .wire import Operation


class ApiMethods:
    """The API calls; a subclass supplies ``ik_request`` and a shell (blocking or awaiting)."""

    ik_request: ImageKitRequest

    @property
    def _ctx(self) -> RequestContext:
        return self.ik_request.context

    @api_method
    def upload_file(
        self,
        file: UploadSource | None = None,
        file_name: str | None = None,
        options: UploadFileRequestOptions | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> Operation[UploadFileResult]:
        """Upload a URL, base64 or raw ``str``/``bytes``, a binary file or a path (streamed)."""
        return upload.upload(self._ctx, file, file_name, options, on_progress)

    @api_method
    def list_files(
        self, options: ListAndSearchFileRequestOptions | None = None
    ) -> Operation[ListFileResult]:
        return files.list_files(self._ctx, options)

    @api_method
    def get_file_details(
        self, file_id: str | None = None
    ) -> Operation[FileResultWithResponseMetadata]:
        return files.get_file_details(self._ctx, file_id)

    @api_method
    def get_file_versions(self, file_id: str | None = None) -> Operation[ListFileResult]:
        return files.get_file_versions(self._ctx, file_id)

    @api_method
    def find_similar_files(
        self, file_id: str, *, max_distance: int | None = None, limit: int | None = None
    ) -> Operation[ListFileResult]:
        """Images whose pHash lies within ``max_distance`` bits (default 3, at most 11) of the
        file's, nearest first; each item has a ``distance``. An extension of imagekit-server,
        not part of ImageKit.io's API (docs/console.md, "Near-duplicates")."""
        return similar.find_similar_files(self._ctx, file_id, max_distance, limit)

    @api_method
    def get_file_version_details(
        self, file_id: str | None = None, version_id: str | None = None
    ) -> Operation[FileResultWithResponseMetadata]:
        return files.get_file_version_details(self._ctx, file_id, version_id)

    @api_method
    def update_file_details(
        self, file_id: str, options: UpdateFileRequestOptions | None = None
    ) -> Operation[FileResultWithResponseMetadata]:
        return files.update_file_details(self._ctx, file_id, options)

    @api_method
    def add_tags(self, file_ids: list[str], tags: list[str]) -> Operation[TagsResult]:
        return files.manage_tags(self._ctx, file_ids, tags, "addTags")

    @api_method
    def remove_tags(self, file_ids: list[str], tags: list[str]) -> Operation[TagsResult]:
        return files.manage_tags(self._ctx, file_ids, tags, "removeTags")

    @api_method
    def remove_ai_tags(self, file_ids: list[str], ai_tags: list[str]) -> Operation[TagsResult]:
        return files.remove_ai_tags(self._ctx, file_ids, ai_tags)

    @api_method
    def delete_file(self, file_id: str | None = None) -> Operation[ResponseMetadataResult]:
        return files.delete_file(self._ctx, file_id)

    @api_method
    def delete_file_version(
        self, file_id: str, version_id: str
    ) -> Operation[ResponseMetadataResult]:
        return files.delete_file_version(self._ctx, file_id, version_id)

    @api_method
    def bulk_delete(self, file_ids: list[str] | None = None) -> Operation[BulkDeleteFileResult]:
        return files.bulk_delete(self._ctx, file_ids)

    @api_method
    def copy_file(
        self, options: CopyFileRequestOptions | None = None
    ) -> Operation[ResponseMetadataResult]:
        return files.copy_file(self._ctx, options)

    @api_method
    def move_file(
        self, options: MoveFileRequestOptions | None = None
    ) -> Operation[ResponseMetadataResult]:
        return files.move_file(self._ctx, options)

    @api_method
    def rename_file(
        self, options: RenameFileRequestOptions | None = None
    ) -> Operation[RenameFileResult]:
        return files.rename_file(self._ctx, options)

    @api_method
    def restore_file_version(
        self, file_id: str, version_id: str
    ) -> Operation[FileResultWithResponseMetadata]:
        return files.restore_file_version(self._ctx, file_id, version_id)

    @api_method
    def create_folder(
        self, options: CreateFolderRequestOptions | None = None
    ) -> Operation[ResponseMetadataResult]:
        return folders.create_folder(self._ctx, options)

    @api_method
    def delete_folder(
        self, options: DeleteFolderRequestOptions | None = None
    ) -> Operation[ResponseMetadataResult]:
        return folders.delete_folder(self._ctx, options)

    @api_method
    def copy_folder(
        self, options: CopyFolderRequestOptions | None = None
    ) -> Operation[FolderResult]:
        return folders.copy_folder(self._ctx, options)

    @api_method
    def move_folder(
        self, options: MoveFolderRequestOptions | None = None
    ) -> Operation[FolderResult]:
        return folders.move_folder(self._ctx, options)

    @api_method
    def get_bulk_job_status(self, job_id: str) -> Operation[GetBulkJobStatusResult]:
        return folders.get_bulk_job_status(self._ctx, job_id)

    @api_method
    def purge_cache(self, file_url: str | None = None) -> Operation[PurgeCacheResult]:
        return purge.purge_cache(self._ctx, file_url)

    @api_method
    def get_purge_cache_status(self, purge_cache_id: str = "") -> Operation[PurgeCacheStatusResult]:
        return purge.get_purge_cache_status(self._ctx, purge_cache_id)

    @api_method
    def get_metadata(self, file_id: str | None = None) -> Operation[GetMetadataResult]:
        return metadata.get_metadata(self._ctx, file_id)

    @api_method
    def get_remote_url_metadata(self, remote_file_url: str = "") -> Operation[GetMetadataResult]:
        return metadata.get_remote_url_metadata(self._ctx, remote_file_url)

    @api_method
    def create_custom_metadata_fields(
        self, options: CreateCustomMetadataFieldsRequestOptions | None = None
    ) -> Operation[CustomMetadataFieldsResultWithResponseMetadata]:
        return custom_fields.create_custom_metadata_fields(self._ctx, options)

    @api_method
    def get_custom_metadata_fields(
        self, include_deleted: bool = False
    ) -> Operation[ListCustomMetadataFieldsResult]:
        return custom_fields.get_custom_metadata_fields(self._ctx, include_deleted)

    @api_method
    def update_custom_metadata_fields(
        self, field_id: str, options: UpdateCustomMetadataFieldsRequestOptions | None = None
    ) -> Operation[CustomMetadataFieldsResultWithResponseMetadata]:
        return custom_fields.update_custom_metadata_fields(self._ctx, field_id, options)

    @api_method
    def delete_custom_metadata_field(self, field_id: str = "") -> Operation[ResponseMetadataResult]:
        return custom_fields.delete_custom_metadata_field(self._ctx, field_id)

    # 4.x offers these methods under two names each.
    upload = upload_file
    bulk_file_delete = bulk_delete
    purge_file_cache = purge_cache
    get_purge_file_cache_status = get_purge_cache_status
    get_file_metadata = get_metadata
    get_remote_file_url_metadata = get_remote_url_metadata
